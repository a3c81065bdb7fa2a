//! The public `ACS3-HMAC-SHA256` vectors, reproduced by
//! `ehpc_sdk::signing::v3`, step by step and through the client's keyed
//! path.

use ehpc_sdk::signing::v3::{self, RequestHeaders, SigningKeyV3};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = include_str!("data/acs3-signature-vectors.json");
    let file: Value = serde_json::from_str(text).expect("the vectors file is JSON");
    assert_eq!(file["algorithm"], v3::ALGORITHM);
    assert_eq!(file["empty_payload_sha256"], v3::EMPTY_PAYLOAD_SHA256);
    let vectors = file["vectors"]
        .as_array()
        .expect("a list of vectors")
        .clone();
    assert_eq!(vectors.len(), 2);
    vectors
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` in {}", case["name"]))
}

/// The vector's headers as pairs: `headers` (an object) or `headers_raw`
/// (a list of pairs, names repeated in different cases).
fn headers(case: &Value) -> Vec<(&str, &str)> {
    if let Some(object) = case["headers"].as_object() {
        return object
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
            .collect();
    }
    case["headers_raw"]
        .as_array()
        .expect("headers or headers_raw")
        .iter()
        .map(|pair| (pair[0].as_str().unwrap(), pair[1].as_str().unwrap()))
        .collect()
}

fn query(case: &Value) -> Vec<(&str, &str)> {
    case["query"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
        .collect()
}

#[test]
fn every_step_of_both_vectors_reproduces() {
    for case in vectors() {
        let name = text(&case, "name");
        let signed = v3::sign_v3(
            text(&case, "method"),
            text(&case, "access_key_id"),
            text(&case, "access_key_secret"),
            query(&case),
            headers(&case),
            text(&case, "payload_hash"),
        );
        assert_eq!(
            signed.canonical_query,
            text(&case, "canonical_query"),
            "{name}"
        );
        assert_eq!(
            signed.canonical_request,
            text(&case, "canonical_request"),
            "{name}"
        );
        assert_eq!(
            v3::hex_sha256(signed.canonical_request.as_bytes()),
            text(&case, "hashed_canonical_request"),
            "{name}"
        );
        assert_eq!(
            signed.string_to_sign,
            text(&case, "string_to_sign"),
            "{name}"
        );
        assert_eq!(signed.signature, text(&case, "signature"), "{name}");
        assert_eq!(signed.authorization, text(&case, "authorization"), "{name}");
        if let Some(body) = case["body"].as_str() {
            assert_eq!(v3::hex_sha256(body.as_bytes()), text(&case, "payload_hash"));
        }
    }
}

#[test]
fn the_client_path_reproduces_the_documentation_vector() {
    let case = &vectors()[0];
    let header = |name: &str| case["headers"][name].as_str().unwrap();
    let headers = RequestHeaders {
        host: header("host"),
        content_type: None,
        action: header("x-acs-action"),
        content_sha256: header("x-acs-content-sha256"),
        date: header("x-acs-date"),
        security_token: None,
        nonce: header("x-acs-signature-nonce"),
        version: header("x-acs-version"),
    };
    let key = SigningKeyV3::new(text(case, "access_key_secret"));
    let (mut signed_query, mut authorization) = (String::new(), String::new());
    key.sign_into(
        &mut signed_query,
        &mut authorization,
        text(case, "method"),
        text(case, "access_key_id"),
        query(case),
        &headers,
    );
    assert_eq!(signed_query, text(case, "canonical_query"));
    assert_eq!(authorization, text(case, "authorization"));
}

#[test]
fn a_changed_byte_changes_the_signature() {
    let case = &vectors()[0];
    let sign = |secret: &str, date: &str| {
        let mut headers = headers(case);
        for header in &mut headers {
            if header.0 == "x-acs-date" {
                header.1 = date;
            }
        }
        v3::sign_v3(
            "POST",
            "YourAccessKeyId",
            secret,
            query(case),
            headers,
            v3::EMPTY_PAYLOAD_SHA256,
        )
        .signature
    };
    let expected = text(case, "signature");
    assert_eq!(
        sign("YourAccessKeySecret", "2023-10-26T10:22:32Z"),
        expected
    );
    assert_ne!(
        sign("YourAccessKeySecreT", "2023-10-26T10:22:32Z"),
        expected
    );
    assert_ne!(
        sign("YourAccessKeySecret", "2023-10-26T10:22:33Z"),
        expected
    );
}
