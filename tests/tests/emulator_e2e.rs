//! The real client against the emulator over loopback: what a user of the
//! SDK sees for success, documented errors, gateway refusals, refused
//! requests, broken answers, temporary credentials and concurrency.

use ehpc_emulator::{AccessKey, Emulator, Fault, Times};
use ehpc_sdk::operation::stop_visual_service::StopVisualServiceError;
use ehpc_sdk::{Client, Credentials, Error, RetryConfig};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const ACTION: &str = "StopVisualService";

/// A client for `emulator` that sends each call once, so every answer the
/// emulator gives is the one the test sees.
fn client(emulator: &Emulator, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(credentials)
        .retry_config(RetryConfig::disabled())
        .build()
        .unwrap()
}

fn default_credentials() -> Credentials {
    Credentials::new(
        ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
        ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET,
    )
}

async fn stop(
    client: &Client,
) -> Result<
    ehpc_sdk::operation::stop_visual_service::StopVisualServiceResponse,
    Error<StopVisualServiceError>,
> {
    client
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
        .send()
        .await
}

/// The variant an error landed in, by name.
fn variant(error: &StopVisualServiceError) -> &'static str {
    use StopVisualServiceError::*;
    match error {
        InvalidParams(_) => "InvalidParams",
        NotEnabled(_) => "NotEnabled",
        InDebt(_) => "InDebt",
        InvalidClusterStatus(_) => "InvalidClusterStatus",
        ConflictOpt(_) => "ConflictOpt",
        AgentError(_) => "AgentError",
        ExecFail(_) => "ExecFail",
        ClusterNotFound(_) => "ClusterNotFound",
        AliyunError(_) => "AliyunError",
        NotAuthorized(_) => "NotAuthorized",
        PartFailure(_) => "PartFailure",
        UnknownError(_) => "UnknownError",
        ServiceUnavailable(_) => "ServiceUnavailable",
        Unhandled(_) => "Unhandled",
        _ => "a variant this test does not know",
    }
}

/// The request id the emulator answered its last request with.
fn last_request_id(emulator: &Emulator) -> String {
    emulator
        .requests()
        .last()
        .and_then(|r| r.request_id.clone())
        .expect("the emulator answered a request")
}

#[tokio::test]
async fn a_call_returns_the_answer_with_the_emulators_request_id() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, default_credentials());
    let answer = stop(&client).await.unwrap();
    assert_eq!(answer.request_id(), last_request_id(&emulator));
    assert_eq!(answer.message.as_deref(), Some("Service stopped"));
    let sent = &emulator.requests()[0];
    assert_eq!(sent.action.as_deref(), Some(ACTION));
    assert_eq!(sent.param("ClusterId"), Some("ehpc-hz-jeJki6****"));
    assert_eq!(sent.param("CidrIp"), Some("192.168.0.0/24"));
    assert_eq!(sent.param("Port"), Some("12016"));
    assert_eq!(sent.status, Some(200));
}

#[tokio::test]
async fn each_documented_error_arrives_as_its_own_variant_intact() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, default_credentials());
    let documented = emulator.catalog().operation(ACTION).unwrap().errors.clone();
    assert_eq!(documented.len(), 13);
    let mut variants = HashSet::new();
    for expected in &documented {
        emulator
            .inject(ACTION, Fault::service_error(&expected.code), Times::Next(1))
            .unwrap();
        let error = match stop(&client).await {
            Err(Error::Service(error)) => error,
            other => panic!("{}: expected a service error, got {other:?}", expected.code),
        };
        assert_eq!(variant(&error), expected.code);
        assert_eq!(error.code(), expected.code);
        assert_eq!(error.message(), expected.message);
        assert_eq!(error.status(), expected.status);
        assert_eq!(
            error.request_id(),
            Some(last_request_id(&emulator).as_str())
        );
        variants.insert(variant(&error));
    }
    assert_eq!(variants.len(), 13);
}

