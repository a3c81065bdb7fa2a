//! RPC signature version 1.0 (HMAC-SHA1), signature V3
//! (`ACS3-HMAC-SHA256`, in [`v3`]), and the per-request values they cover:
//! nonce and timestamp.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

mod classify;
mod encoding;
mod fixed;
mod query_signature;
mod stage;
mod tables;
pub mod v3;
mod values;

use encoding::{joined_length, sorted, Entry};
pub use encoding::{percent_encode, percent_encode_into};
pub use fixed::FixedParams;
use fixed::{FixedEntry, SEPARATOR_ONCE, SEPARATOR_TWICE};
use query_signature::push_signature;
use stage::{encode_once, encode_twice, Drain, Stage, REQUEST_STAGE};
pub(crate) use values::timestamp_ascii;
pub use values::{parse_timestamp, timestamp, NonceSource};

/// Which signature the client puts on its requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// RPC signature version 1.0 (HMAC-SHA1): the signature and the common
    /// parameters (`AccessKeyId`, `SignatureNonce`, `Timestamp`, …) travel
    /// with the operation's parameters. Every RPC endpoint accepts it.
    #[default]
    V1,
    /// `ACS3-HMAC-SHA256`, the official SDKs' default: the action, version,
    /// date, nonce and token travel in `x-acs-*` headers, signed with the
    /// body's hash into `Authorization`.
    V3,
}

/// The canonical query: every parameter percent-encoded, sorted by encoded
/// name, joined as `name=value` with `&`.
pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let entries = sorted(params);
    let joined = joined_length(&entries);
    let mut query = String::with_capacity(joined + joined / 2);
    write_query(&mut query, &entries);
    query
}

/// Appends the canonical query of `entries`, already in canonical order.
fn write_query(query: &mut String, entries: &[Entry<'_>]) {
    let mut once = Stage::<_, REQUEST_STAGE>::new(query);
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            once.push(b"&");
        }
        encode_once(&mut once, entry.name.as_bytes());
        once.push(b"=");
        encode_once(&mut once, entry.value.as_bytes());
    }
    once.finish();
}

/// `METHOD&%2F&percentEncode(canonical_query)`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + canonical_query.len() * 5 / 4);
    out.push_str(method);
    out.push_str("&%2F&");
    percent_encode_into(&mut out, canonical_query);
    out
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    let mut mac = SigningKey::new(secret).mac;
    mac.update(string_to_sign.as_bytes());
    let mut signature = String::with_capacity(SIGNATURE_LENGTH);
    base64::engine::general_purpose::STANDARD
        .encode_string(mac.finalize().into_bytes(), &mut signature);
    signature
}

/// Length of a base64 HMAC-SHA1: 20 bytes in 28 characters.
const SIGNATURE_LENGTH: usize = 28;

/// The HMAC-SHA1 key of an access key secret (`secret&`), with both key
/// blocks already hashed: signing with it hashes only the string to sign.
/// Build it once per secret and clone it per request. `Debug` never shows
/// it.
#[derive(Clone)]
pub struct SigningKey {
    mac: Hmac<Sha1>,
}

impl SigningKey {
    /// The key of an AccessKey secret: `secret&`, as signature 1.0 keys HMAC-SHA1.
    pub fn new(secret: &str) -> Self {
        const BLOCK: usize = 64;
        let mut buffer = [0u8; BLOCK];
        let heap;
        // The key is built on the stack when it fits a SHA-1 block, as
        // access key secrets do.
        let key: &[u8] = if secret.len() < BLOCK {
            buffer[..secret.len()].copy_from_slice(secret.as_bytes());
            buffer[secret.len()] = b'&';
            &buffer[..=secret.len()]
        } else {
            heap = [secret.as_bytes(), b"&"].concat();
            &heap
        };
        SigningKey {
            mac: Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length"),
        }
    }

