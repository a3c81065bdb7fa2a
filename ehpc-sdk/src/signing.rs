//! RPC signature version 1.0 (HMAC-SHA1), signature V3
//! (`ACS3-HMAC-SHA256`, in [`v3`]), and the per-request values they cover:
//! nonce and timestamp.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

mod encoding;
mod fixed;
pub mod v3;
mod values;

use encoding::{encode_twice, joined_length, sorted, Entry, Sink};
pub use encoding::{percent_encode, percent_encode_into};
pub use fixed::FixedParams;
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
    let mut query = String::with_capacity(joined + joined / 4);
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        percent_encode_into(&mut query, entry.name);
        query.push('=');
        percent_encode_into(&mut query, entry.value);
    }
    query
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
    pub fn sign_with_fixed_into<'a>(
        &self,
        out: &mut String,
        method: &str,
        fixed: &FixedParams,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let entries = sorted(params);
        let joined = joined_length(&entries) + fixed.encoded_length() + fixed.len();
        out.reserve(joined + joined / 4 + SIGNED_SUFFIX_ROOM);
        let mut string_to_sign = MacWriter {
            mac: self.mac.clone(),
            buffer: [0; MAC_BUFFER],
            length: 0,
        };
        string_to_sign.push(method);
        string_to_sign.push("&%2F&");
        if fixed.is_empty() {
            write_canonical(out, &mut string_to_sign, &entries);
            let digest = string_to_sign.finish();
            return push_signature(out, &digest);
        }
        let mut fixed = fixed.entries().iter().peekable();
        let mut first = true;
        let mut separate = |out: &mut String, string_to_sign: &mut MacWriter| {
            if !std::mem::take(&mut first) {
                out.push('&');
                string_to_sign.push("%26");
            }
        };
        for entry in &entries {
            while let Some(before) = fixed.next_if(|f| f.entry().canonical_order(entry).is_le()) {
                separate(out, &mut string_to_sign);
                out.push_str(&before.once);
                string_to_sign.push(&before.twice);
            }
            separate(out, &mut string_to_sign);
            write_entry(out, &mut string_to_sign, entry);
        }
        for after in fixed {
            separate(out, &mut string_to_sign);
            out.push_str(&after.once);
            string_to_sign.push(&after.twice);
        }
        let digest = string_to_sign.finish();
        push_signature(out, &digest);
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

/// Bytes of the string to sign gathered before they go to the HMAC: one
/// `update` per few blocks instead of one per piece.
const MAC_BUFFER: usize = 1024;

/// Feeds the string to sign to the HMAC in chunks, as it is produced.
struct MacWriter {
    mac: Hmac<Sha1>,
    buffer: [u8; MAC_BUFFER],
    length: usize,
}

impl Sink for MacWriter {
    #[inline(always)]
    fn push(&mut self, text: &str) {
        self.push_ascii(text.as_bytes());
    }

    /// Any bytes, in fact: the HMAC takes bytes.
    #[inline(always)]
    fn push_ascii(&mut self, bytes: &[u8]) {
        if self.length + bytes.len() > MAC_BUFFER {
            self.mac.update(&self.buffer[..self.length]);
            self.length = 0;
            if bytes.len() > MAC_BUFFER {
                self.mac.update(bytes);
                return;
            }
        }
        self.buffer[self.length..self.length + bytes.len()].copy_from_slice(bytes);
        self.length += bytes.len();
    }
}

impl MacWriter {
    fn finish(mut self) -> [u8; 20] {
        self.mac.update(&self.buffer[..self.length]);
        self.mac.finalize().into_bytes().into()
    }
}

/// Writes the canonical query of `entries` to `query` and the same query
/// encoded once more to `string_to_sign`, in one pass: the second encoding
/// only changes `%`, `=` and `&`.
fn write_canonical(query: &mut String, string_to_sign: &mut impl Sink, entries: &[Entry<'_>]) {
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            query.push('&');
            string_to_sign.push("%26");
        }
        write_entry(query, string_to_sign, entry);
    }
}

/// `name=value`, encoded once to `query` and twice to `string_to_sign`.
#[inline(always)]
fn write_entry(query: &mut String, string_to_sign: &mut impl Sink, entry: &Entry<'_>) {
    encode_twice(query, string_to_sign, entry.name);
    query.push('=');
    string_to_sign.push("%3D");
    encode_twice(query, string_to_sign, entry.value);
}

/// Appends `&Signature=` and the base64 of `digest`, percent-encoded.
fn push_signature(query: &mut String, digest: &[u8; 20]) {
    let mut signature = [0u8; SIGNATURE_LENGTH];
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(digest, &mut signature)
        .expect("28 bytes hold the base64 of 20");
    let signature = std::str::from_utf8(&signature[..written]).expect("base64 is ASCII");
    query.push_str("&Signature=");
    percent_encode_into(query, signature);
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
    pub string_to_sign: String,
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
    let mut query = String::with_capacity(joined + joined / 4 + SIGNED_SUFFIX_ROOM);
    let mut string_to_sign = String::with_capacity(method.len() + 5 + joined + joined / 2);
    string_to_sign.push_str(method);
    string_to_sign.push_str("&%2F&");
    write_canonical(&mut query, &mut string_to_sign, &entries);
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
        let long = "x".repeat(MAC_BUFFER - 20);
        let longer = "a/b=c&d%".repeat(MAC_BUFFER / 4);
        let escapes = "*".repeat(MAC_BUFFER / 3 + 1);
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

    #[test]
    fn fixed_parameters_sign_like_the_same_parameters_passed_each_time() {
        let all = [
            ("AccessKeyId", "key id"),
            ("Action", "StopVisualService"),
            ("Format", "JSON"),
            ("RegionId", "cn-hangzhou"),
            ("Same", "%"),
            ("Same", "z"),
            ("SignatureNonce", "n*1"),
            ("Timestamp", "2024-04-25T12:46:24Z"),
            ("Version", "2018-04-12"),
            ("éName", "é"),
            ("{Brace", "1"),
        ];
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
