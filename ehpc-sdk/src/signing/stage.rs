//! Percent-encoded output gathered on the stack in fixed-width stores and
//! handed on in large pieces: to the request's URL, or to the hash that
//! signs it. Encoding writes whole 16-byte windows and 8-byte escapes and
//! then advances by what is kept, so no store has a length that varies.

use super::classify::{escapes, WINDOW};
use super::tables::{ONCE, TWICE};

/// Where gathered bytes go.
pub(super) trait Drain {
    fn drain(&mut self, bytes: &[u8]);
}

impl Drain for String {
    fn drain(&mut self, bytes: &[u8]) {
        // Stages are drained only between pieces of text, never inside a
        // character, and percent-encoding writes ASCII.
        self.push_str(std::str::from_utf8(bytes).expect("staged text is whole characters"));
    }
}

impl<D: Drain + ?Sized> Drain for &mut D {
    fn drain(&mut self, bytes: &[u8]) {
        (**self).drain(bytes);
    }
}

/// Bytes a store may write past what is kept: a whole window.
const SLACK: usize = WINDOW;

/// `N` bytes on the stack in front of a [`Drain`]; the last [`SLACK`] of
/// them only ever hold the overhang of a store.
pub(super) struct Stage<D: Drain, const N: usize> {
    bytes: [u8; N],
    length: usize,
    drain: D,
}

/// A stage's size for a request: a URL or a string to sign of a few
/// hundred bytes fits whole.
pub(super) const REQUEST_STAGE: usize = 1024 + SLACK;

impl<D: Drain, const N: usize> Stage<D, N> {
    /// Bytes that may be kept before the stage drains: at least a window
    /// encoded twice, checked when a stage's size is chosen.
    const ROOM: usize = {
        assert!(
            N >= SLACK + 5 * WINDOW,
            "a stage holds a window encoded twice"
        );
        N - SLACK
    };

    pub(super) fn new(drain: D) -> Self {
        Stage {
            bytes: [0; N],
            length: 0,
            drain,
        }
    }

    /// Drains what is kept and hands back the drain.
    pub(super) fn finish(mut self) -> D {
        self.drain_kept();
        self.drain
    }

    /// Drains what is kept: unlike [`finish`](Self::finish), nothing of
    /// the stage is moved.
    pub(super) fn flush(&mut self) {
        self.drain_kept();
    }

    fn drain_kept(&mut self) {
        self.drain.drain(&self.bytes[..self.length]);
        self.length = 0;
    }

    /// Appends `bytes` as they are.
    #[inline(always)]
    pub(super) fn push(&mut self, bytes: &[u8]) {
        if self.length + bytes.len() > Self::ROOM {
            self.drain_kept();
            if bytes.len() > Self::ROOM {
                return self.drain.drain(bytes);
            }
        }
        self.bytes[self.length..self.length + bytes.len()].copy_from_slice(bytes);
        self.length += bytes.len();
    }

    /// Appends the first `length` bytes of `padded`, whose length is a
    /// multiple of [`WINDOW`], a window at a time.
    #[inline(always)]
    pub(super) fn push_padded(&mut self, padded: &[u8], length: usize) {
        if padded.len() > Self::ROOM {
            return self.push(&padded[..length]);
        }
        if self.length + padded.len() > Self::ROOM {
            self.drain_kept();
        }
        let mut at = self.length;
        for window in padded.chunks_exact(WINDOW) {
            // As an array, so the copy is one fixed-width store.
            let window: &[u8; WINDOW] = window.try_into().expect("a window");
            store(&mut self.bytes, at, window);
            at += WINDOW;
        }
        self.length += length;
    }

    /// Appends `window`'s first `count` bytes, those with a bit in
    /// `escaped` replaced by their entry of `table`, `width` bytes each.
    #[inline(always)]
    fn write_window(
        &mut self,
        window: &Window,
        count: usize,
        mut escaped: u32,
        table: &[[u8; 8]; 256],
        width: usize,
    ) {
        if self.length + WINDOW * width > Self::ROOM {
            self.drain_kept();
        }
        // The length in a local: stores into the buffer need not reload it.
        let (bytes, mut length) = (&mut self.bytes, self.length);
        let mut start = 0;
        while escaped != 0 {
            let at = escaped.trailing_zeros() as usize;
            store(bytes, length, window.run(start));
            length += at - start;
            store(bytes, length, &table[usize::from(window.bytes[at])]);
            length += width;
            start = at + 1;
            escaped &= escaped - 1;
        }
        store(bytes, length, window.run(start));
        self.length = length + count - start;
    }
}

/// Writes `bytes` (at most [`SLACK`]) at `at`, to be kept or overwritten.
#[inline(always)]
fn store<const W: usize>(buffer: &mut [u8], at: usize, bytes: &[u8; W]) {
    buffer[at..at + W].copy_from_slice(bytes);
}

/// A window of input, and room to read a whole window from any place in
/// it.
struct Window {
    bytes: [u8; 2 * WINDOW],
}

impl Window {
    #[inline(always)]
    fn new(piece: &[u8]) -> Self {
        let mut bytes = [0u8; 2 * WINDOW];
        bytes[..WINDOW].copy_from_slice(&window_of(piece).to_le_bytes());
        Window { bytes }
    }

