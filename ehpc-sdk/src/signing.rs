//! RPC signature version 1.0 (HMAC-SHA1) and the per-request values it
//! covers: nonce and timestamp.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Appends `input` percent-encoded as the signature requires: unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes
/// `%XX` in upper-case hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode_into(out: &mut String, input: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0F)] as char);
        }
    }
}

/// `input` percent-encoded; see [`percent_encode_into`].
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() * 3 / 2);
    percent_encode_into(&mut out, input);
    out
}

/// The canonical query: every parameter percent-encoded, sorted by encoded
/// name, joined as `name=value` with `&`.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut encoded: Vec<(String, String)> = params
        .into_iter()
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    encoded.sort_unstable();
    let mut query = String::with_capacity(encoded.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (index, (name, value)) in encoded.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
    }
    query
}

/// `METHOD&%2F&percentEncode(canonical_query)`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonical_query.len() * 5 / 4);
    out.push_str(method);
    out.push_str("&%2F&");
    percent_encode_into(&mut out, canonical_query);
    out
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    hmac_sha1_base64(&key, string_to_sign.as_bytes())
}

/// `base64(HMAC-SHA1(key, message))`.
pub fn hmac_sha1_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A signed request: the canonical query with `Signature` appended, ready
/// to be a URL query or a form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub string_to_sign: String,
    pub signature: String,
    /// `canonical_query&Signature=…`.
    pub query: String,
}

/// Signs `params` (operation and common parameters, without `Signature`).
pub fn sign_params<'a>(
    method: &str,
    secret: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Signed {
    let query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &query);
    let signature = sign(secret, &string_to_sign);
    let mut signed_query = query;
    signed_query.push_str("&Signature=");
    percent_encode_into(&mut signed_query, &signature);
    Signed {
        string_to_sign,
        signature,
        query: signed_query,
    }
}

/// Generates `SignatureNonce` values in the UUID v4 format: unique within
/// the process (a bijective mix of a counter) and unpredictable across
/// processes (random keys from the OS through `RandomState`).
#[derive(Debug)]
pub struct NonceSource {
    high: u64,
    key: u64,
    counter: AtomicU64,
}

impl Default for NonceSource {
    fn default() -> Self {
        let state = RandomState::new();
        NonceSource {
            high: state.hash_one(0x6e6f6e6365u64),
            key: state.hash_one(0x6b6579u64),
            counter: AtomicU64::new(0),
        }
    }
}

impl NonceSource {
    pub fn next(&self) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        // splitmix64 finalizer: a bijection, so distinct counts never collide.
        let mut low = count.wrapping_add(self.key);
        low = (low ^ (low >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        low = (low ^ (low >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        low ^= low >> 31;
        let high = (self.high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        // The variant bits would cost two bits of the bijection; keep the
        // low half whole instead and mark the variant in the high half.
        let mut out = String::with_capacity(36);
        let _ = write!(
            out,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xFFFF,
            high & 0xFFFF,
            low >> 48,
            low & 0xFFFF_FFFF_FFFF
        );
        out
    }
}

/// `Timestamp` for `time`: UTC, `YYYY-MM-DDThh:mm:ssZ`.
pub fn timestamp(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses a `Timestamp`-format or RFC 3339 UTC time (`…Z`), as used in
/// credential expirations. Fractional seconds are ignored.
pub fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let body = text.strip_suffix('Z')?;
    let (date, time) = body.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let time = time.split('.').next()?;
    let mut time_parts = time.splitn(3, ':');
    let hour: u64 = time_parts.next()?.parse().ok()?;
    let minute: u64 = time_parts.next()?.parse().ok()?;
    let second: u64 = time_parts.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::time::Duration;

    #[test]
    fn percent_encoding_follows_the_signature_rules() {
        assert_eq!(percent_encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("A-Z_a.z~09"), "A-Z_a.z~09");
    }

    #[test]
    fn timestamps_round_trip() {
        let time = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
        assert_eq!(timestamp(time), "2016-02-23T12:46:24Z");
        assert_eq!(parse_timestamp("2016-02-23T12:46:24Z"), Some(time));
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(parse_timestamp("2016-02-23 12:46:24"), None);
    }

    #[test]
    fn nonces_are_unique_and_uuid_shaped() {
        let source = NonceSource::default();
        let nonces: HashSet<String> = (0..50_000).map(|_| source.next()).collect();
        assert_eq!(nonces.len(), 50_000);
        let nonce = source.next();
        assert_eq!(nonce.len(), 36);
        assert_eq!(&nonce[14..15], "4");
        assert_ne!(NonceSource::default().next(), NonceSource::default().next());
    }
}
