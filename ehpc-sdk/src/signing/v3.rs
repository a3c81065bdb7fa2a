//! Signature V3, `ACS3-HMAC-SHA256`: the request is described by a
//! canonical request (method, query, signed headers, hash of the body),
//! whose SHA-256 is signed with HMAC-SHA256 and sent in `Authorization`.
//!
//! The plain functions ([`canonical_headers`], [`canonical_request`],
//! [`sign_v3`], …) follow the definition step by step and keep every
//! intermediate; [`SigningKeyV3::sign_into`] is what the client uses: the
//! canonical request streamed into SHA-256 as it is produced, never kept.

use super::encoding::{joined_length, sorted};
use super::write_query;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The algorithm's name, first in `Authorization` and in the string to
/// sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// `x-acs-content-sha256` of a request without a body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Canonical headers and the list of their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalHeaders {
    /// `name:value\n` for each header, names lower-cased and sorted, values
    /// trimmed; the values of a name given twice sorted and joined by `,`.
    pub canonical: String,
    /// The names joined by `;`: `SignedHeaders` in `Authorization`.
    pub signed: String,
}

/// Canonicalizes every header of `headers` (the caller picks which are
/// signed: `host`, `content-type` and the `x-acs-*` ones).
pub fn canonical_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> CanonicalHeaders {
    let mut grouped: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for (name, value) in headers {
        grouped
            .entry(name.trim().to_ascii_lowercase())
            .or_default()
            .push(value.trim());
    }
    let mut canonical = String::new();
    let mut names = Vec::with_capacity(grouped.len());
    for (name, mut values) in grouped {
        values.sort_unstable();
        canonical.push_str(&name);
        canonical.push(':');
        canonical.push_str(&values.join(","));
        canonical.push('\n');
        names.push(name);
    }
    CanonicalHeaders {
        canonical,
        signed: names.join(";"),
    }
}

/// `METHOD\n/\nquery\ncanonical headers\nsigned headers\npayload hash`
/// (the canonical headers end with their own `\n`).
pub fn canonical_request(
    method: &str,
    canonical_query: &str,
    headers: &CanonicalHeaders,
    payload_sha256: &str,
) -> String {
    format!(
        "{method}\n/\n{canonical_query}\n{}\n{}\n{payload_sha256}",
        headers.canonical, headers.signed
    )
}

/// `ACS3-HMAC-SHA256\n` and the hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", hex_sha256(canonical_request.as_bytes()))
}

/// Lower-case hex of `HMAC-SHA256(secret, string_to_sign)`; the key is the
/// secret alone, without V1's `&`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes()).as_str().to_string()
}

/// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

/// Lower-case hex SHA-256 of `bytes`, as in `x-acs-content-sha256`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes)).as_str().to_string()
}

/// Every step of a V3 signature, kept. Its `Debug` hides the signature
/// (also inside `authorization`) and any token or password in the texts.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedV3 {
    /// The query, sorted and percent-encoded as the canonical request has it.
    pub canonical_query: String,
    /// Method, path, query, canonical headers, signed header names and body hash, one per line.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256` and the hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Hex HMAC-SHA256 of the string to sign.
    pub signature: String,
    /// The `Authorization` header: algorithm, signed headers and signature.
    pub authorization: String,
}

impl std::fmt::Debug for SignedV3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::redact::{redact_text, REDACTED};
        f.debug_struct("SignedV3")
            .field("canonical_query", &redact_text(&self.canonical_query))
            .field("canonical_request", &redact_text(&self.canonical_request))
            .field("string_to_sign", &redact_text(&self.string_to_sign))
            .field("signature", &REDACTED)
            .field("authorization", &redact_text(&self.authorization))
            .finish()
    }
}

