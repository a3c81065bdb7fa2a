//! Signature V3 (`ACS3-HMAC-SHA256`) end to end: the client signs with it
//! when asked, the emulator verifies it with the gateway's codes, retries
//! sign afresh, and nothing secret shows in `Debug`, errors or traces.

mod runtime_support;

use ehpc_emulator::{AccessKey, Emulator, Fault, Times};
use ehpc_sdk::signing::v3;
use ehpc_sdk::{Client, Credentials, RetryConfig, SignatureVersion};
use runtime_support::{calls_of, emulator_key, stop_call};
use serde_json::Value;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "temporary/token+with=signs";

fn v3_client(emulator: &Emulator, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(credentials)
        .signature_version(SignatureVersion::V3)
        .retry_config(RetryConfig::standard().with_base_delay(Duration::from_millis(5)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn v3_requests_carry_headers_not_signature_parameters() {
    let emulator = Emulator::start().await.unwrap();
    let client = v3_client(&emulator, emulator_key());
    stop_call(&client).send().await.unwrap();
    client
        .stop_serverless_jobs()
        .cluster_id("ehpc-hz-1")
        .job_ids(vec!["a b".to_string(), "中文".to_string()])
        .send()
        .await
        .unwrap();

    let records = emulator.requests();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!(record.status, Some(200), "{record:?}");
        for name in [
            "Signature",
            "SignatureNonce",
            "AccessKeyId",
            "Timestamp",
            "SignatureMethod",
        ] {
            assert_eq!(record.param(name), None, "{name} in {record:?}");
        }
        let authorization = record.header("authorization").unwrap();
        assert!(
            authorization.starts_with(&format!(
                "ACS3-HMAC-SHA256 Credential={},SignedHeaders=",
                ehpc_emulator::DEFAULT_ACCESS_KEY_ID
            )),
            "{authorization}"
        );
        assert_eq!(
            record.header("x-acs-version"),
            Some(ehpc_sdk::service::API_VERSION)
        );
        assert!(record.header("x-acs-date").unwrap().ends_with('Z'));
        assert_eq!(record.header("x-acs-security-token"), None);
    }
    assert_eq!(records[0].action.as_deref(), Some("StopVisualService"));
    assert_eq!(records[0].header("x-acs-action"), Some("StopVisualService"));
    assert_eq!(
        records[0].header("x-acs-content-sha256"),
        Some(v3::EMPTY_PAYLOAD_SHA256)
    );
    assert_eq!(records[1].param("JobIds.2"), Some("中文"));
    // A POST operation: its `in: query` parameters in the URL query, no
    // body, so the hash of nothing and no content type.
    assert_eq!(records[1].method, "POST");
    assert_eq!(
        records[1].header("x-acs-content-sha256"),
        Some(v3::EMPTY_PAYLOAD_SHA256)
    );
    assert_eq!(records[1].header("content-type"), None);
}

#[tokio::test]
async fn temporary_credentials_travel_in_the_security_token_header() {
    let emulator = Emulator::builder()
        .access_key(AccessKey::new("sts-id", "sts-secret").with_security_token(TOKEN))
        .start()
        .await
        .unwrap();
    let client = v3_client(
        &emulator,
        Credentials::new("sts-id", "sts-secret").with_security_token(TOKEN),
    );
    stop_call(&client).send().await.unwrap();
    let record = &emulator.requests()[0];
    assert_eq!(record.header("x-acs-security-token"), Some(TOKEN));
    assert!(record
        .header("authorization")
        .unwrap()
        .contains(";x-acs-security-token;"));

    let wrong_token = v3_client(
        &emulator,
        Credentials::new("sts-id", "sts-secret").with_security_token("other"),
    );
    let error = stop_call(&wrong_token).send().await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidSecurityToken"));
    let no_token = v3_client(&emulator, Credentials::new("sts-id", "sts-secret"));
    let error = stop_call(&no_token).send().await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidSecurityToken"));
}

#[tokio::test]
async fn a_wrong_secret_or_key_gets_the_gateway_codes() {
    let emulator = Emulator::start().await.unwrap();
    let wrong_secret = v3_client(
        &emulator,
        Credentials::new(ehpc_emulator::DEFAULT_ACCESS_KEY_ID, "not-the-secret"),
    );
    let error = stop_call(&wrong_secret).send().await.unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"), "{error:#}");
    let message = format!("{error:#}");
    // The server's canonical request and string to sign, for a user to
    // diff with their own.
    assert!(message.contains("canonical request"), "{message}");
    assert!(
        message.contains("x-acs-action:StopVisualService"),
        "{message}"
    );
    assert!(message.contains("ACS3-HMAC-SHA256\\n"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");

    let unknown = v3_client(&emulator, Credentials::new("nobody", "secret"));
    let error = stop_call(&unknown).send().await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidAccessKeyId.NotFound"));
}

#[tokio::test]
async fn retries_sign_again_with_a_fresh_nonce() {
    let emulator = Emulator::start().await.unwrap();
    let client = v3_client(&emulator, emulator_key());
    emulator
        .inject(
            "StopVisualService",
            Fault::ServiceUnavailable,
            Times::Next(2),
        )
        .unwrap();
    stop_call(&client).send().await.unwrap();
    let calls = calls_of(&emulator, "StopVisualService");
    let statuses: Vec<_> = calls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
    let mut nonces: Vec<_> = calls
        .iter()
        .map(|c| c.header("x-acs-signature-nonce").unwrap().to_string())
        .collect();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "one nonce per attempt: {nonces:?}");
    let signatures: std::collections::HashSet<_> =
        calls.iter().map(|c| c.header("authorization")).collect();
    assert_eq!(signatures.len(), 3, "one signature per attempt");
}

#[test]
fn v1_is_the_default_and_debug_shows_no_secret() {
    assert_eq!(SignatureVersion::default(), SignatureVersion::V1);
    let builder = Client::builder()
        .region("cn-hangzhou")
        .credentials(
            Credentials::new("visible-id", "hidden-secret").with_security_token("hidden-token"),
        )
        .signature_version(SignatureVersion::V3);
    let client = builder.clone().build().unwrap();
    for shown in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(shown.contains("V3"), "{shown}");
        assert!(!shown.contains("hidden-secret"), "{shown}");
        assert!(!shown.contains("hidden-token"), "{shown}");
    }
    let key = format!("{:?}", v3::SigningKeyV3::new("hidden-secret"));
    assert!(!key.contains("hidden-secret"));
}

/// A raw V3 request to the emulator, signed by the step-by-step signer:
/// the checks a well-behaved client never trips.
struct Raw {
    date: String,
    nonce: String,
    secret: String,
    authorization: Option<String>,
}

impl Raw {
    fn new(nonce: &str) -> Raw {
        Raw {
            date: ehpc_sdk::signing::timestamp(SystemTime::now()),
            nonce: nonce.to_string(),
            secret: ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET.to_string(),
            authorization: None,
        }
    }

    async fn send(&self, emulator: &Emulator) -> (u16, Value) {
        let host = emulator.addr().to_string();
        let query = [
            ("ClusterId", "ehpc-hz-1"),
            ("CidrIp", "10.0.0.0/8"),
            ("Port", "1"),
        ];
        let headers = [
            ("host", host.as_str()),
            ("x-acs-action", "StopVisualService"),
            ("x-acs-version", ehpc_sdk::service::API_VERSION),
            ("x-acs-date", self.date.as_str()),
            ("x-acs-signature-nonce", self.nonce.as_str()),
            ("x-acs-content-sha256", v3::EMPTY_PAYLOAD_SHA256),
        ];
        let signed = v3::sign_v3(
            "GET",
            ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
            &self.secret,
            query,
            headers,
            v3::EMPTY_PAYLOAD_SHA256,
        );
        let authorization = self.authorization.clone().unwrap_or(signed.authorization);
        let mut text = format!("GET /?{} HTTP/1.1\r\n", signed.canonical_query);
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!(
            "authorization: {authorization}\r\nconnection: close\r\n\r\n"
        ));
        let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
        stream.write_all(text.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8(answer).unwrap();
        let status: u16 = answer[9..12].parse().unwrap();
        let body = answer.split_once("\r\n\r\n").unwrap().1;
        // The emulator answers with a length, not chunks.
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn the_emulator_refuses_replays_stale_dates_and_partial_authorizations() {
    let emulator = Emulator::start().await.unwrap();
    let (status, body) = Raw::new("nonce-1").send(&emulator).await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = Raw::new("nonce-1").send(&emulator).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureNonceUsed"))
    );

    let mut stale = Raw::new("nonce-2");
    stale.date = ehpc_sdk::signing::timestamp(SystemTime::now() - Duration::from_secs(16 * 60));
    let (status, body) = stale.send(&emulator).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("InvalidTimeStamp.Expired"))
    );

    for partial in [
        "ACS3-HMAC-SHA256 Credential=emulator-key,SignedHeaders=host;x-acs-date",
        "ACS3-HMAC-SHA256 Credential=emulator-key",
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SHA256 Credential=emulator-key,SignedHeaders=host,Signature=00",
    ] {
        let mut raw = Raw::new("nonce-3");
        raw.authorization = Some(partial.to_string());
        let (status, body) = raw.send(&emulator).await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("IncompleteSignature")),
            "{partial}: {body}"
        );
    }

    let mut wrong = Raw::new("nonce-4");
    wrong.secret = "wrong".to_string();
    let (status, body) = wrong.send(&emulator).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureDoesNotMatch"))
    );
    let message = body["Message"].as_str().unwrap();
    assert!(message.contains("Server string to sign is"), "{message}");
    // The nonce of a refused request stays unused.
    let (status, _) = Raw::new("nonce-4").send(&emulator).await;
    assert_eq!(status, 200);
}
