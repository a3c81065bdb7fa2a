//! The emulator checks requests as the service does and answers in its
//! terms. Requests are built and signed by hand here.

mod support;

use ehpc_emulator::{AccessKey, Emulator, Fault, Times};
use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};
use support::*;

async fn emulator() -> Emulator {
    Emulator::start().await.unwrap()
}

fn assert_request_id(id: &str) {
    let lengths: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(lengths, [8, 4, 4, 4, 12], "`{id}` is not UUID-shaped");
}

#[tokio::test]
async fn a_signed_get_gets_the_spec_example_with_a_fresh_request_id() {
    let emulator = emulator().await;
    let mut ids = HashSet::new();
    for _ in 0..3 {
        let answer = get(
            emulator.addr(),
            &signed("GET", SECRET, stop_visual_service()),
        )
        .await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        let body = answer.json();
        assert_eq!(body["Message"], "Service stopped");
        let id = body["RequestId"].as_str().unwrap().to_string();
        assert_request_id(&id);
        assert_ne!(
            id, "896D338C-E4F4-41EC-A154-D605E5DE6880",
            "the example id is replaced"
        );
        assert!(answer
            .head
            .to_ascii_lowercase()
            .contains(&format!("x-acs-request-id: {}", id.to_ascii_lowercase())));
        ids.insert(id);
    }
    assert_eq!(ids.len(), 3);
    let log = emulator.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].action.as_deref(), Some("StopVisualService"));
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].param("Port"), Some("12016"));
    assert_eq!(log[0].status, Some(200));
    assert!(ids.contains(log[0].request_id.as_deref().unwrap()));
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
}

#[tokio::test]
async fn post_form_bodies_are_signed_with_post() {
    let emulator = emulator().await;
    let answer = post(
        emulator.addr(),
        &signed("POST", SECRET, stop_visual_service()),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(emulator.requests()[0].method, "POST");

    let signed_for_get = signed("GET", SECRET, stop_visual_service());
    let answer = post(emulator.addr(), &signed_for_get).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn a_wrong_secret_is_told_the_servers_string_to_sign() {
    let emulator = emulator().await;
    let params = stop_visual_service();
    let expected = string_to_sign("GET", &params);
    let answer = get(emulator.addr(), &signed("GET", "not-the-secret", params)).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
    assert!(
        answer.message().ends_with(&expected),
        "`{}` should end with `{expected}`",
        answer.message()
    );
    let body = answer.json();
    for key in ["RequestId", "HostId", "Code", "Message", "Recommend"] {
        assert!(body[key].is_string(), "error body lacks {key}: {body}");
    }
    assert_request_id(body["RequestId"].as_str().unwrap());
}

#[tokio::test]
async fn unknown_keys_missing_and_unsupported_common_parameters_are_refused() {
    let emulator = emulator().await;
    let addr = emulator.addr();

    let mut params = stop_visual_service();
    set(&mut params, "AccessKeyId", "nobody");
    let answer = get(addr, &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAccessKeyId.NotFound")
    );

    for name in ["AccessKeyId", "Signature"] {
        let mut params = signed("GET", SECRET, stop_visual_service());
        remove(&mut params, name);
        let answer = get(addr, &params).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "IncompleteSignature"),
            "{name}"
        );
        assert!(answer.message().contains(name));
    }
    for name in [
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "Action",
        "Version",
    ] {
        let mut params = stop_visual_service();
        remove(&mut params, name);
        let answer = get(addr, &signed("GET", SECRET, params)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "MissingParameter"),
            "{name}"
        );
        assert!(answer.message().contains(name), "{}", answer.message());
    }
    for (name, value) in [
        ("SignatureMethod", "HMAC-SHA256"),
        ("SignatureVersion", "2.0"),
        ("Format", "XML"),
    ] {
        let mut params = stop_visual_service();
        set(&mut params, name, value);
        let answer = get(addr, &signed("GET", SECRET, params)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "InvalidParameter"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn actions_and_versions_must_exist() {
    let emulator = emulator().await;
    let mut params = stop_visual_service();
    set(&mut params, "Action", "StopEverything");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "InvalidAction.NotFound")
    );

    let mut params = stop_visual_service();
    set(&mut params, "Version", "2019-01-01");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "InvalidVersion")
    );
    assert!(answer.message().contains("2018-04-12"));
    assert!(answer.message().contains("2024-07-30"));
}