/// Signs a request step by step: `params` are the query parameters,
/// `headers` the headers to sign, `payload_sha256` the hex SHA-256 of the
/// body.
pub fn sign_v3<'q, 'h>(
    method: &str,
    access_key_id: &str,
    secret: &str,
    params: impl IntoIterator<Item = (&'q str, &'q str)>,
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    payload_sha256: &str,
) -> SignedV3 {
    let canonical_query = super::canonical_query(params);
    let headers = canonical_headers(headers);
    let canonical_request = canonical_request(method, &canonical_query, &headers, payload_sha256);
    let string_to_sign = string_to_sign(&canonical_request);
    let signature = signature(secret, &string_to_sign);
    let authorization = authorization(access_key_id, &headers.signed, &signature);
    SignedV3 {
        canonical_query,
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The headers the client signs on every request. Their names, sorted,
/// are fixed, so the canonical headers are written without sorting.
#[derive(Debug, Clone, Copy)]
pub struct RequestHeaders<'a> {
    /// `host[:port]` as sent.
    pub host: &'a str,
    /// Only when there is a body.
    pub content_type: Option<&'a str>,
    /// `x-acs-action`: the operation.
    pub action: &'a str,
    /// `x-acs-content-sha256`: hex SHA-256 of the body (of the empty body without one).
    pub content_sha256: &'a str,
    /// `x-acs-date`, `YYYY-MM-DDThh:mm:ssZ`.
    pub date: &'a str,
    /// Temporary credentials only.
    pub security_token: Option<&'a str>,
    /// `x-acs-signature-nonce`: unique per request, so a replay is refused.
    pub nonce: &'a str,
    /// The API version.
    pub version: &'a str,
}

impl RequestHeaders<'_> {
    /// `(name, value)` in canonical order, absent ones skipped.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        [
            ("content-type", self.content_type),
            ("host", Some(self.host)),
            ("x-acs-action", Some(self.action)),
            ("x-acs-content-sha256", Some(self.content_sha256)),
            ("x-acs-date", Some(self.date)),
            ("x-acs-security-token", self.security_token),
            ("x-acs-signature-nonce", Some(self.nonce)),
            ("x-acs-version", Some(self.version)),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
    }

    /// `SignedHeaders` for these headers.
    pub fn signed(&self) -> &'static str {
        match (self.content_type.is_some(), self.security_token.is_some()) {
            (false, false) => "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
            (false, true) => "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version",
            (true, false) => "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
            (true, true) => "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version",
        }
    }
}

/// The HMAC-SHA256 key of an access key secret, its two blocks hashed
/// once: build it once per secret, sign with it per request. `Debug` never
/// shows it.
#[derive(Clone)]
pub struct SigningKeyV3 {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for SigningKeyV3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKeyV3(** redacted **)")
    }
}

impl SigningKeyV3 {
    /// The HMAC-SHA256 key of an AccessKey secret.
    pub fn new(secret: &str) -> Self {
        SigningKeyV3 {
            mac: Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                .expect("HMAC accepts keys of any length"),
        }
    }

    /// Appends the canonical query of `params` to `query` (which may
    /// already hold the start of a URL) and appends the `Authorization`
    /// value to `authorization`. The canonical request goes to SHA-256 as
    /// it is produced.
    pub fn sign_into<'a>(
        &self,
        query: &mut String,
        authorization: &mut String,
        method: &str,
        access_key_id: &str,
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        headers: &RequestHeaders<'_>,
    ) {
        let entries = sorted(params);
        let joined = joined_length(&entries);
        query.reserve(joined + joined / 2);
        let start = query.len();
        write_query(query, &entries);
        let mut hash = HashWriter::new();
        hash.push(method.as_bytes());
        hash.push(b"\n/\n");
        hash.push(&query.as_bytes()[start..]);
        hash.push(b"\n");
        for (name, value) in headers.pairs() {
            hash.push(name.as_bytes());
            hash.push(b":");
            hash.push(value.trim().as_bytes());
            hash.push(b"\n");
        }
        let signed = headers.signed();
        hash.push(b"\n");
        hash.push(signed.as_bytes());
        hash.push(b"\n");
        hash.push(headers.content_sha256.as_bytes());
        let canonical_hash = hex(&hash.finish());

        let mut mac = self.mac.clone();
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(canonical_hash.as_str().as_bytes());
        let signature = hex(&mac.finalize().into_bytes());

        authorization
            .reserve(ALGORITHM.len() + 41 + access_key_id.len() + signed.len() + signature.length);
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(access_key_id);
        authorization.push_str(",SignedHeaders=");
        authorization.push_str(signed);
        authorization.push_str(",Signature=");
        authorization.push_str(signature.as_str());
    }
}

/// Bytes of the canonical request gathered before they go to SHA-256: one
/// `update` per few blocks instead of one per piece.
const HASH_BUFFER: usize = 1024;