    #[inline(always)]
    fn first(&self) -> &[u8; WINDOW] {
        self.run(0)
    }

    /// The window's bytes from `start` (at most a window) on.
    #[inline(always)]
    fn run(&self, start: usize) -> &[u8; WINDOW] {
        self.bytes[start..start + WINDOW]
            .try_into()
            .expect("a window")
    }
}

/// `piece` (at most a window) as a `u128`, read in at most two loads that
/// may overlap; bytes past the piece are never kept.
#[inline(always)]
fn window_of(piece: &[u8]) -> u128 {
    let count = piece.len();
    let load8 = |at: usize| u64::from_le_bytes(piece[at..at + 8].try_into().expect("8 bytes"));
    let load4 = |at: usize| u32::from_le_bytes(piece[at..at + 4].try_into().expect("4 bytes"));
    if count == WINDOW {
        u128::from(load8(0)) | u128::from(load8(8)) << 64
    } else if count > 8 {
        // The last 8 bytes, shifted to their place: where both loads read
        // the same bytes, they agree.
        u128::from(load8(0)) | u128::from(load8(count - 8)) << (8 * (count - 8))
    } else if count == 8 {
        u128::from(load8(0))
    } else if count >= 4 {
        u128::from(load4(0)) | u128::from(load4(count - 4)) << (8 * (count - 4))
    } else if count > 0 {
        let byte = |at: usize| u128::from(piece[at]) << (8 * at);
        byte(0) | byte(count / 2) | byte(count - 1)
    } else {
        0
    }
}

/// Appends `input` percent-encoded to `once`.
#[inline(always)]
pub(super) fn encode_once<D: Drain, const N: usize>(once: &mut Stage<D, N>, input: &[u8]) {
    for piece in input.chunks(WINDOW) {
        let window = Window::new(piece);
        let escaped = escapes(window.first()) & valid(piece.len());
        once.write_window(&window, piece.len(), escaped, &ONCE, 3);
    }
}

/// Appends `input` percent-encoded to `once` and encoded twice to `twice`.
#[inline(always)]
pub(super) fn encode_twice<A: Drain, B: Drain, const N: usize, const M: usize>(
    once: &mut Stage<A, N>,
    twice: &mut Stage<B, M>,
    input: &[u8],
) {
    for piece in input.chunks(WINDOW) {
        let window = Window::new(piece);
        let escaped = escapes(window.first()) & valid(piece.len());
        once.write_window(&window, piece.len(), escaped, &ONCE, 3);
        twice.write_window(&window, piece.len(), escaped, &TWICE, 5);
    }
}

/// The bits of a window's first `count` bytes.
#[inline(always)]
fn valid(count: usize) -> u32 {
    (1u32 << count) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percent-encoding byte by byte, as the rules state it.
    fn reference_encode(input: &str) -> String {
        input
            .bytes()
            .map(|byte| match super::super::tables::stays(byte) {
                true => char::from(byte).to_string(),
                false => format!("%{byte:02X}"),
            })
            .collect()
    }

    /// Inputs of every length around a window, with escapes and
    /// multi-byte characters at and around window ends, and inputs longer
    /// than a stage.
    fn cases() -> Vec<String> {
        let mut cases = vec![String::new()];
        for length in 1..=3 * WINDOW + 1 {
            cases.push("a".repeat(length));
            cases.push("/".repeat(length));
            cases.push("x y".repeat(length).chars().take(length).collect());
        }
        for shift in 0..4 {
            let pad = "a".repeat(WINDOW - 2 + shift);
            cases.push(format!("{pad}é{pad}€ {pad}\u{10348}*"));
            cases.push(format!("{}{pad}", r#"{"A":[1,true],"B":"x y"}"#.repeat(4)));
        }
        cases.push("plain-Text_1.0~".repeat(200));
        cases.push(r#"{"k":"a/b c"}"#.repeat(300));
        cases.push("*".repeat(REQUEST_STAGE + 7));
        cases
    }

    #[test]
    fn encoding_matches_the_rules_across_window_and_stage_ends() {
        for input in &cases() {
            let expected = reference_encode(input);
            let mut once = Stage::<_, REQUEST_STAGE>::new(String::from("prefix&"));
            encode_once(&mut once, input.as_bytes());
            assert_eq!(once.finish(), format!("prefix&{expected}"), "{input:?}");

            let mut once = Stage::<_, REQUEST_STAGE>::new(String::new());
            let mut twice = Stage::<_, { 6 * WINDOW + SLACK }>::new(String::new());
            encode_twice(&mut once, &mut twice, input.as_bytes());
            assert_eq!(once.finish(), expected);
            assert_eq!(twice.finish(), reference_encode(&expected), "{input:?}");
        }
    }

    #[test]
    fn text_pushed_as_it_is_arrives_whole_and_in_order() {
        let long = "é".repeat(REQUEST_STAGE);
        let mut stage = Stage::<_, { 6 * WINDOW + SLACK }>::new(String::new());
        let mut expected = String::new();
        for piece in ["GET", "&%2F&", long.as_str(), "x", &long[..2 * WINDOW], "€"] {
            stage.push(piece.as_bytes());
            expected.push_str(piece);
            encode_once(&mut stage, piece.as_bytes());
            expected.push_str(&reference_encode(piece));
        }
        assert_eq!(stage.finish(), expected);
    }
}
