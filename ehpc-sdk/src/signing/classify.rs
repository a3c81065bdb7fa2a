//! Which bytes of a 16-byte window percent-encoding must escape, found for
//! all 16 at once: the per-byte test is most of the cost of encoding
//! values that are mostly clean, as names and values of requests are.

/// Bytes classified at a time.
pub(super) const WINDOW: usize = 16;

/// Bit `i` is set when byte `i` of `window` is not one of
/// `A-Z a-z 0-9 - _ . ~`, the bytes that stay as they are.
#[inline(always)]
pub(super) fn escapes(window: &[u8; WINDOW]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: this code is compiled only for targets with SSE2 enabled
        // (every x86_64 target has it), so the instructions exist.
        unsafe { sse2::escapes(window) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        escapes_by_byte(window)
    }
}

/// [`escapes`] a byte at a time, by table, for targets without SSE2, and
/// to check the vector version against.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub(super) fn escapes_by_byte(window: &[u8; WINDOW]) -> u32 {
    window.iter().enumerate().fold(0, |mask, (at, &byte)| {
        mask | u32::from(!super::tables::UNRESERVED[usize::from(byte)]) << at
    })
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::WINDOW;
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };

    /// Bytes of `x` in `first..first + count`, as all-ones lanes: shifting
    /// the range to start at -128 turns it into one signed comparison.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(x: __m128i, first: u8, count: u8) -> __m128i {
        let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(first) as i8));
        _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x80u8.wrapping_add(count) as i8))
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn escapes(window: &[u8; WINDOW]) -> u32 {
        let (low, high) = window.split_at(8);
        let x = _mm_set_epi64x(
            i64::from_le_bytes(high.try_into().expect("8 bytes")),
            i64::from_le_bytes(low.try_into().expect("8 bytes")),
        );
        // Setting bit 5 maps `A-Z` onto `a-z` and nothing else onto them.
        let letters = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', 26);
        let digits = in_range(x, b'0', 10);
        let dash_or_dot = in_range(x, b'-', 2);
        let underscore = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8));
        let tilde = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'~' as i8));
        let stays = _mm_or_si128(
            _mm_or_si128(letters, digits),
            _mm_or_si128(dash_or_dot, _mm_or_si128(underscore, tilde)),
        );
        !(_mm_movemask_epi8(stays) as u32) & 0xFFFF
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_at_every_place_is_classified_as_the_rules_say() {
        for byte in 0..=255u8 {
            for at in 0..WINDOW {
                // The byte among bytes that stay, and among bytes that don't.
                for filler in [b'a', b' '] {
                    let mut window = [filler; WINDOW];
                    window[at] = byte;
                    let expected = window.iter().enumerate().fold(0, |mask, (at, &byte)| {
                        match super::super::tables::stays(byte) {
                            true => mask,
                            false => mask | 1 << at,
                        }
                    });
                    assert_eq!(escapes(&window), expected, "{byte:#04x} at {at}");
                    assert_eq!(escapes_by_byte(&window), expected, "{byte:#04x} at {at}");
                }
            }
        }
    }
}