    /// Appends the signed canonical query of `params` (operation and
    /// common parameters, without `Signature`) to `out`:
    /// `canonical_query&Signature=…`. `out` may already hold the start of a
    /// URL. The string to sign goes to the HMAC as it is produced, never
    /// kept whole.
    pub fn sign_into<'a>(
        &self,
        out: &mut String,
        method: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        self.sign_with_fixed_into(out, method, &FixedParams::EMPTY, params);
    }

    /// [`sign_into`](Self::sign_into) for `params` together with `fixed`,
    /// which were encoded beforehand: only `params` are encoded here, and
    /// the two sorted lists are merged.
    ///
    /// # Panics
    ///
    /// If `fixed` has slots; see [`sign_with_slots_into`](Self::sign_with_slots_into).
    pub fn sign_with_fixed_into<'a>(
        &self,
        out: &mut String,
        method: &str,
        fixed: &FixedParams,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let entries = sorted(params);
        let in_order = entries.iter().map(|entry| (entry.name, entry.value));
        self.sign_with_slots_into(out, method, fixed, &[], in_order);
    }

    /// [`sign_with_fixed_into`](Self::sign_with_fixed_into), the values of
    /// `fixed`'s slots given in `slot_values`. Parameters that come in
    /// canonical order, as the generated code adds an operation's, are
    /// merged with `fixed` as they come; any other order is sorted first.
    ///
    /// # Panics
    ///
    /// If `slot_values` does not hold a value for each slot of `fixed`.
    pub fn sign_with_slots_into<'a, P>(
        &self,
        out: &mut String,
        method: &str,
        fixed: &FixedParams,
        slot_values: &[&'a str],
        params: P,
    ) where
        P: IntoIterator<Item = (&'a str, &'a str)>,
        P::IntoIter: Clone,
    {
        assert_eq!(slot_values.len(), fixed.slots(), "a value for each slot");
        let params = params.into_iter();
        let joined = params
            .clone()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum::<usize>()
            + slot_values.iter().map(|value| value.len()).sum::<usize>()
            + fixed.encoded_length();
        out.reserve(joined + joined / 2 + SIGNED_SUFFIX_ROOM);
        let start = out.len();
        let digest = match self.merge_in_order(out, method, fixed, slot_values, params.clone()) {
            Some(digest) => digest,
            None => {
                out.truncate(start);
                let entries = sorted(params);
                let in_order = entries.iter().map(|entry| (entry.name, entry.value));
                self.merge_in_order(out, method, fixed, slot_values, in_order)
                    .expect("sorted parameters are in canonical order")
            }
        };
        push_signature(out, &digest);
    }

    /// Writes the canonical query of `params` merged with `fixed` to `out`
    /// and returns the HMAC of the string to sign; `None`, with `out` half
    /// written, as soon as `params` turn out not to be in canonical order.
    /// Never inlined: its two uses, for parameters in order and for sorted
    /// ones, would put two copies of the encoder on every request's path.
    #[inline(never)]
    fn merge_in_order<'a>(
        &self,
        out: &mut String,
        method: &str,
        fixed: &FixedParams,
        slot_values: &[&'a str],
        params: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<[u8; 20]> {
        let mut query = Stage::<_, REQUEST_STAGE>::new(&mut *out);
        // The stages borrow what they drain to, so none is moved whole.
        let mut mac = self.mac.clone();
        let mut string_to_sign = Stage::<_, REQUEST_STAGE>::new(&mut mac);
        string_to_sign.push(method.as_bytes());
        string_to_sign.push(b"&%2F&");
        let fixed = fixed.entries();
        let mut next_fixed = 0;
        let mut previous: Option<Entry<'a>> = None;
        // Nothing written yet: the next parameter has no separator.
        let mut first = true;
        for (name, value) in params {
            let entry = Entry { name, value };
            if previous.is_some_and(|previous| previous.canonical_order(&entry).is_gt()) {
                return None;
            }
            previous = Some(entry);
            while let Some(before) = fixed
                .get(next_fixed)
                .filter(|before| before.entry(slot_values).canonical_order(&entry).is_le())
            {
                let first = std::mem::take(&mut first);
                write_fixed(&mut query, &mut string_to_sign, before, slot_values, first);
                next_fixed += 1;
            }
            if !std::mem::take(&mut first) {
                query.push(SEPARATOR_ONCE);
                string_to_sign.push(SEPARATOR_TWICE);
            }
            write_entry(&mut query, &mut string_to_sign, &entry);
        }
        for after in &fixed[next_fixed..] {
            let first = std::mem::take(&mut first);
            write_fixed(&mut query, &mut string_to_sign, after, slot_values, first);
        }
        query.flush();
        string_to_sign.flush();
        Some(mac.finalize().into_bytes().into())
    }
}