#[tokio::test]
async fn a_nonce_is_used_once_and_only_by_a_request_that_passes() {
    let emulator = emulator().await;
    let params = stop_visual_service();
    let bad = get(emulator.addr(), &signed("GET", "wrong", params.clone())).await;
    assert_eq!(bad.code(), "SignatureDoesNotMatch");
    let first = get(emulator.addr(), &signed("GET", SECRET, params.clone())).await;
    assert_eq!(
        first.status, 200,
        "a refused request must not consume the nonce"
    );
    let replay = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (replay.status, replay.code().as_str()),
        (400, "SignatureNonceUsed")
    );
}

#[tokio::test]
async fn timestamps_must_be_well_formed_and_within_fifteen_minutes() {
    let emulator = emulator().await;
    let addr = emulator.addr();
    let now = SystemTime::now();
    for (offset_minutes, expected) in [(-16i64, 400), (16, 400), (-14, 200), (14, 200)] {
        let mut params = stop_visual_service();
        let shift = Duration::from_secs(offset_minutes.unsigned_abs() * 60);
        let at = if offset_minutes < 0 {
            now - shift
        } else {
            now + shift
        };
        set(&mut params, "Timestamp", &timestamp_at(at));
        let answer = get(addr, &signed("GET", SECRET, params)).await;
        assert_eq!(answer.status, expected, "{offset_minutes} min");
        if expected == 400 {
            assert_eq!(answer.code(), "InvalidTimeStamp.Expired");
        }
    }
    let mut params = stop_visual_service();
    set(&mut params, "Timestamp", "2024-01-01 10:00:00");
    let answer = get(addr, &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "InvalidTimeStamp.Format")
    );
}

#[tokio::test]
async fn operation_parameters_are_checked_against_the_spec() {
    let emulator = emulator().await;
    let mut params = stop_visual_service();
    remove(&mut params, "ClusterId");
    let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (400, "MissingParameter")
    );
    assert!(answer.message().contains("ClusterId"));

    for port in ["65536", "twelve"] {
        let mut params = stop_visual_service();
        set(&mut params, "Port", port);
        let answer = get(emulator.addr(), &signed("GET", SECRET, params)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "InvalidParameter"),
            "{port}"
        );
        assert!(answer.message().contains("Port"));
    }
}

#[tokio::test]
async fn temporary_keys_need_their_security_token() {
    let emulator = Emulator::builder()
        .access_key(AccessKey::new("sts-key", "sts-secret").with_security_token("token-1"))
        .access_key(AccessKey::new("plain-key", "plain-secret"))
        .start()
        .await
        .unwrap();
    let request = |key: &str, secret: &str, token: Option<&str>| {
        let mut params = stop_visual_service();
        set(&mut params, "AccessKeyId", key);
        if let Some(token) = token {
            set(&mut params, "SecurityToken", token);
        }
        signed("GET", secret, params)
    };
    let addr = emulator.addr();
    assert_eq!(
        get(addr, &request("sts-key", "sts-secret", Some("token-1")))
            .await
            .status,
        200
    );
    for token in [None, Some("token-2")] {
        let answer = get(addr, &request("sts-key", "sts-secret", token)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "InvalidSecurityToken"),
            "{token:?}"
        );
    }
    let answer = get(addr, &request("plain-key", "plain-secret", Some("token-1"))).await;
    assert_eq!(answer.code(), "InvalidSecurityToken");
    assert_eq!(
        get(addr, &request("plain-key", "plain-secret", None))
            .await
            .status,
        200
    );
    // The default key is only there when no key is configured.
    assert_eq!(
        get(addr, &signed("GET", SECRET, stop_visual_service()))
            .await
            .code(),
        "InvalidAccessKeyId.NotFound"
    );
}

#[tokio::test]
async fn every_documented_error_comes_with_the_status_and_message_of_its_spec() {
    let emulator = emulator().await;
    let operation = emulator
        .catalog()
        .operation("StopVisualService")
        .unwrap()
        .clone();
    assert_eq!(operation.errors.len(), 13);
    for error in &operation.errors {
        emulator
            .inject(
                "StopVisualService",
                Fault::service_error(&error.code),
                Times::Next(1),
            )
            .unwrap();
        let answer = get(
            emulator.addr(),
            &signed("GET", SECRET, stop_visual_service()),
        )
        .await;
        assert_eq!(answer.status, error.status, "{}", error.code);
        assert_eq!(answer.code(), error.code);
        assert_eq!(answer.message(), error.message);
    }
    let answer = get(
        emulator.addr(),
        &signed("GET", SECRET, stop_visual_service()),
    )
    .await;
    assert_eq!(answer.status, 200, "Next(1) faults are used up");
}

