//! Percent-encoding and the canonical order of parameters, the byte work
//! of signing. Both are on every request's path, so they copy unreserved
//! runs whole and sort on a fixed-size prefix of each encoded name.

/// Whether a byte stays as it is in percent-encoding: `A-Z a-z 0-9 - _ . ~`.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
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
    /// The first 16 bytes of the encoded name, zero-padded, big-endian:
    /// comparing these orders most names without looking further. Encoded
    /// names hold no zero bytes, so padding sorts a prefix first, as the
    /// full comparison does.
    prefix: u128,
    pub(super) name: &'a str,
    pub(super) value: &'a str,
}

impl<'a> Entry<'a> {
    fn new((name, value): (&'a str, &'a str)) -> Self {
        let mut prefix = [0u8; 16];
        let head = &name.as_bytes()[..name.len().min(16)];
        if head.iter().all(|&byte| UNRESERVED[usize::from(byte)]) {
            prefix[..head.len()].copy_from_slice(head);
        } else {
            for (slot, byte) in prefix.iter_mut().zip(encoded_bytes(name)) {
                *slot = byte;
            }
        }
        Entry {
            prefix: u128::from_be_bytes(prefix),
            name,
            value,
        }
    }

    /// By encoded name, then encoded value, as the signature orders them.
    #[inline]
    fn canonical_order(&self, other: &Self) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| encoded_bytes(self.name).cmp(encoded_bytes(other.name)))
            .then_with(|| encoded_bytes(self.value).cmp(encoded_bytes(other.value)))
    }
}

/// The bytes of `input` percent-encoded, without building a string.
fn encoded_bytes(input: &str) -> impl Iterator<Item = u8> + '_ {
    input.bytes().flat_map(|byte| {
        let escape = [
            b'%',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0x0F)],
        ];
        let (bytes, length) = if UNRESERVED[usize::from(byte)] {
            ([byte, 0, 0], 1)
        } else {
            (escape, 3)
        };
        bytes.into_iter().take(length)
    })
}

/// `params` in canonical order.
pub(super) fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Entry<'a>> {
    let mut entries: Vec<Entry<'a>> = params.into_iter().map(Entry::new).collect();
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

/// Appends `input` encoded to `once`, and encoded twice to `twice`: the
/// second encoding only turns the `%` of each escape into `%25`.
pub(super) fn encode_twice(once: &mut String, twice: &mut String, input: &str) {
    for_each_piece(input, |piece| match piece {
        Piece::Unreserved(run) => {
            once.push_str(run);
            twice.push_str(run);
        }
        Piece::Reserved(byte) => {
            let escape = escape(byte);
            once.push_str(escape);
            twice.push_str("%25");
            twice.push_str(&escape[1..]);
        }
    });
}