/// A fixed entry: its encodings copied, without their separators when it
/// comes `first`; a slot's value encoded.
#[inline(always)]
fn write_fixed<A: Drain, B: Drain>(
    query: &mut Stage<A, REQUEST_STAGE>,
    string_to_sign: &mut Stage<B, REQUEST_STAGE>,
    fixed: &FixedEntry,
    slot_values: &[&str],
    first: bool,
) {
    let (once, twice) = (&fixed.once, &fixed.twice);
    if first {
        query.push(&once.bytes[SEPARATOR_ONCE.len()..once.length]);
        string_to_sign.push(&twice.bytes[SEPARATOR_TWICE.len()..twice.length]);
    } else {
        query.push_padded(&once.bytes, once.length);
        string_to_sign.push_padded(&twice.bytes, twice.length);
    }
    if let Some(slot) = fixed.slot {
        encode_twice(query, string_to_sign, slot_values[slot].as_bytes());
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

/// Room for `&Signature=` and a signature whose every character is
/// escaped, so the query never grows twice.
const SIGNED_SUFFIX_ROOM: usize = 11 + SIGNATURE_LENGTH * 3;

impl Drain for Hmac<Sha1> {
    fn drain(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// `name=value`, encoded once to `query` and twice to `string_to_sign`.
#[inline(always)]
fn write_entry<A: Drain, B: Drain>(
    query: &mut Stage<A, REQUEST_STAGE>,
    string_to_sign: &mut Stage<B, REQUEST_STAGE>,
    entry: &Entry<'_>,
) {
    encode_twice(query, string_to_sign, entry.name.as_bytes());
    query.push(b"=");
    string_to_sign.push(b"%3D");
    encode_twice(query, string_to_sign, entry.value.as_bytes());
}

/// `base64(HMAC-SHA1(key, message))`.
pub fn hmac_sha1_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A signed request: the canonical query with `Signature` appended, ready
/// to be a URL query or a form body. Its `Debug` hides the signature and
/// any security token or password in the texts.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// `METHOD&%2F&<canonical query>`, what the signature covers.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1 of the string to sign, sent as `Signature`.
    pub signature: String,
    /// `canonical_query&Signature=…`.
    pub query: String,
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::redact::{redact_text, REDACTED};
        f.debug_struct("Signed")
            .field("string_to_sign", &redact_text(&self.string_to_sign))
            .field("signature", &REDACTED)
            .field("query", &redact_text(&self.query))
            .finish()
    }
}

/// Signs `params` (operation and common parameters, without `Signature`),
/// keeping the string to sign; [`SigningKey::sign_into`] signs without it.
pub fn sign_params<'a>(
    method: &str,
    secret: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Signed {
    let entries = sorted(params);
    let joined = joined_length(&entries);
    let mut query = String::with_capacity(joined + joined / 2 + SIGNED_SUFFIX_ROOM);
    let mut string_to_sign = String::with_capacity(method.len() + 5 + joined * 2);
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    {
        let mut once = Stage::<_, REQUEST_STAGE>::new(&mut query);
        let mut twice = Stage::<_, REQUEST_STAGE>::new(&mut string_to_sign);
        for (index, entry) in entries.iter().enumerate() {
            if index > 0 {
                once.push(b"&");
                twice.push(b"%26");
            }
            write_entry(&mut once, &mut twice, entry);
        }
        once.finish();
        twice.finish();
    }
    let signature = sign(secret, &string_to_sign);
    query.push_str("&Signature=");
    percent_encode_into(&mut query, &signature);
    Signed {
        string_to_sign,
        signature,
        query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_follows_the_signature_rules() {
        assert_eq!(percent_encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("A-Z_a.z~09"), "A-Z_a.z~09");
    }

    /// The signature's canonical query as the protocol states it: encode
    /// every name and value, sort the pairs, join them.
    fn reference_query(params: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(name, value)| (percent_encode(name), percent_encode(value)))
            .collect();
        pairs.sort();
        let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
        joined.join("&")
    }

    #[test]
    fn canonical_order_is_the_order_of_encoded_names() {
        // Raw and encoded orders differ here: `{` sorts after letters but
        // `%7B` before them; `é` sorts after `~` but `%C3%A9` before `A`;
        // the long names share a 16-byte prefix; `Tag` is a prefix of `Tags`.
        let params = [
            ("Instances.1.InstanceName", "b"),
            ("Instances.1.InstanceId", "a b"),
            ("{Brace", "1"),
            ("ab", "x"),
            ("éName", "é"),
            ("~Tilde", "2"),
            ("Tags", "*"),
            ("Tag", "3"),
            ("Same", "z"),
            ("Same", "%"),
            ("Spec", r#"{"A":[1,true]}"#),
        ];
        let expected = reference_query(&params);
        assert_eq!(canonical_query(params), expected);

        let signed = sign_params("POST", "secret", params);
        assert_eq!(signed.string_to_sign, string_to_sign("POST", &expected));
        assert_eq!(signed.signature, sign("secret", &signed.string_to_sign));
        assert_eq!(
            signed.query,
            format!("{expected}&Signature={}", percent_encode(&signed.signature))
        );
    }

    /// `canonical_query&Signature=…` as the protocol defines it, from
    /// [`reference_query`] and a plain HMAC over the whole string to sign.
    fn reference_signed_query(method: &str, secret: &str, params: &[(&str, &str)]) -> String {
        let query = reference_query(params);
        let string_to_sign = format!("{method}&%2F&{}", percent_encode(&query));
        let key = format!("{secret}&");
        let signature = hmac_sha1_base64(key.as_bytes(), string_to_sign.as_bytes());
        format!("{query}&Signature={}", percent_encode(&signature))
    }

    #[test]
    fn signing_key_streams_the_string_to_sign_like_the_plain_definition() {
        // Values around and past the HMAC buffer, escapes straddling its
        // end, and a parameter list with nothing to escape at all.
        let long = "x".repeat(REQUEST_STAGE - 20);
        let longer = "a/b=c&d%".repeat(REQUEST_STAGE / 4);
        let escapes = "*".repeat(REQUEST_STAGE / 3 + 1);
        let cases: Vec<Vec<(&str, &str)>> = vec![
            vec![("Action", "StopVisualService"), ("Port", "12016")],
            vec![("Long", &long), ("Lo", "ng"), ("Spec", r#"{"A":[1,true]}"#)],
            vec![("Longer", &longer), ("Escapes", &escapes), ("éName", "é")],
            vec![
                ("Empty", ""),
                ("", "nameless"),
                ("Same", "%"),
                ("Same", "z"),
            ],
        ];
        for secret in ["secret", "s/e+c=r&e t", &"k".repeat(70)] {
            let key = SigningKey::new(secret);
            for params in &cases {
                for method in ["GET", "POST"] {
                    let mut out = String::from("http://127.0.0.1/?");
                    key.sign_into(&mut out, method, params.iter().copied());
                    let expected = reference_signed_query(method, secret, params);
                    assert_eq!(out, format!("http://127.0.0.1/?{expected}"));
                    let signed = sign_params(method, secret, params.iter().copied());
                    assert_eq!(signed.query, expected);
                }
            }
        }
    }

    /// A security token longer than a stage, as temporary credentials
    /// carry.
    fn long_token() -> String {
        "CAIS/+token=".repeat(REQUEST_STAGE / 8)
    }

    /// The common parameters, a name given twice, and names whose
    /// encodings sort apart from them.
    fn common_and_odd_params(token: &str) -> [(&str, &str); 12] {
        [
            ("AccessKeyId", "key id"),
            ("Action", "StopVisualService"),
            ("Format", "JSON"),
            ("RegionId", "cn-hangzhou"),
            ("Same", "%"),
            ("Same", "z"),
            ("SecurityToken", token),
            ("SignatureNonce", "n*1"),
            ("Timestamp", "2024-04-25T12:46:24Z"),
            ("Version", "2018-04-12"),
            ("éName", "é"),
            ("{Brace", "1"),
        ]
    }

    #[test]
    fn fixed_parameters_sign_like_the_same_parameters_passed_each_time() {
        let token = long_token();
        let all = common_and_odd_params(&token);
        let key = SigningKey::new("s/e+c=r&e t");
        // Every split of the parameters into fixed and per-request ones.
        for mask in 0u32..(1 << all.len()) {
            let picked = |fixed: bool| {
                all.iter()
                    .enumerate()
                    .filter(move |(index, _)| (mask >> index & 1 == 1) == fixed)
                    .map(|(_, pair)| *pair)
            };
            let fixed = FixedParams::new(picked(true));
            let mut out = String::new();
            key.sign_with_fixed_into(&mut out, "GET", &fixed, picked(false));
            assert_eq!(
                out,
                reference_signed_query("GET", "s/e+c=r&e t", &all),
                "fixed set {mask:b}"
            );
        }
    }

    #[test]
    fn slots_sign_like_the_same_parameters_passed_each_time() {
        let token = long_token();
        let all = common_and_odd_params(&token);
        let secret = "s/e+c=r&e t";
        let expected = format!(
            "https://host/?{}",
            reference_signed_query("GET", secret, &all)
        );
        let key = SigningKey::new(secret);
        let unique = |name: &str| all.iter().filter(|(other, _)| *other == name).count() == 1;
        // Every split into fixed parameters and the rest; of the rest,
        // every other one with a name of its own is a slot.
        for mask in 0u32..(1 << all.len()) {
            let (mut fixed, mut slots, mut slot_values, mut per_request) =
                (vec![], vec![], vec![], vec![]);
            for (index, &(name, value)) in all.iter().enumerate() {
                if mask >> index & 1 == 1 {
                    fixed.push((name, value));
                } else if index % 2 == 0 && unique(name) {
                    slots.push(name);
                    slot_values.push(value);
                } else {
                    per_request.push((name, value));
                }
            }
            let prepared = FixedParams::with_slots(fixed, &slots);
            assert_eq!(prepared.slots(), slots.len());
            per_request.sort_by(|a, b| {
                let entry = |(name, value)| Entry { name, value };
                entry(*a).canonical_order(&entry(*b))
            });
            let reversed: Vec<_> = per_request.iter().rev().copied().collect();
            // In canonical order, merged as they come; reversed, sorted
            // after the first pass finds them out of order.
            for params in [&per_request, &reversed] {
                let mut out = String::from("https://host/?");
                key.sign_with_slots_into(
                    &mut out,
                    "GET",
                    &prepared,
                    &slot_values,
                    params.iter().copied(),
                );
                assert_eq!(out, expected, "fixed set {mask:b}, {params:?}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "a value for each slot")]
    fn every_slot_needs_a_value() {
        let fixed = FixedParams::with_slots([("Format", "JSON")], &["Action"]);
        SigningKey::new("secret").sign_with_fixed_into(&mut String::new(), "GET", &fixed, []);
    }

    #[test]
    #[should_panic(expected = "names distinct")]
    fn a_slot_cannot_share_a_name() {
        FixedParams::with_slots([("Action", "A")], &["Action"]);
    }

    #[test]
    fn signing_keys_never_show_the_secret() {
        let shown = format!("{:?}", SigningKey::new("very-secret-value"));
        assert!(!shown.contains("very-secret-value"));
    }

    #[test]
    fn long_secrets_sign_like_short_ones() {
        let secret = "s".repeat(100);
        let key = format!("{secret}&");
        assert_eq!(
            sign(&secret, "GET&%2F&A%3Db"),
            hmac_sha1_base64(key.as_bytes(), b"GET&%2F&A%3Db")
        );
    }
}
