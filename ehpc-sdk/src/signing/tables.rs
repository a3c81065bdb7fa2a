//! The byte tables of percent-encoding, below everything that encodes:
//! which bytes stay as they are, and each byte's escape, once and twice.

/// Whether a byte stays as it is in percent-encoding: `A-Z a-z 0-9 - _ . ~`.
pub(super) const fn stays(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// [`stays`] for every byte.
pub(super) static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = stays(byte as u8);
        byte += 1;
    }
    table
};

/// Upper-case hex digits, as escapes write them.
pub(super) const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Each byte's escape, `%XX` in upper-case hex, padded to 8 bytes: written
/// as one store, then 3 bytes kept.
pub(super) static ONCE: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = [b'%', HEX[byte >> 4], HEX[byte & 0x0F], 0, 0, 0, 0, 0];
        byte += 1;
    }
    table
};

/// [`ONCE`] encoded again, as the string to sign carries each escape:
/// `%25XX`, 5 bytes kept.
pub(super) static TWICE: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = [b'%', b'2', b'5', HEX[byte >> 4], HEX[byte & 0x0F], 0, 0, 0];
        byte += 1;
    }
    table
};
