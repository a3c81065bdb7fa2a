//! RPC signature version 1.0 (HMAC-SHA1) and the per-request values it
//! covers: nonce and timestamp.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

mod encoding;

use encoding::{encode_twice, joined_length, sorted};
pub use encoding::{percent_encode, percent_encode_into};

/// The canonical query: every parameter percent-encoded, sorted by encoded
/// name, joined as `name=value` with `&`.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let entries = sorted(params);
    let joined = joined_length(&entries);
    let mut query = String::with_capacity(joined + joined / 4);
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        percent_encode_into(&mut query, entry.name);
        query.push('=');
        percent_encode_into(&mut query, entry.value);
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
    let mut signature = String::with_capacity(SIGNATURE_LENGTH);
    base64::engine::general_purpose::STANDARD
        .encode_string(keyed_mac(secret, string_to_sign.as_bytes()), &mut signature);
    signature
}

/// Length of a base64 HMAC-SHA1: 20 bytes in 28 characters.
const SIGNATURE_LENGTH: usize = 28;

/// `HMAC-SHA1(secret + "&", message)`, the key built on the stack when it
/// fits a SHA-1 block (as access key secrets do).
fn keyed_mac(secret: &str, message: &[u8]) -> [u8; 20] {
    const BLOCK: usize = 64;
    let mut buffer = [0u8; BLOCK];
    let heap;
    let key: &[u8] = if secret.len() < BLOCK {
        buffer[..secret.len()].copy_from_slice(secret.as_bytes());
        buffer[secret.len()] = b'&';
        &buffer[..=secret.len()]
    } else {
        heap = [secret.as_bytes(), b"&"].concat();
        &heap
    };
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
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
///
/// One pass writes the canonical query and the string to sign side by
/// side: the string to sign is the query encoded once more, which only
/// changes `%`, `=` and `&`.
pub fn sign_params<'a>(
    method: &str,
    secret: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Signed {
    let entries = sorted(params);
    let joined = joined_length(&entries);
    // Room for `&Signature=` and a signature whose every character is
    // escaped, so the query never grows twice.
    let mut query = String::with_capacity(joined + joined / 4 + 11 + SIGNATURE_LENGTH * 3);
    let mut string_to_sign = String::with_capacity(method.len() + 5 + joined + joined / 2);
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            query.push('&');
            string_to_sign.push_str("%26");
        }
        encode_twice(&mut query, &mut string_to_sign, entry.name);
        query.push('=');
        string_to_sign.push_str("%3D");
        encode_twice(&mut query, &mut string_to_sign, entry.value);
    }
    let signature = sign(secret, &string_to_sign);
    query.push_str("&Signature=");
    percent_encode_into(&mut query, &signature);
    Signed {
        string_to_sign,
        signature,
        query,
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
        let mut text = [b'-'; 36];
        write_hex(&mut text[0..8], high >> 32);
        write_hex(&mut text[9..13], high >> 16);
        write_hex(&mut text[14..18], high);
        write_hex(&mut text[19..23], low >> 48);
        write_hex(&mut text[24..36], low);
        ascii_string(&text)
    }
}

/// Fills `out` with the low `out.len()` hex digits of `value`, lower case.
fn write_hex(out: &mut [u8], mut value: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(value & 0xF) as usize];
        value >>= 4;
    }
}

/// Fills `out` with the low `out.len()` decimal digits of `value`.
fn write_decimal(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn ascii_string(bytes: &[u8]) -> String {
    String::from(std::str::from_utf8(bytes).expect("only ASCII was written"))
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
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            (rest % 3600) / 60,
            rest % 60
        );
    }
    let mut text = *b"0000-00-00T00:00:00Z";
    write_decimal(&mut text[0..4], year as u64);
    write_decimal(&mut text[5..7], u64::from(month));
    write_decimal(&mut text[8..10], u64::from(day));
    write_decimal(&mut text[11..13], rest / 3600);
    write_decimal(&mut text[14..16], (rest % 3600) / 60);
    write_decimal(&mut text[17..19], rest % 60);
    ascii_string(&text)
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

    /// The signature's canonical query as the protocol states it: encode
    /// every name and value, sort the pairs, join them.
    fn reference_query(params: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(name, value)| (percent_encode(name), percent_encode(value)))
            .collect();
        pairs.sort();
        let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
        joined.join("&")
    }

    #[test]
    fn canonical_order_is_the_order_of_encoded_names() {
        // Raw and encoded orders differ here: `{` sorts after letters but
        // `%7B` before them; `é` sorts after `~` but `%C3%A9` before `A`;
        // the long names share a 16-byte prefix; `Tag` is a prefix of `Tags`.
        let params = [
            ("Instances.1.InstanceName", "b"),
            ("Instances.1.InstanceId", "a b"),
            ("{Brace", "1"),
            ("ab", "x"),
            ("éName", "é"),
            ("~Tilde", "2"),
            ("Tags", "*"),
            ("Tag", "3"),
            ("Same", "z"),
            ("Same", "%"),
            ("Spec", r#"{"A":[1,true]}"#),
        ];
        let expected = reference_query(&params);
        assert_eq!(canonical_query(params), expected);

        let signed = sign_params("POST", "secret", params);
        assert_eq!(signed.string_to_sign, string_to_sign("POST", &expected));
        assert_eq!(signed.signature, sign("secret", &signed.string_to_sign));
        assert_eq!(
            signed.query,
            format!("{expected}&Signature={}", percent_encode(&signed.signature))
        );
    }

    #[test]
    fn long_secrets_sign_like_short_ones() {
        let secret = "s".repeat(100);
        let key = format!("{secret}&");
        assert_eq!(
            sign(&secret, "GET&%2F&A%3Db"),
            hmac_sha1_base64(key.as_bytes(), b"GET&%2F&A%3Db")
        );
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
