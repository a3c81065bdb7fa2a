//! The values that make each signature unique: `SignatureNonce` and
//! `Timestamp`, written on the stack so signing a request allocates
//! neither.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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
    /// A nonce never handed out before by this source, for `SignatureNonce`.
    pub fn next(&self) -> String {
        self.next_ascii().as_str().to_string()
    }

    /// [`next`](Self::next) without a heap allocation.
    pub(crate) fn next_ascii(&self) -> StackText<36> {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        // A bijection on 62 bits (splitmix64's finalizer, masked), so
        // distinct counts never collide; the other two bits of the fourth
        // group carry the RFC 4122 variant.
        const MASK: u64 = (1 << 62) - 1;
        let mut low = count.wrapping_add(self.key) & MASK;
        low = ((low ^ (low >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9)) & MASK;
        low = ((low ^ (low >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb)) & MASK;
        low ^= low >> 31;
        let high = (self.high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let variant = 0x8000 | (low >> 48);
        let mut text = [b'-'; 36];
        write_hex(&mut text[0..8], high >> 32);
        write_hex(&mut text[9..13], high >> 16);
        write_hex(&mut text[14..18], high);
        write_hex(&mut text[19..23], variant);
        write_hex(&mut text[24..36], low);
        StackText {
            bytes: text,
            length: 36,
        }
    }
}

/// Short ASCII text on the stack: the nonce and timestamp of a request.
pub(crate) struct StackText<const N: usize> {
    bytes: [u8; N],
    length: usize,
}

impl<const N: usize> StackText<N> {
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.length]).expect("only ASCII is written")
    }
}

impl<const N: usize> std::fmt::Write for StackText<N> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let end = self.length + text.len();
        self.bytes
            .get_mut(self.length..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.length = end;
        Ok(())
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

/// `Timestamp` for `time`: UTC, `YYYY-MM-DDThh:mm:ssZ`.
pub fn timestamp(time: SystemTime) -> String {
    timestamp_ascii(time).as_str().to_string()
}

/// [`timestamp`] without a heap allocation. 32 bytes hold any year a
/// `SystemTime` reaches.
pub(crate) fn timestamp_ascii(time: SystemTime) -> StackText<32> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut text = StackText {
        bytes: [0; 32],
        length: 20,
    };
    if !(0..=9999).contains(&year) {
        text.length = 0;
        std::fmt::Write::write_fmt(
            &mut text,
            format_args!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                rest / 3600,
                (rest % 3600) / 60,
                rest % 60
            ),
        )
        .expect("32 bytes hold the timestamp");
        return text;
    }
    let bytes = &mut text.bytes;
    bytes[..20].copy_from_slice(b"0000-00-00T00:00:00Z");
    write_decimal(&mut bytes[0..4], year as u64);
    write_decimal(&mut bytes[5..7], u64::from(month));
    write_decimal(&mut bytes[8..10], u64::from(day));
    write_decimal(&mut bytes[11..13], rest / 3600);
    write_decimal(&mut bytes[14..16], (rest % 3600) / 60);
    write_decimal(&mut bytes[17..19], rest % 60);
    text
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
    fn timestamps_round_trip() {
        let time = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
        assert_eq!(timestamp(time), "2016-02-23T12:46:24Z");
        assert_eq!(parse_timestamp("2016-02-23T12:46:24Z"), Some(time));
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(parse_timestamp("2016-02-23 12:46:24"), None);
        // Past year 9999 the digits are written by `format!` instead.
        let far = UNIX_EPOCH + Duration::from_secs(253_402_300_800 + 86_400 + 3_661);
        assert_eq!(timestamp(far), "10000-01-02T01:01:01Z");
        assert_eq!(
            timestamp(UNIX_EPOCH - Duration::from_secs(1)),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn nonces_are_unique_and_uuid_shaped() {
        let source = NonceSource::default();
        let nonces: HashSet<String> = (0..50_000).map(|_| source.next()).collect();
        assert_eq!(nonces.len(), 50_000);
        for nonce in nonces.iter().take(1000) {
            assert_eq!(nonce.len(), 36);
            assert_eq!(&nonce[14..15], "4", "version 4: {nonce}");
            assert!(
                matches!(&nonce[19..20], "8" | "9" | "a" | "b"),
                "RFC 4122 variant: {nonce}"
            );
            let dashes: Vec<usize> = nonce.match_indices('-').map(|(i, _)| i).collect();
            assert_eq!(dashes, [8, 13, 18, 23]);
        }
        assert_ne!(NonceSource::default().next(), NonceSource::default().next());
    }
}
