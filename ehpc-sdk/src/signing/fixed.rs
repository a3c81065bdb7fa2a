//! Parameters that stay the same from one request to the next (the access
//! key id, format, region, signature method and version), encoded once in
//! both encodings the signature needs, so signing a request only encodes
//! what changes. Common parameters whose names stay but whose values change
//! (the action, nonce, timestamp and version) hold a slot in the same
//! list: their places in the canonical order are found once, not per
//! request.

use super::encoding::Entry;
use super::stage::{encode_twice, Stage, REQUEST_STAGE};

/// Parameters encoded once and merged into every signature made with them,
/// and slots for parameters whose values each signature gives; see
/// [`SigningKey::sign_with_fixed_into`](super::SigningKey::sign_with_fixed_into)
/// and [`SigningKey::sign_with_slots_into`](super::SigningKey::sign_with_slots_into).
/// `Debug` shows the names and values, secret ones (a `SecurityToken`)
/// redacted.
#[derive(Clone, Default)]
pub struct FixedParams {
    /// In canonical order.
    entries: Vec<FixedEntry>,
    /// How many of the entries are slots.
    slots: usize,
    /// Bytes of the entries' query encodings, separators included.
    encoded_length: usize,
}

impl std::fmt::Debug for FixedParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs = self.entries.iter().map(|entry| {
            let value = match entry.slot {
                Some(_) => "(per request)",
                None => entry.value.as_str(),
            };
            (entry.name.as_str(), value)
        });
        f.debug_struct("FixedParams")
            .field("entries", &crate::redact::RedactedPairs(pairs))
            .finish()
    }
}

#[derive(Clone)]
pub(super) struct FixedEntry {
    name: String,
    /// Empty for a slot.
    value: String,
    /// For a slot, its place among the values given per signature.
    pub(super) slot: Option<usize>,
    /// `&name=value` percent-encoded, as in the query; `&name=` for a
    /// slot. The separator is dropped when the entry comes first.
    pub(super) once: Padded,
    /// [`once`](Self::once) percent-encoded again, as in the string to sign:
    /// `%26name%3Dvalue`.
    pub(super) twice: Padded,
}

/// The separator in front of a parameter, in the query and in the string
/// to sign.
pub(super) const SEPARATOR_ONCE: &[u8] = b"&";
pub(super) const SEPARATOR_TWICE: &[u8] = b"%26";

impl FixedEntry {
    /// The entry as it is signed, a slot's value taken from `slot_values`.
    #[inline(always)]
    pub(super) fn entry<'a>(&'a self, slot_values: &[&'a str]) -> Entry<'a> {
        Entry {
            name: &self.name,
            value: match self.slot {
                Some(slot) => slot_values[slot],
                None => &self.value,
            },
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
        slots: 0,
        encoded_length: 0,
    };

    /// Sorts and encodes `params` once.
    pub fn new<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::with_slots(params, &[])
    }

    /// [`new`](Self::new), with a slot for each name of `slots`: a
    /// parameter whose value is given per signature, in the order of
    /// `slots`, to
    /// [`sign_with_slots_into`](super::SigningKey::sign_with_slots_into).
    ///
    /// # Panics
    ///
    /// If a slot's name is given twice, among `slots` or `params`: a
    /// slot's place in the canonical order must not depend on its value.
    pub fn with_slots<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        slots: &[&'a str],
    ) -> Self {
        let fixed = params.into_iter().map(|(name, value)| (name, value, None));
        let slotted = slots
            .iter()
            .enumerate()
            .map(|(slot, name)| (*name, "", Some(slot)));
        let mut all: Vec<_> = fixed.chain(slotted).collect();
        // A slot's name is its own (checked below), so its place is found
        // by name alone.
        all.sort_by(|a, b| {
            let entry = |(name, value, _): &(&'a str, &'a str, _)| Entry { name, value };
            entry(a).canonical_order(&entry(b))
        });
        assert!(
            all.windows(2)
                .all(|pair| pair[0].0 != pair[1].0 || (pair[0].2.is_none() && pair[1].2.is_none())),
            "slots have names distinct from every other parameter's"
        );
        let entries: Vec<FixedEntry> = all
            .into_iter()
            .map(|(name, value, slot)| {
                let mut once = Stage::<_, REQUEST_STAGE>::new(String::new());
                let mut twice = Stage::<_, REQUEST_STAGE>::new(String::new());
                once.push(SEPARATOR_ONCE);
                twice.push(SEPARATOR_TWICE);
                encode_twice(&mut once, &mut twice, name.as_bytes());
                once.push(b"=");
                twice.push(b"%3D");
                encode_twice(&mut once, &mut twice, value.as_bytes());
                FixedEntry {
                    name: name.to_string(),
                    value: value.to_string(),
                    slot,
                    once: Padded::new(once.finish()),
                    twice: Padded::new(twice.finish()),
                }
            })
            .collect();
        let encoded_length = entries.iter().map(|entry| entry.once.length).sum();
        FixedParams {
            entries,
            slots: slots.len(),
            encoded_length,
        }
    }

    pub(super) fn entries(&self) -> &[FixedEntry] {
        &self.entries
    }

    /// How many values a signature made with this set is given.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Bytes of the encoded `&name=value` pairs, without the slots'
    /// values.
    pub(super) fn encoded_length(&self) -> usize {
        self.encoded_length
    }

    /// How many parameters a signature made with this set carries from it,
    /// slots included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set holds no parameter.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
