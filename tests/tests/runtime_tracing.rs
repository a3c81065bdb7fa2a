//! Spans and events of calls: what they carry, and that no secret, token
//! or signature is among it.

mod runtime_support;

use ehpc_emulator::{AccessKey, Emulator, Fault, Times};
use ehpc_sdk::credentials::AssumeRoleProvider;
use ehpc_sdk::{Client, Credentials, RetryConfig, SignatureVersion};
use runtime_support::{calls_of, emulator_key, stop_call};
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes every span, field record and event as a line of text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.lines.lock().unwrap().clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut line = format!("span {id} {}:", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut line = format!("record {}:", span.into_u64());
        values.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}:", event.metadata().level());
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn calls_and_attempts_are_traced_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let emulator = Emulator::start().await.unwrap();
    let role = AssumeRoleProvider::builder("acs:ram::1234567890123456:role/traced", emulator_key())
        .endpoint(emulator.endpoint())
        .build();
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials_provider(role)
        .retry_config(RetryConfig::standard().with_base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    emulator
        .inject(
            "StopVisualService",
            Fault::ServiceUnavailable,
            Times::Next(1),
        )
        .unwrap();
    let answer = stop_call(&client).send().await.unwrap();

    // A call whose error message quotes the string-to-sign, token included.
    let temporary = calls_of(&emulator, "StopVisualService")[1].clone();
    let token = temporary.param("SecurityToken").unwrap().to_string();
    let wrong = Credentials::new(temporary.param("AccessKeyId").unwrap(), "wrong-secret")
        .with_security_token(&token);
    let failing = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(wrong)
        .build()
        .unwrap();
    let error = stop_call(&failing).send().await.unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));

    let text = capture.text();
    // What a reader needs: action, attempt numbers, statuses, request id,
    // latency, and why a retry happened.
    assert!(
        text.contains("ehpc_call: action=\"StopVisualService\""),
        "{text}"
    );
    assert!(text.contains("ehpc_attempt: attempt=1"), "{text}");
    assert!(text.contains("ehpc_attempt: attempt=2"), "{text}");
    assert!(text.contains("status=503"), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("attempts=2"), "{text}");
    assert!(text.contains(&answer.request_id), "{text}");
    assert!(text.contains("latency_ms="), "{text}");
    assert!(text.contains("reason=\"transient\""), "{text}");
    assert!(text.contains("code=\"SignatureDoesNotMatch\""), "{text}");

    // What it must never show.
    let mut secrets = vec![
        ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET.to_string(),
        "wrong-secret".to_string(),
        token.clone(),
        ehpc_sdk::signing::percent_encode(&token),
        ehpc_sdk::signing::percent_encode(&ehpc_sdk::signing::percent_encode(&token)),
    ];
    for record in emulator.requests() {
        secrets.extend(record.param("Signature").map(str::to_string));
        secrets.extend(record.param("SecurityToken").map(str::to_string));
    }
    let error_text = format!("{error} {error:#} {error:?}");
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "the trace shows {secret}");
        assert!(
            !error_text.contains(secret.as_str()),
            "the error shows {secret}"
        );
    }
}

#[tokio::test]
async fn v3_calls_are_traced_without_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let token = "v3-token/with+signs=";
    let emulator = Emulator::builder()
        .access_key(AccessKey::new("v3-id", "v3-secret").with_security_token(token))
        .start()
        .await
        .unwrap();
    let client_with = |secret: &str| {
        Client::builder()
            .endpoint(emulator.endpoint())
            .credentials(Credentials::new("v3-id", secret).with_security_token(token))
            .signature_version(SignatureVersion::V3)
            .retry_config(RetryConfig::standard().with_base_delay(Duration::from_millis(5)))
            .build()
            .unwrap()
    };
    emulator
        .inject(
            "StopVisualService",
            Fault::ServiceUnavailable,
            Times::Next(1),
        )
        .unwrap();
    stop_call(&client_with("v3-secret")).send().await.unwrap();
    // The error message quotes the canonical request, token included.
    let error = stop_call(&client_with("wrong-secret"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));

    let text = capture.text();
    assert!(text.contains("attempts=2"), "{text}");
    assert!(text.contains("code=\"SignatureDoesNotMatch\""), "{text}");
    let mut secrets = vec![
        "v3-secret".to_string(),
        "wrong-secret".to_string(),
        token.to_string(),
    ];
    for record in emulator.requests() {
        let authorization = record.header("authorization").unwrap();
        let signature = authorization.rsplit_once("Signature=").unwrap().1;
        secrets.push(signature.to_string());
    }
    assert_eq!(secrets.len(), 6, "three calls signed");
    let error_text = format!("{error} {error:#} {error:?}");
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "the trace shows {secret}");
        assert!(
            !error_text.contains(secret.as_str()),
            "the error shows {secret}"
        );
    }
}

#[tokio::test]
async fn throttling_and_the_wait_asked_for_are_traced() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // One call, then a token every 20 ms: the second call is throttled
    // once and told how long to wait.
    let emulator = Emulator::builder()
        .examples_only()
        .qps(
            "StopVisualService",
            ehpc_emulator::Qps::new(50.0).with_burst(1),
        )
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator_key())
        .build()
        .unwrap();
    stop_call(&client).send().await.unwrap();
    stop_call(&client).send().await.unwrap();
    let text = capture.text();
    assert!(text.contains("throttled by the service"), "{text}");
    assert!(text.contains("retry_after_ms="), "{text}");
    assert!(text.contains("reason=\"throttling\""), "{text}");
    assert!(text.contains("throttled=1"), "{text}");
    assert!(text.contains("code=\"Throttling.User\""), "{text}");
}
