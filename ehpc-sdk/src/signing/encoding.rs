//! Percent-encoding and the canonical order of parameters, the byte work
//! of signing. Both are on every request's path, so they encode through
//! [`stage`](super::stage) a window at a time, and sort without encoding
//! anything.

use super::stage::{encode_once, Stage};
use super::tables::{stays, UNRESERVED};

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

/// Appends `input` percent-encoded as the signature requires: unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte becomes
/// `%XX` in upper-case hex (so a space is `%20` and `*` is `%2A`).
pub fn percent_encode_into(out: &mut String, input: &str) {
    if is_unreserved(input.as_bytes()) {
        out.push_str(input);
        return;
    }
    let mut once = Stage::<_, SMALL_STAGE>::new(out);
    encode_once(&mut once, input.as_bytes());
    once.finish();
}

/// A stage for encoding one string: a few windows at a time.
const SMALL_STAGE: usize = 256;

/// `input` percent-encoded; see [`percent_encode_into`].
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() * 3 / 2);
    percent_encode_into(&mut out, input);
    out
}

/// A parameter waiting for its place in the canonical order.
#[derive(Clone, Copy)]
pub(super) struct Entry<'a> {
    pub(super) name: &'a str,
    pub(super) value: &'a str,
}

impl<'a> Entry<'a> {
    const EMPTY: Entry<'static> = Entry {
        name: "",
        value: "",
    };

    /// By encoded name, then encoded value, as the signature orders them.
    #[inline(always)]
    pub(super) fn canonical_order(&self, other: &Self) -> std::cmp::Ordering {
        encoded_order(self.name.as_bytes(), other.name.as_bytes())
            .then_with(|| encoded_order(self.value.as_bytes(), other.value.as_bytes()))
    }
}

/// How the percent-encodings of `a` and `b` compare, without encoding
/// them: equal bytes encode equally, so the first byte that differs
/// decides, by its [`RANK`]; a string that is a prefix of the other sorts
/// first, encoded or not.
#[inline(always)]
fn encoded_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    // Most names differ in their first byte.
    if let (Some(&x), Some(&y)) = (a.first(), b.first()) {
        if x != y {
            return RANK[usize::from(x)].cmp(&RANK[usize::from(y)]);
        }
    }
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(at) => RANK[usize::from(a[at])].cmp(&RANK[usize::from(b[at])]),
        None => a.len().cmp(&b.len()),
    }
}

/// `params` in canonical order.
pub(super) fn sorted<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Entry<'a>> {
    let params = params.into_iter();
    let (least, most) = params.size_hint();
    let mut entries = Vec::with_capacity(most.unwrap_or(least));
    entries.extend(params.map(|(name, value)| Entry { name, value }));
    sort_nearly_sorted(&mut entries);
    entries
}

/// Sorts `entries` into canonical order, stably. Requests come as two
/// runs already in order: a few of the client's parameters, then the
/// operation's, which the generated code adds in order. Two such runs are
/// merged in one pass, the short first one copied to the stack; any other
/// order takes a general sort.
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
    if first_run == 1 {
        // One entry ahead of the rest, as the client's `RegionId` comes
        // under V3: its place found by bisection, the rest moved up by one.
        let lead = entries[0];
        let place = entries[1..].partition_point(|entry| entry.canonical_order(&lead).is_lt());
        entries[..=place].rotate_left(1);
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

#[cfg(test)]
mod tests {
    use super::*;

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
            // One in front, before, among and after the rest.
            vec!["Aaa"],
            vec!["Name00"],
            vec!["Name30"],
            vec!["Zzz"],
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
                        encoded_order(a.as_bytes(), b.as_bytes()),
                        percent_encode(a).cmp(&percent_encode(b)),
                        "{a:?} against {b:?}"
                    );
                }
            }
        }
    }
}
