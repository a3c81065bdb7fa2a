//! Signature V3, `ACS3-HMAC-SHA256`, checked the way the gateway does:
//! the canonical request is rebuilt from what arrived (the query, the
//! headers the client lists in `SignedHeaders`, the body's hash) and its
//! signature compared with the one in `Authorization`.
//!
//! Written from the protocol, apart from the SDK's signer, so the emulator
//! checks the SDK independently.

use crate::http::caller::{access_key, check_freshness};
use crate::http::signature::percent_encode;
use crate::state::State;
use crate::wire::answer::Rejection;
use crate::wire::request::RpcRequest;
use crate::wire::timestamp;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub(crate) const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Headers every V3 request carries and signs.
const REQUIRED_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
];

/// Lower-case hex SHA-256.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A V3 request names its action and version in headers; they are added
/// to its parameters (after the query's and the body's) so dispatch reads
/// them as it reads those of a V1 request.
pub(crate) fn add_action_and_version(request: &mut RpcRequest) {
    if !request.is_v3() {
        return;
    }
    for (header, name) in [("x-acs-action", "Action"), ("x-acs-version", "Version")] {
        if request.param(name).is_some() {
            continue;
        }
        if let Some(value) = request.header(header).map(str::to_string) {
            request.params.push((name.to_string(), value));
        }
    }
}

/// The parts of `Authorization`.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn incomplete(detail: impl std::fmt::Display) -> Rejection {
    Rejection::new(
        400,
        "IncompleteSignature",
        format!("The request signature is incomplete: {detail}."),
    )
}

/// `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`, each part
/// present once and not empty.
fn parse_authorization<'a>(text: &'a str) -> Result<Authorization<'a>, Rejection> {
    let Some((algorithm, rest)) = text.trim().split_once(' ') else {
        return Err(incomplete(format_args!(
            "`Authorization` is not `{ALGORITHM} Credential=…,SignedHeaders=…,Signature=…`"
        )));
    };
    if algorithm != ALGORITHM {
        return Err(incomplete(format_args!(
            "the algorithm `{algorithm}` is not supported, only {ALGORITHM}"
        )));
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((name, value)) = part.trim().split_once('=') else {
            return Err(incomplete(format_args!(
                "`{part}` in `Authorization` is not `name=value`"
            )));
        };
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            other => {
                return Err(incomplete(format_args!(
                    "`Authorization` has an unknown part `{other}`"
                )))
            }
        };
        if slot.replace(value).is_some() {
            return Err(incomplete(format_args!(
                "`{name}` is given twice in `Authorization`"
            )));
        }
    }
    let present = |value: Option<&'a str>, name: &str| match value {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(incomplete(format_args!("`Authorization` has no `{name}`"))),
    };
    Ok(Authorization {
        credential: present(credential, "Credential")?,
        signed_headers: present(signed, "SignedHeaders")?.split(';').collect(),
        signature: present(signature, "Signature")?,
    })
}

