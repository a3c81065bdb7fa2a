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

/// `%2500%2501…%25FF`: each escape encoded once more, as the string to
/// sign carries it; that of byte `b` is `ESCAPES_TWICE[5 * b..5 * b + 5]`.
const ESCAPES_TWICE: &str = {
    const BYTES: [u8; 1280] = {
        let mut bytes = [0u8; 1280];
        let mut byte = 0;
        while byte < 256 {
            bytes[5 * byte] = b'%';
            bytes[5 * byte + 1] = b'2';
            bytes[5 * byte + 2] = b'5';
            bytes[5 * byte + 3] = HEX[byte >> 4];
            bytes[5 * byte + 4] = HEX[byte & 0x0F];
            byte += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("escapes are ASCII"),
    }
};

fn escape_twice(byte: u8) -> &'static str {
    let at = 5 * usize::from(byte);
    &ESCAPES_TWICE[at..at + 5]
}

/// Appends `input` percent-encoded as the signature requires: unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes
/// `%XX` in upper-case hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode_into(out: &mut String, input: &str) {
    if is_unreserved(input.as_bytes()) {
        out.push_str(input);
        return;
    }
    let mut once = [0u8; CHUNK * 3];
    for chunk in input.as_bytes().chunks(CHUNK) {
        let mut length = 0;
        for &byte in chunk {
            if UNRESERVED[usize::from(byte)] {
                once[length] = byte;
                length += 1;
            } else {
                once[length..length + 3].copy_from_slice(escape(byte).as_bytes());
                length += 3;
            }
        }
        out.push_str(ascii(&once[..length]));
    }
}

/// Bytes of input encoded per chunk on the stack. Strings with something
/// to escape are encoded a byte at a time into a chunk, then appended
/// whole: one copy per chunk instead of one per escape and per run.
const CHUNK: usize = 64;

/// An encoded chunk as text. Encoding writes ASCII only (unreserved bytes
/// are ASCII, every other byte becomes `%XX`), so chunks split inside a
/// multi-byte character still read as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("percent-encoding writes ASCII only")
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
    // A stable sort finds the runs already in order (the client's common
    // parameters, then the operation's in the order the generated code adds
    // them) and merges them; its scratch space stays on the stack for
    // requests of up to some 80 parameters.
    entries.sort_by(Entry::canonical_order);
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
    encode_twice_by_chunks(once, twice, input);
}

fn encode_twice_by_chunks(once: &mut String, twice: &mut impl Sink, input: &str) {
    let mut once_chunk = [0u8; CHUNK * 3];
    let mut twice_chunk = [0u8; CHUNK * 5];
    for chunk in input.as_bytes().chunks(CHUNK) {
        let (mut at_once, mut at_twice) = (0, 0);
        for &byte in chunk {
            if UNRESERVED[usize::from(byte)] {
                once_chunk[at_once] = byte;
                twice_chunk[at_twice] = byte;
                at_once += 1;
                at_twice += 1;
            } else {
                once_chunk[at_once..at_once + 3].copy_from_slice(escape(byte).as_bytes());
                twice_chunk[at_twice..at_twice + 5].copy_from_slice(escape_twice(byte).as_bytes());
                at_once += 3;
                at_twice += 5;
            }
        }
        once.push_str(ascii(&once_chunk[..at_once]));
        twice.push(ascii(&twice_chunk[..at_twice]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percent-encoding byte by byte, as the rules state it.
    fn reference_encode(input: &str) -> String {
        input
            .bytes()
            .map(|byte| match stays(byte) {
                true => char::from(byte).to_string(),
                false => format!("%{byte:02X}"),
            })
            .collect()
    }

    #[test]
    fn chunked_encoding_matches_the_rules_across_chunk_ends() {
        // Multi-byte characters and escapes at and around every chunk end,
        // clean runs longer than a chunk, and nothing to escape at all.
        let mut cases = vec![String::new(), "plain-Text_1.0~".repeat(10)];
        for shift in 0..4 {
            let pad = "a".repeat(CHUNK - 2 + shift);
            cases.push(format!("{pad}é{pad}€ {pad}\u{10348}*"));
            cases.push(format!("{}{pad}", r#"{"A":[1,true],"B":"x y"}"#.repeat(4)));
        }
        for input in &cases {
            let expected = reference_encode(input);
            let mut once = String::from("prefix&");
            percent_encode_into(&mut once, input);
            assert_eq!(once, format!("prefix&{expected}"), "{input:?}");
            let (mut once, mut twice) = (String::new(), String::new());
            encode_twice(&mut once, &mut twice, input);
            assert_eq!(once, expected);
            assert_eq!(twice, reference_encode(&expected), "{input:?}");
        }
    }

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
