//! Percent-encoding and the canonical order of parameters, the byte work
//! of signing. Both are on every request's path, so they copy strings
//! with nothing to escape whole, and sort without encoding anything.

/// Whether a byte stays as it is in percent-encoding: `A-Z a-z 0-9 - _ . ~`.
const fn stays(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// [`stays`] for every byte.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = stays(byte as u8);
        byte += 1;
    }
    table
};

/// A byte's place in the canonical order. Comparing encoded strings is
/// comparing raw strings byte by byte with escaped bytes ranked before the
/// bytes that stay, each group in byte order: an escape starts with `%`,
/// which sorts before every byte that stays, and upper-case hex digits
/// sort as the bytes they encode. So no string is encoded to be sorted.
static RANK: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut next = 0;
    let mut pass = 0;
    while pass < 2 {
        let mut byte = 0;
        while byte < 256 {
            if stays(byte as u8) == (pass == 1) {
                table[byte] = next as u8;
                next += 1;
            }
            byte += 1;
        }
        pass += 1;
    }
    table
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `%00%01…%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        let mut bytes = [0u8; 768];
        let mut byte = 0;
        while byte < 256 {
            bytes[3 * byte] = b'%';
            bytes[3 * byte + 1] = HEX[byte >> 4];
            bytes[3 * byte + 2] = HEX[byte & 0x0F];
            byte += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("escapes are ASCII"),
    }
};

fn escape(byte: u8) -> &'static str {
    let at = 3 * usize::from(byte);
    &ESCAPES[at..at + 3]
}

/// Appends `input` percent-encoded as the signature requires: unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes
/// `%XX` in upper-case hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode_into(out: &mut String, input: &str) {
    if is_unreserved(input.as_bytes()) {
        out.push_str(input);
        return;
    }
    for_each_piece(input, |piece| match piece {
        Piece::Unreserved(run) => out.push_str(run),
        Piece::Reserved(byte) => out.push_str(escape(byte)),
    });
}

/// Part of a string being percent-encoded.
enum Piece<'a> {
    /// Characters that stay as they are.
    Unreserved(&'a str),
    /// One byte to escape.
    Reserved(u8),
}

/// Splits `input` into runs of unreserved characters and the bytes between
/// them. A run starts and ends on ASCII bytes, so slicing `input` there
/// stays on character boundaries.
#[inline(always)]
fn for_each_piece<'a>(input: &'a str, mut piece: impl FnMut(Piece<'a>)) {
    let bytes = input.as_bytes();
    let mut run_start = 0;
    while let Some(offset) = bytes[run_start..]
        .iter()
        .position(|&byte| !UNRESERVED[usize::from(byte)])
    {
        let index = run_start + offset;
        if offset > 0 {
            piece(Piece::Unreserved(&input[run_start..index]));
        }
        piece(Piece::Reserved(bytes[index]));
        run_start = index + 1;
    }
    if bytes.len() > run_start {
        piece(Piece::Unreserved(&input[run_start..]));
    }
}

/// `input` percent-encoded; see [`percent_encode_into`].
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() * 3 / 2);
    percent_encode_into(&mut out, input);
    out
}

/// A parameter waiting for its place in the canonical order.
pub(super) struct Entry<'a> {
    /// The [`RANK`]s of the first 16 bytes of the name, zero-padded,
    /// big-endian: comparing these orders most names without looking
    /// further. Where padding meets a rank of zero, the prefixes tie and
    /// the full comparison decides.
    prefix: u128,
    pub(super) name: &'a str,
    pub(super) value: &'a str,
}

impl<'a> Entry<'a> {
    fn new((name, value): (&'a str, &'a str)) -> Self {
        let mut prefix = [0u8; 16];
        for (slot, &byte) in prefix.iter_mut().zip(name.as_bytes()) {
            *slot = RANK[usize::from(byte)];
        }
        Entry {
            prefix: u128::from_be_bytes(prefix),
            name,
            value,
        }
    }

    /// An entry whose sort key was computed before, by [`Entry::prefix`].
    pub(super) fn with_prefix(prefix: u128, name: &'a str, value: &'a str) -> Self {
        Entry {
            prefix,
            name,
            value,
        }
    }

    pub(super) fn prefix(&self) -> u128 {
        self.prefix
    }

    /// By encoded name, then encoded value, as the signature orders them.
    #[inline]
    pub(super) fn canonical_order(&self, other: &Self) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| ranked(self.name).cmp(ranked(other.name)))
            .then_with(|| ranked(self.value).cmp(ranked(other.value)))
    }
}

/// The bytes of `input` as [`RANK`]s: ordered as the encoded strings are.
fn ranked(input: &str) -> impl Iterator<Item = u8> + '_ {
    input.bytes().map(|byte| RANK[usize::from(byte)])
}

/// `params` in canonical order.
pub(super) fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Entry<'a>> {
    let params = params.into_iter();
    let (least, most) = params.size_hint();
    let mut entries = Vec::with_capacity(most.unwrap_or(least));
    entries.extend(params.map(Entry::new));
    entries.sort_unstable_by(Entry::canonical_order);
    entries
}

/// Bytes of `entries` once encoded and joined, assuming nothing needs
/// escaping; a good first capacity.
pub(super) fn joined_length(entries: &[Entry<'_>]) -> usize {
    entries
        .iter()
        .map(|e| e.name.len() + e.value.len() + 2)
        .sum()
}

/// Whether every byte of `bytes` stays as it is. Checks all bytes without
/// stopping early: the names and values of a request are short and mostly
/// clean, and a loop without branches is faster on them.
#[inline]
pub(super) fn is_unreserved(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |clean, &byte| clean & UNRESERVED[usize::from(byte)])
}

/// Where the string to sign goes: a `String`, or an HMAC fed as it grows.
pub(super) trait Sink {
    fn push(&mut self, text: &str);
}

impl Sink for String {
    #[inline(always)]
    fn push(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// Appends `input` encoded to `once`, and encoded twice to `twice`: the
/// second encoding only turns the `%` of each escape into `%25`.
#[inline]
pub(super) fn encode_twice(once: &mut String, twice: &mut impl Sink, input: &str) {
    if is_unreserved(input.as_bytes()) {
        once.push_str(input);
        twice.push(input);
        return;
    }
    for_each_piece(input, |piece| match piece {
        Piece::Unreserved(run) => {
            once.push_str(run);
            twice.push(run);
        }
        Piece::Reserved(byte) => {
            let escape = escape(byte);
            once.push_str(escape);
            twice.push("%25");
            twice.push(&escape[1..]);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_order_strings_as_their_encodings() {
        let mut samples: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        samples
            .extend(["é", "\u{7ff}", "\u{10000}", "a", "a%", "a-", "a~", "a{"].map(String::from));
        for a in &samples {
            for b in &samples {
                let (a2, b2) = (format!("x{a}{b}"), format!("x{b}{a}"));
                for (a, b) in [(a.as_str(), b.as_str()), (&a2, &b2)] {
                    assert_eq!(
                        ranked(a).cmp(ranked(b)),
                        percent_encode(a).cmp(&percent_encode(b)),
                        "{a:?} against {b:?}"
                    );
                }
            }
        }
    }
}
