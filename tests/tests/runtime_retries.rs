//! The retry policy and the timeouts, through the emulator's fault
//! injection.

mod runtime_support;

use ehpc_emulator::{Emulator, Fault, Times};
use ehpc_sdk::operation::describe_cluster::DescribeClusterCall;
use ehpc_sdk::{CallOptions, Client, RetryConfig};
use runtime_support::{builder_for, calls_of, stop_call};
use std::time::Duration;

const ACTION: &str = "StopVisualService";

/// Short backoffs keep the tests quick; the policy is otherwise standard.
fn quick_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(20))
}

fn client(emulator: &Emulator) -> Client {
    builder_for(emulator)
        .retry_config(quick_retries())
        .build()
        .unwrap()
}

/// A read-only operation: timeouts and broken connections after sending
/// may be retried for it.
const READ_ONLY: &str = "DescribeCluster";

fn describe_call(client: &Client) -> DescribeClusterCall {
    client.describe_cluster().cluster_id("ehpc-hz-FYUr32****")
}

#[tokio::test]
async fn a_503_then_success_succeeds_in_two_attempts_each_signed_afresh() {
    let emulator = examples_only().await;
    emulator
        .inject(ACTION, Fault::ServiceUnavailable, Times::Next(1))
        .unwrap();
    let answer = stop_call(&client(&emulator)).send().await.unwrap();
    let calls = calls_of(&emulator, ACTION);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].status, Some(503));
    assert_eq!(calls[1].status, Some(200));
    assert_eq!(
        calls[1].request_id.as_deref(),
        Some(answer.request_id.as_str())
    );
    // A fresh nonce and signature per attempt: the emulator refuses a
    // reused nonce, and the second attempt was accepted.
    assert_ne!(
        calls[0].param("SignatureNonce"),
        calls[1].param("SignatureNonce")
    );
    assert_ne!(calls[0].param("Signature"), calls[1].param("Signature"));
}

#[tokio::test]
async fn three_throttling_answers_exhaust_the_policy_and_return_the_last_error() {
    let emulator = examples_only().await;
    emulator
        .inject(ACTION, Fault::Throttling, Times::Next(3))
        .unwrap();
    let error = stop_call(&client(&emulator)).send().await.unwrap_err();
    assert!(error.is_throttling(), "{error}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.code(), Some("Throttling.User"));
    let calls = calls_of(&emulator, ACTION);
    assert_eq!(calls.len(), 3);
    // The last answer is the one returned.
    assert_eq!(error.request_id(), calls[2].request_id.as_deref());
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn non_retryable_codes_are_answered_after_one_attempt() {
    let emulator = examples_only().await;
    let client = client(&emulator);
    emulator
        .inject(
            ACTION,
            Fault::service_error("ClusterNotFound"),
            Times::Next(1),
        )
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    assert_eq!(error.code(), Some("ClusterNotFound"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(calls_of(&emulator, ACTION).len(), 1);

    emulator.clear_requests();
    emulator
        .inject(
            ACTION,
            Fault::error(403, "Forbidden.RAM", "not allowed"),
            Times::Next(1),
        )
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    assert_eq!(error.code(), Some("Forbidden.RAM"));
    assert_eq!(calls_of(&emulator, ACTION).len(), 1);
}

#[tokio::test]
async fn codes_the_spec_marks_retryable_are_retried() {
    let emulator = examples_only().await;
    // ConflictOpt (HTTP 403) is retryable in StopVisualService's spec.
    emulator
        .inject(ACTION, Fault::service_error("ConflictOpt"), Times::Next(1))
        .unwrap();
    stop_call(&client(&emulator)).send().await.unwrap();
    assert_eq!(calls_of(&emulator, ACTION).len(), 2);
}

#[tokio::test]
async fn a_5xx_proxy_page_is_retried() {
    let emulator = examples_only().await;
    emulator
        .inject(ACTION, Fault::html(502), Times::Next(1))
        .unwrap();
    stop_call(&client(&emulator)).send().await.unwrap();
    assert_eq!(calls_of(&emulator, ACTION).len(), 2);
}

#[tokio::test]
async fn one_attempt_per_call_turns_retries_off() {
    let emulator = examples_only().await;
    emulator
        .inject(ACTION, Fault::ServiceUnavailable, Times::Next(1))
        .unwrap();
    let error = stop_call(&client(&emulator))
        .with_options(CallOptions::new().with_max_attempts(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ServiceUnavailable"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(calls_of(&emulator, ACTION).len(), 1);
}

#[tokio::test]
async fn a_slow_answer_hits_the_attempt_timeout_and_a_write_is_not_repeated() {
    let emulator = examples_only().await;
    emulator
        .inject(ACTION, Fault::delay(Duration::from_secs(3)), Times::Always)
        .unwrap();
    let error = stop_call(&client(&emulator))
        .with_options(CallOptions::new().with_attempt_timeout(Duration::from_millis(200)))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(
        format!("{error:#}").contains("attempt timeout"),
        "{error:#}"
    );
    // The request was sent: repeating a write could apply it twice.
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_read_only_operation_is_retried_after_a_timeout() {
    let emulator = examples_only().await;
    emulator
        .inject(
            READ_ONLY,
            Fault::delay(Duration::from_secs(3)),
            Times::Next(1),
        )
        .unwrap();
    let options = CallOptions::new().with_attempt_timeout(Duration::from_millis(300));
    describe_call(&client(&emulator))
        .with_options(options)
        .send()
        .await
        .unwrap();
    // The first attempt could only end by its timeout (the answer takes
    // 3 s); the success is the second attempt's. The emulator logs the
    // delayed request only once it answers, so the log is not read here.
}

#[tokio::test]
async fn a_broken_connection_is_retried_only_for_read_only_operations() {
    let emulator = examples_only().await;
    let client = client(&emulator);
    emulator
        .inject(READ_ONLY, Fault::DropConnection, Times::Next(1))
        .unwrap();
    describe_call(&client).send().await.unwrap();
    assert_eq!(calls_of(&emulator, READ_ONLY).len(), 2);

    emulator
        .inject(ACTION, Fault::DropConnection, Times::Next(1))
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    assert!(matches!(error, ehpc_sdk::Error::Transport(_)), "{error}");
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn an_operation_timeout_stops_retries() {
    let emulator = examples_only().await;
    emulator
        .inject(
            READ_ONLY,
            Fault::delay(Duration::from_secs(2)),
            Times::Always,
        )
        .unwrap();
    let options = CallOptions::new()
        .with_max_attempts(10)
        .with_attempt_timeout(Duration::from_millis(150))
        .with_operation_timeout(Duration::from_millis(400));
    let error = describe_call(&client(&emulator))
        .with_options(options)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(
        format!("{error:#}").contains("operation timeout"),
        "{error:#}"
    );
    // Attempts of 150 ms fit about three times into 400 ms; far fewer than
    // the ten allowed.
    assert!((2..10).contains(&error.attempts()), "{}", error.attempts());
}

#[tokio::test]
async fn a_refused_connection_is_retried_up_to_the_limit() {
    // A port that was just free: nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(runtime_support::emulator_key())
        .retry_config(quick_retries())
        .build()
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    match &error {
        ehpc_sdk::Error::Transport(transport) => assert!(transport.is_connect(), "{error:#}"),
        other => panic!("expected a connection failure, got {other}"),
    }
    assert_eq!(error.attempts(), 3);
}

/// The calls here name a cluster that does not exist; they are about
/// retries, so every operation answers from its examples.
async fn examples_only() -> Emulator {
    Emulator::builder().examples_only().start().await.unwrap()
}