struct HashWriter {
    hash: Sha256,
    buffer: [u8; HASH_BUFFER],
    length: usize,
}

impl HashWriter {
    fn new() -> Self {
        HashWriter {
            hash: Sha256::new(),
            buffer: [0; HASH_BUFFER],
            length: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, bytes: &[u8]) {
        if self.length + bytes.len() > HASH_BUFFER {
            self.hash.update(&self.buffer[..self.length]);
            self.length = 0;
            if bytes.len() > HASH_BUFFER {
                self.hash.update(bytes);
                return;
            }
        }
        self.buffer[self.length..self.length + bytes.len()].copy_from_slice(bytes);
        self.length += bytes.len();
    }

    fn finish(mut self) -> [u8; 32] {
        self.hash.update(&self.buffer[..self.length]);
        self.hash.finalize().into()
    }
}

/// Lower-case hex of a 32-byte digest, on the stack.
struct Hex {
    bytes: [u8; 64],
    length: usize,
}

impl Hex {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.length]).expect("hex is ASCII")
    }
}

fn hex(digest: &[u8]) -> Hex {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = [0u8; 64];
    for (slot, byte) in bytes.chunks_exact_mut(2).zip(digest) {
        slot[0] = DIGITS[usize::from(byte >> 4)];
        slot[1] = DIGITS[usize::from(byte & 0xF)];
    }
    Hex {
        bytes,
        length: digest.len().min(32) * 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST_QUERY: [(&str, &str); 2] = [
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
        ("RegionId", "cn-shanghai"),
    ];

    fn first_headers() -> RequestHeaders<'static> {
        RequestHeaders {
            host: "ecs.cn-shanghai.aliyuncs.com",
            content_type: None,
            action: "RunInstances",
            content_sha256: EMPTY_PAYLOAD_SHA256,
            date: "2023-10-26T10:22:32Z",
            security_token: None,
            nonce: "3156853299f313e23d1673dc12e1703d",
            version: "2014-05-26",
        }
    }

    #[test]
    fn the_keyed_path_signs_like_the_definition() {
        let headers = first_headers();
        let reference = sign_v3(
            "POST",
            "YourAccessKeyId",
            "YourAccessKeySecret",
            FIRST_QUERY,
            headers.pairs(),
            EMPTY_PAYLOAD_SHA256,
        );
        let key = SigningKeyV3::new("YourAccessKeySecret");
        let mut query = String::from("https://ecs.cn-shanghai.aliyuncs.com/?");
        let mut authorization = String::new();
        key.sign_into(
            &mut query,
            &mut authorization,
            "POST",
            "YourAccessKeyId",
            FIRST_QUERY,
            &headers,
        );
        assert_eq!(authorization, reference.authorization);
        assert_eq!(
            query,
            format!(
                "https://ecs.cn-shanghai.aliyuncs.com/?{}",
                reference.canonical_query
            )
        );

        // Every optional header, values to encode, a canonical request
        // longer than the hash buffer.
        let long = "x y*".repeat(HASH_BUFFER);
        let params = [
            ("Name", "a b*~/中文+&=%"),
            ("Long", long.as_str()),
            ("E", ""),
        ];
        let headers = RequestHeaders {
            content_type: Some("application/x-www-form-urlencoded"),
            security_token: Some("token/+="),
            content_sha256: "ab",
            ..first_headers()
        };
        let reference_with_hash = sign_v3("GET", "id", "s&cret", params, headers.pairs(), "ab");
        let (mut query, mut authorization) = (String::new(), String::new());
        SigningKeyV3::new("s&cret").sign_into(
            &mut query,
            &mut authorization,
            "GET",
            "id",
            params,
            &headers,
        );
        assert_eq!(authorization, reference_with_hash.authorization);
        assert_eq!(query, reference_with_hash.canonical_query);
        assert_eq!(
            canonical_headers(headers.pairs()).signed,
            headers.signed(),
            "the fixed list of names is the sorted one"
        );
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0xAB, 0x7F]).as_str(), "00ab7f");
        assert_eq!(hex_sha256(b""), EMPTY_PAYLOAD_SHA256);
    }

    #[test]
    fn keys_never_show_the_secret() {
        let shown = format!("{:?}", SigningKeyV3::new("very-secret-value"));
        assert!(!shown.contains("very-secret-value"));
    }
}