#[tokio::test]
async fn gateway_refusals_are_inspectable() {
    let emulator = Emulator::start().await.unwrap();
    let wrong_secret = client(
        &emulator,
        Credentials::new(ehpc_emulator::DEFAULT_ACCESS_KEY_ID, "not-the-secret"),
    );
    let unknown_key = client(&emulator, Credentials::new("nobody", "whatever"));
    for (client, code, status) in [
        (wrong_secret, "SignatureDoesNotMatch", 400),
        (unknown_key, "InvalidAccessKeyId.NotFound", 404),
    ] {
        let error = stop(&client).await.unwrap_err();
        assert_eq!(error.code(), Some(code));
        assert_eq!(error.status(), Some(status));
        let Error::Service(service) = &error else {
            panic!("expected a service error, got {error:?}");
        };
        assert_eq!(variant(service), "Unhandled");
        assert_eq!(service.code(), code);
        assert_eq!(service.status(), status);
        assert!(!service.message().is_empty());
        assert_eq!(
            service.request_id(),
            Some(last_request_id(&emulator).as_str())
        );
        assert!(error.to_string().contains(code), "{error}");
    }
    let signature_error = emulator.requests()[0].clone();
    assert_eq!(
        signature_error.code.as_deref(),
        Some("SignatureDoesNotMatch")
    );
}

#[tokio::test]
async fn a_missing_required_parameter_never_leaves_the_client() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, default_credentials());
    let error = client
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .port(12016)
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::InvalidRequest(invalid) => assert_eq!(invalid.parameter, "CidrIp"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert!(
        emulator.requests().is_empty(),
        "nothing reached the emulator"
    );
    // The emulator does receive a complete call, so its log is live.
    stop(&client).await.unwrap();
    assert_eq!(emulator.requests().len(), 1);
}

#[tokio::test]
async fn unparseable_bodies_are_response_errors_with_their_status() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, default_credentials());
    for (fault, status) in [
        (Fault::html(502), 502),
        (Fault::empty_body(503), 503),
        (Fault::truncated_json(200), 200),
        (Fault::malformed_json(200), 200),
        (Fault::truncated_json(500), 500),
    ] {
        emulator
            .inject(ACTION, fault.clone(), Times::Next(1))
            .unwrap();
        match stop(&client).await {
            Err(Error::Response(error)) => {
                assert_eq!(error.status(), status, "{fault:?}");
                assert_eq!(emulator.requests().last().unwrap().status, Some(status));
            }
            other => panic!("{fault:?}: expected a response error, got {other:?}"),
        }
    }
    stop(&client).await.unwrap();
}

#[tokio::test]
async fn a_security_token_is_sent_and_signed() {
    let emulator = Emulator::builder()
        .access_key(AccessKey::new("sts-id", "sts-secret").with_security_token("sts-token"))
        .start()
        .await
        .unwrap();
    let with_token = client(
        &emulator,
        Credentials::new("sts-id", "sts-secret").with_security_token("sts-token"),
    );
    stop(&with_token).await.unwrap();
    let sent = emulator.requests()[0].clone();
    assert_eq!(sent.param("SecurityToken"), Some("sts-token"));
    assert_eq!(sent.status, Some(200), "the signature covered the token");

    let without_token = client(&emulator, Credentials::new("sts-id", "sts-secret"));
    let error = stop(&without_token).await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidSecurityToken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_sixty_four_at_a_time_reuse_no_nonce() {
    const CALLS: usize = 10_000;
    const CONCURRENCY: usize = 64;
    // The log keeps every call of this test.
    let emulator = Emulator::builder()
        .request_log_capacity(CALLS)
        .start()
        .await
        .unwrap();
    let client = client(&emulator, default_credentials());
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next) = (client.clone(), Arc::clone(&next));
        workers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < CALLS {
                let answer = stop(&client).await.unwrap_or_else(|e| panic!("{e:#}"));
                ids.push(answer.request_id);
            }
            ids
        }));
    }
    let mut answered = HashSet::new();
    for worker in workers {
        answered.extend(worker.await.unwrap());
    }
    assert_eq!(answered.len(), CALLS, "every call got its own answer");

    let log = emulator.requests();
    assert_eq!(log.len(), CALLS);
    assert!(log.iter().all(|r| r.status == Some(200)));
    let nonces: HashSet<&str> = log
        .iter()
        .map(|r| {
            r.param("SignatureNonce")
                .expect("every request has a nonce")
        })
        .collect();
    assert_eq!(nonces.len(), CALLS, "a nonce was reused");
}