/// The canonical request and string to sign the server computes for
/// `request` with the headers in `signed`.
pub(crate) fn canonical_request(request: &RpcRequest, signed: &[&str]) -> String {
    let mut query: Vec<(String, String)> = request.params[..request.query_len]
        .iter()
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    query.sort();
    let query: Vec<String> = query
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let mut names: Vec<String> = signed
        .iter()
        .map(|name| name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    let mut headers = String::new();
    for name in &names {
        let mut values: Vec<&str> = request.header_values(name).map(str::trim).collect();
        values.sort_unstable();
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    format!(
        "{}\n/\n{}\n{headers}\n{}\n{}",
        request.method,
        query.join("&"),
        names.join(";"),
        request.header("x-acs-content-sha256").unwrap_or_default()
    )
}

pub(crate) fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", hex_sha256(canonical_request.as_bytes()))
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// The signature a correct client sends.
#[cfg(test)]
pub(crate) fn sign(secret: &str, string_to_sign: &str) -> String {
    hex(&mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `string_to_sign` under
/// `secret`; compared in constant time.
fn verify(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    let Some(given) = decode_hex(signature) else {
        return false;
    };
    mac(secret, string_to_sign).verify_slice(&given).is_ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The gateway's checks of a V3 request, in its order: `Authorization`
/// well-formed, the required headers present and signed, the body's hash
/// right, the date well-formed and fresh, the access key known, the
/// security token matching, the signature matching, the nonce unused.
pub(crate) fn authenticate(state: &State, request: &RpcRequest) -> Result<(), Rejection> {
    let Some(text) = request.header("authorization") else {
        return Err(incomplete("the `Authorization` header is missing"));
    };
    let authorization = parse_authorization(text)?;
    for name in REQUIRED_HEADERS {
        if request.header(name).is_none_or(str::is_empty) {
            return Err(incomplete(format_args!("the `{name}` header is missing")));
        }
        if !authorization
            .signed_headers
            .iter()
            .any(|signed| signed.eq_ignore_ascii_case(name))
        {
            return Err(incomplete(format_args!(
                "the `{name}` header is not in SignedHeaders"
            )));
        }
    }
    let token = request.header("x-acs-security-token");
    if token.is_some()
        && !authorization
            .signed_headers
            .iter()
            .any(|signed| signed.eq_ignore_ascii_case("x-acs-security-token"))
    {
        return Err(incomplete(
            "the `x-acs-security-token` header is not in SignedHeaders",
        ));
    }
    if let Some(missing) = authorization
        .signed_headers
        .iter()
        .find(|name| request.header(&name.to_ascii_lowercase()).is_none())
    {
        return Err(incomplete(format_args!(
            "SignedHeaders lists `{missing}`, which the request does not carry"
        )));
    }
    let claimed = request.header("x-acs-content-sha256").unwrap_or_default();
    if claimed != request.body_sha256 {
        return Err(Rejection::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "The x-acs-content-sha256 header `{claimed}` is not the SHA-256 of the body, {}.",
                request.body_sha256
            ),
        ));
    }
    let stamp = request.header("x-acs-date").unwrap_or_default();
    let Some(sent) = timestamp::parse(stamp) else {
        return Err(Rejection::new(
            400,
            "InvalidTimeStamp.Format",
            format!("The x-acs-date `{stamp}` is not in the format YYYY-MM-DDThh:mm:ssZ (UTC)."),
        ));
    };
    check_freshness(request, stamp, sent)?;
    let key = access_key(state, request, authorization.credential, token)?;
    let canonical = canonical_request(request, &authorization.signed_headers);
    let string_to_sign = string_to_sign(&canonical);
    if !verify(&key.secret, &string_to_sign, authorization.signature) {
        return Err(Rejection::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "The request signature does not match the server's. Check the access key \
                 secret and the signing method. Server canonical request is: {canonical:?}. \
                 Server string to sign is: {string_to_sign:?}"
            ),
        ));
    }
    let nonce = request.header("x-acs-signature-nonce").unwrap_or_default();
    if !state.nonces().record(nonce, sent, request.received) {
        return Err(Rejection::new(
            400,
            "SignatureNonceUsed",
            format!("The x-acs-signature-nonce `{nonce}` has been used already."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    /// The documentation's vector (`acs3-signature-vectors.json`), as a
    /// request the emulator received.
    fn documented_request() -> RpcRequest {
        let headers = [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-version", "2014-05-26"),
            ("user-agent", "not signed"),
        ];
        RpcRequest {
            method: "POST".into(),
            params: vec![
                ("RegionId".into(), "cn-shanghai".into()),
                (
                    "ImageId".into(),
                    "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd".into(),
                ),
            ],
            host: "ecs.cn-shanghai.aliyuncs.com".into(),
            received: SystemTime::now(),
            query_len: 2,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body_sha256: hex_sha256(b""),
        }
    }

    #[test]
    fn reproduces_the_documented_vector() {
        let request = documented_request();
        let signed = [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ];
        let canonical = canonical_request(&request, &signed);
        assert_eq!(
            hex_sha256(canonical.as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        let signature = sign("YourAccessKeySecret", &string_to_sign(&canonical));
        assert_eq!(
            signature,
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        assert!(verify(
            "YourAccessKeySecret",
            &string_to_sign(&canonical),
            &signature
        ));
        assert!(!verify("other", &string_to_sign(&canonical), &signature));
        assert!(!verify(
            "YourAccessKeySecret",
            &string_to_sign(&canonical),
            "zz"
        ));
    }

    #[test]
    fn headers_given_twice_are_sorted_and_joined() {
        let mut request = documented_request();
        request.headers = vec![
            ("x-acs-test".into(), "https".into()),
            ("x-acs-test".into(), " http ".into()),
        ];
        request.params = vec![
            ("test".into(), "ok".into()),
            ("empty".into(), String::new()),
        ];
        request.method = String::new();
        request.headers.push((
            "x-acs-content-sha256".into(),
            "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23".into(),
        ));
        let canonical = canonical_request(&request, &["x-acs-TEST"]);
        assert_eq!(
            canonical,
            "\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"
        );
        assert_eq!(
            sign("secret", &string_to_sign(&canonical)),
            "4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3"
        );
    }

    #[test]
    fn malformed_authorizations_are_incomplete() {
        for text in [
            "",
            "ACS3-HMAC-SHA256",
            "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=00",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00",
            "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=00",
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=00,Other=1",
            "ACS3-HMAC-SHA256 Credential=a;SignedHeaders=host",
        ] {
            let refused = parse_authorization(text).err();
            assert_eq!(
                refused.map(|r| r.code).as_deref(),
                Some("IncompleteSignature"),
                "{text:?}"
            );
        }
        let parsed = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;x-acs-date,Signature=00",
        )
        .ok()
        .unwrap();
        assert_eq!(parsed.credential, "a");
        assert_eq!(parsed.signed_headers, ["host", "x-acs-date"]);
        assert_eq!(parsed.signature, "00");
    }
}
