//! `&Signature=` and an HMAC-SHA1 digest as the query carries it: base64,
//! then percent-encoded (`+`, `/` and `=` escaped), written in one pass.

use super::tables::{stays, HEX};

/// The base64 alphabet.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Each base64 digit as the query carries it, in its first 1 or 3 bytes,
/// and that width in the last byte: written as one 4-byte store, then the
/// width kept.
static QUERY_DIGITS: [[u8; 4]; 64] = {
    let mut table = [[0u8; 4]; 64];
    let mut sextet = 0;
    while sextet < 64 {
        let digit = ALPHABET[sextet];
        table[sextet] = if stays(digit) {
            [digit, 0, 0, 1]
        } else {
            [
                b'%',
                HEX[(digit >> 4) as usize],
                HEX[(digit & 0x0F) as usize],
                3,
            ]
        };
        sextet += 1;
    }
    table
};

const PREFIX: &[u8] = b"&Signature=";

/// `=`, the base64 padding of a 20-byte digest, escaped.
const PADDING: &[u8] = b"%3D";

/// The prefix, 27 digits each escaped, the padding, and a store's
/// overhang.
const ROOM: usize = PREFIX.len() + 27 * 3 + PADDING.len() + 4;

/// Appends `&Signature=` and the base64 of `digest`, percent-encoded.
pub(super) fn push_signature(query: &mut String, digest: &[u8; 20]) {
    let mut text = [0u8; ROOM];
    text[..PREFIX.len()].copy_from_slice(PREFIX);
    let mut length = PREFIX.len();
    let mut push_digit = |sextet: u32| {
        let digit = QUERY_DIGITS[(sextet & 0x3F) as usize];
        text[length..length + 4].copy_from_slice(&digit);
        length += usize::from(digit[3]);
    };
    // Six groups of 3 bytes make 24 digits; the last 2 bytes make 3 and
    // the padding.
    let (groups, last) = digest.split_at(18);
    for group in groups.chunks_exact(3) {
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        push_digit(bits >> 18);
        push_digit(bits >> 12);
        push_digit(bits >> 6);
        push_digit(bits);
    }
    let bits = u32::from(last[0]) << 16 | u32::from(last[1]) << 8;
    push_digit(bits >> 18);
    push_digit(bits >> 12);
    push_digit(bits >> 6);
    text[length..length + PADDING.len()].copy_from_slice(PADDING);
    length += PADDING.len();
    query.push_str(std::str::from_utf8(&text[..length]).expect("the signature's text is ASCII"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn digests_are_written_as_base64_then_percent_encoded() {
        // Every digit in every place: all-zero and all-one digests, and a
        // run of pseudo-random ones.
        let mut digests = vec![[0u8; 20], [0xFF; 20]];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            let mut digest = [0u8; 20];
            for byte in &mut digest {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = (state >> 24) as u8;
            }
            digests.push(digest);
        }
        for digest in digests {
            let base64 = base64::engine::general_purpose::STANDARD.encode(digest);
            let mut query = String::from("A=b");
            push_signature(&mut query, &digest);
            assert_eq!(
                query,
                format!("A=b&Signature={}", super::super::percent_encode(&base64)),
                "{digest:?}"
            );
        }
    }
}
