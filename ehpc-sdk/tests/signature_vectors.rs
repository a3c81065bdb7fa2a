//! The public RPC signature 1.0 vectors, reproduced by `ehpc_sdk::signing`.

use ehpc_sdk::signing;
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("data/rpc-signature-v1-vectors.json");
    serde_json::from_str(text).expect("the vectors file is JSON")
}

fn cases<'a>(vectors: &'a Value, key: &str) -> &'a Vec<Value> {
    let cases = vectors[key].as_array().expect("a list of cases");
    assert!(!cases.is_empty(), "no `{key}` cases");
    cases
}

#[test]
fn full_requests_reproduce_string_to_sign_and_signature() {
    let vectors = vectors();
    let mut signed_count = 0;
    for case in cases(&vectors, "rpc_v1") {
        let id = case["id"].as_str().unwrap();
        let params: Vec<(&str, &str)> = case["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
            .collect();
        let method = case["method"].as_str().unwrap();
        let query = signing::canonical_query(params.iter().copied());
        assert_eq!(
            signing::string_to_sign(method, &query),
            case["string_to_sign"].as_str().unwrap(),
            "string to sign of {id}"
        );
        // Some vectors give the string to sign only.
        let Some(secret) = case["secret"].as_str() else {
            continue;
        };
        let signed = signing::sign_params(method, secret, params.iter().copied());
        assert_eq!(
            signed.signature,
            case["signature"].as_str().unwrap(),
            "signature of {id}"
        );
        assert!(
            signed.query.ends_with(&format!(
                "&Signature={}",
                signing::percent_encode(&signed.signature)
            )),
            "signed query of {id} carries the signature"
        );
        signed_count += 1;
    }
    assert!(signed_count >= 5, "every vector with a secret was signed");
}

#[test]
fn percent_encoding_cases() {
    let vectors = vectors();
    for case in cases(&vectors, "percent_encode") {
        assert_eq!(
            signing::percent_encode(case["input"].as_str().unwrap()),
            case["output"].as_str().unwrap(),
            "{}",
            case["id"]
        );
    }
}

#[test]
fn raw_hmac_sha1_cases() {
    let vectors = vectors();
    for case in cases(&vectors, "raw_hmac_sha1_no_ampersand") {
        let key = case["key"].as_str().unwrap();
        let message = case["message"].as_str().unwrap();
        assert_eq!(
            signing::hmac_sha1_base64(key.as_bytes(), message.as_bytes()),
            case["base64"].as_str().unwrap(),
            "{}",
            case["id"]
        );
    }
}
