//! Parameters that stay the same from one request to the next (the access
//! key id, format, region, signature method and version, API version),
//! encoded once in both encodings the signature needs, so signing a request
//! only encodes what changes.

use super::encoding::{sorted, Entry};
use super::stage::{encode_twice, Stage, REQUEST_STAGE};

/// Parameters encoded once and merged into every signature made with them;
/// see [`SigningKey::sign_with_fixed_into`](super::SigningKey::sign_with_fixed_into).
/// `Debug` shows the names and values, secret ones (a `SecurityToken`)
/// redacted.
#[derive(Clone, Default)]
pub struct FixedParams {
    /// In canonical order.
    entries: Vec<FixedEntry>,
}

impl std::fmt::Debug for FixedParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs = self
            .entries
            .iter()
            .map(|entry| (entry.name.as_str(), entry.value.as_str()));
        f.debug_struct("FixedParams")
            .field("entries", &crate::redact::RedactedPairs(pairs))
            .finish()
    }
}

#[derive(Clone)]
pub(super) struct FixedEntry {
    name: String,
    value: String,
    /// `name=value` percent-encoded, as in the query.
    pub(super) once: Padded,
    /// [`once`](Self::once) percent-encoded again, as in the string to sign.
    pub(super) twice: Padded,
}

impl FixedEntry {
    pub(super) fn entry(&self) -> Entry<'_> {
        Entry {
            name: &self.name,
            value: &self.value,
        }
    }
}

/// Text zero-padded to whole windows, so it is copied a window at a time.
#[derive(Clone)]
pub(super) struct Padded {
    pub(super) bytes: Vec<u8>,
    pub(super) length: usize,
}

impl Padded {
    fn new(text: String) -> Self {
        let length = text.len();
        let mut bytes = text.into_bytes();
        bytes.resize(length.next_multiple_of(super::classify::WINDOW), 0);
        Padded { bytes, length }
    }
}

impl FixedParams {
    /// An empty set, for signing with request parameters alone.
    pub const EMPTY: FixedParams = FixedParams {
        entries: Vec::new(),
    };

    /// Sorts and encodes `params` once.
    pub fn new<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let entries = sorted(params)
            .iter()
            .map(|entry| {
                let mut once = Stage::<_, REQUEST_STAGE>::new(String::new());
                let mut twice = Stage::<_, REQUEST_STAGE>::new(String::new());
                encode_twice(&mut once, &mut twice, entry.name.as_bytes());
                once.push(b"=");
                twice.push(b"%3D");
                encode_twice(&mut once, &mut twice, entry.value.as_bytes());
                FixedEntry {
                    name: entry.name.to_string(),
                    value: entry.value.to_string(),
                    once: Padded::new(once.finish()),
                    twice: Padded::new(twice.finish()),
                }
            })
            .collect();
        FixedParams { entries }
    }

    pub(super) fn entries(&self) -> &[FixedEntry] {
        &self.entries
    }

    /// Bytes of the encoded `name=value` pairs, without separators.
    pub(super) fn encoded_length(&self) -> usize {
        self.entries.iter().map(|entry| entry.once.length).sum()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
