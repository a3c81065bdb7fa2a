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

/// Each byte encoded once, as a fixed-width store: the byte itself or its
/// `%XX`, padded to 4 bytes, with the encoding's length (1 or 3) in the
/// last byte. Writing all 4 bytes and advancing by the length encodes
/// without a branch; the padding is overwritten by what follows.
static ONCE: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = if stays(byte as u8) {
            [byte as u8, 0, 0, 1]
        } else {
            [b'%', HEX[byte >> 4], HEX[byte & 0x0F], 3]
        };
        byte += 1;
    }
    table
};

/// [`ONCE`] for the second encoding, as the string to sign carries each
/// byte: itself or `%25XX`, padded to 8 bytes, the length (1 or 5) last.
static TWICE: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = if stays(byte as u8) {
            [byte as u8, 0, 0, 0, 0, 0, 0, 1]
        } else {
            [b'%', b'2', b'5', HEX[byte >> 4], HEX[byte & 0x0F], 0, 0, 5]
        };
        byte += 1;
    }
    table
};

/// Appends `input` percent-encoded as the signature requires: unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes
/// `%XX` in upper-case hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode_into(out: &mut String, input: &str) {
    if is_unreserved(input.as_bytes()) {
        out.push_str(input);
        return;
    }
    let mut once = [0u8; CHUNK * 3 + 4];
    for chunk in input.as_bytes().chunks(CHUNK) {
        let mut length = 0;
        for &byte in chunk {
            let encoded = &ONCE[usize::from(byte)];
            once[length..length + 4].copy_from_slice(encoded);
            length += usize::from(encoded[3]);
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
#[derive(Clone, Copy)]
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
    const EMPTY: Entry<'static> = Entry {
        prefix: 0,
        name: "",
        value: "",
    };

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
    sort_nearly_sorted(&mut entries);
    entries
}

/// Sorts `entries` into canonical order, stably. Requests come as two
/// runs already in order: the client's four per-request parameters, then
/// the operation's, which the generated code adds in order. Two such runs
/// are merged in one pass, the short first one copied to the stack; any
/// other order takes a general sort.
fn sort_nearly_sorted(entries: &mut [Entry<'_>]) {
    let in_order = |pair: &[Entry<'_>]| pair[0].canonical_order(&pair[1]).is_le();
    let first_run = 1 + entries.windows(2).take_while(|pair| in_order(pair)).count();
    if first_run >= entries.len() {
        return;
    }
    const SHORT_RUN: usize = 8;
    if first_run > SHORT_RUN || !entries[first_run..].windows(2).all(in_order) {
        entries.sort_by(Entry::canonical_order);
        return;
    }
    let mut first = [Entry::EMPTY; SHORT_RUN];
    first[..first_run].copy_from_slice(&entries[..first_run]);
    let first = &first[..first_run];
    // Writing at `taken + next` never overtakes the second run's unread
    // entries, which start at `next`.
    let (mut taken, mut next) = (0, first_run);
    while taken < first.len() {
        let from_first =
            next == entries.len() || first[taken].canonical_order(&entries[next]).is_le();
        let at = taken + next - first_run;
        if from_first {
            entries[at] = first[taken];
            taken += 1;
        } else {
            entries[at] = entries[next];
            next += 1;
        }
    }
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

    /// Bytes known to be ASCII, which a sink of bytes takes unchecked.
    fn push_ascii(&mut self, bytes: &[u8]) {
        self.push(ascii(bytes));
    }
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
    let mut once_chunk = [0u8; CHUNK * 3 + 4];
    let mut twice_chunk = [0u8; CHUNK * 5 + 8];
    for chunk in input.as_bytes().chunks(CHUNK) {
        let (mut at_once, mut at_twice) = (0, 0);
        for &byte in chunk {
            let encoded = &ONCE[usize::from(byte)];
            once_chunk[at_once..at_once + 4].copy_from_slice(encoded);
            at_once += usize::from(encoded[3]);
            let encoded = &TWICE[usize::from(byte)];
            twice_chunk[at_twice..at_twice + 8].copy_from_slice(encoded);
            at_twice += usize::from(encoded[7]);
        }
        once.push_str(ascii(&once_chunk[..at_once]));
        twice.push_ascii(&twice_chunk[..at_twice]);
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
    fn nearly_sorted_and_shuffled_entries_sort_like_a_stable_sort() {
        let names: Vec<String> = (0..60)
            .map(|i| format!("Name{:02}", (i * 37) % 60))
            .collect();
        let in_order: Vec<String> = {
            let mut sorted = names.clone();
            sorted.sort();
            sorted
        };
        // In order, four in order in front of the rest (as the client
        // passes them), shuffled, reversed, and with equal names.
        let mut cases: Vec<Vec<&str>> = vec![
            in_order.iter().map(String::as_str).collect(),
            names.iter().map(String::as_str).collect(),
            in_order.iter().rev().map(String::as_str).collect(),
        ];
        for front in [
            vec!["Name00", "Name30", "Name31", "Name59"],
            vec!["Name59"],
            vec![
                "Name00", "Name01", "Name02", "Name03", "Name04", "Name05", "Name06", "Name07",
                "Name08",
            ],
            vec!["Name30", "Name20"],
        ] {
            let mut case = front;
            case.extend(in_order.iter().map(String::as_str));
            cases.push(case);
        }
        for case in cases {
            let pairs: Vec<(&str, &str)> = case
                .iter()
                .enumerate()
                .map(|(index, name)| (*name, if index % 2 == 0 { "b" } else { "a" }))
                .collect();
            let mut expected: Vec<(&str, &str)> = pairs.clone();
            expected.sort_by(|a, b| {
                percent_encode(a.0)
                    .cmp(&percent_encode(b.0))
                    .then_with(|| percent_encode(a.1).cmp(&percent_encode(b.1)))
            });
            let got: Vec<(&str, &str)> = sorted(pairs).iter().map(|e| (e.name, e.value)).collect();
            assert_eq!(got, expected);
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