#[tokio::test]
async fn faults_count_calls_and_apply_only_after_the_gateway_checks() {
    let emulator = emulator().await;
    let addr = emulator.addr();
    emulator
        .inject("StopVisualService", Fault::Throttling, Times::Next(2))
        .unwrap();
    emulator
        .inject("StopVisualService", Fault::InternalError, Times::Always)
        .unwrap();

    let refused = get(addr, &signed("GET", "wrong", stop_visual_service())).await;
    assert_eq!(
        refused.code(),
        "SignatureDoesNotMatch",
        "a refused request uses no fault"
    );
    let mut codes = Vec::new();
    for _ in 0..4 {
        let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
        codes.push((answer.status, answer.code()));
    }
    assert_eq!(
        codes,
        [
            (400, "Throttling.User".to_string()),
            (400, "Throttling.User".to_string()),
            (500, "InternalError".to_string()),
            (500, "InternalError".to_string()),
        ]
    );
    emulator.clear_faults();
    emulator
        .inject(
            "StopVisualService",
            Fault::ServiceUnavailable,
            Times::Next(1),
        )
        .unwrap();
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (503, "ServiceUnavailable")
    );
    emulator
        .inject(
            "StopVisualService",
            Fault::error(400, "Forbidden.RAM", "no"),
            Times::Next(1),
        )
        .unwrap();
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(
        (
            answer.status,
            answer.code().as_str(),
            answer.message().as_str()
        ),
        (400, "Forbidden.RAM", "no")
    );
    assert_eq!(
        get(addr, &signed("GET", SECRET, stop_visual_service()))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn faults_are_refused_when_they_cannot_be_answered() {
    let emulator = emulator().await;
    assert!(emulator
        .inject("NoSuchAction", Fault::Throttling, Times::Always)
        .is_err());
    let error = emulator
        .inject(
            "StopVisualService",
            Fault::service_error("Throttling"),
            Times::Always,
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("not a documented error"),
        "{error}"
    );
    assert!(emulator
        .inject("StopVisualService", Fault::html(42), Times::Always)
        .is_err());
}

#[tokio::test]
async fn broken_bodies_delays_and_dropped_connections() {
    let emulator = emulator().await;
    let addr = emulator.addr();
    let request = || signed("GET", SECRET, stop_visual_service());

    emulator
        .inject("StopVisualService", Fault::html(502), Times::Next(1))
        .unwrap();
    let answer = get(addr, &request()).await;
    assert_eq!(answer.status, 502);
    assert!(String::from_utf8_lossy(&answer.body).starts_with("<html>"));

    emulator
        .inject("StopVisualService", Fault::empty_body(503), Times::Next(1))
        .unwrap();
    let answer = get(addr, &request()).await;
    assert_eq!((answer.status, answer.body.len()), (503, 0));

    for fault in [Fault::truncated_json(200), Fault::malformed_json(200)] {
        emulator
            .inject("StopVisualService", fault.clone(), Times::Next(1))
            .unwrap();
        let answer = get(addr, &request()).await;
        assert_eq!(answer.status, 200);
        assert!(answer.body.starts_with(b"{\"RequestId\""), "{fault:?}");
        assert!(
            serde_json::from_slice::<serde_json::Value>(&answer.body).is_err(),
            "{fault:?}"
        );
    }

    emulator
        .inject("StopVisualService", Fault::DropConnection, Times::Next(1))
        .unwrap();
    let query: Vec<String> = request()
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    let raw = format!(
        "GET /?{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        query.join("&")
    );
    assert!(
        exchange(addr, raw.as_bytes()).await.is_none(),
        "no answer on a dropped connection"
    );
    assert_eq!(emulator.requests().last().unwrap().status, None);

    let delay = Duration::from_millis(300);
    emulator
        .inject("StopVisualService", Fault::delay(delay), Times::Next(1))
        .unwrap();
    let started = Instant::now();
    let answer = get(addr, &request()).await;
    assert_eq!(answer.status, 200, "a delayed answer is the normal one");
    assert!(started.elapsed() >= delay);
}
