//! Throttling and the retry budget against the emulator's flow control
//! and faults.

#[path = "../examples/support/load.rs"]
mod load;

use ehpc_emulator::{Emulator, Fault, Qps, Times};
use ehpc_sdk::RetryConfig;
use load::{client_for, stop};
use std::time::Duration;

/// What the calls here ask for: a write, so only answers that prove the
/// service did not act may be retried.
const ACTION: &str = "StopVisualService";

async fn limited(limit: Qps) -> Emulator {
    Emulator::builder()
        .examples_only()
        .qps(ACTION, limit)
        .start()
        .await
        .unwrap()
}

fn calls(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some(ACTION))
        .count()
}

#[tokio::test]
async fn a_wait_past_the_deadline_returns_the_throttling_error_at_once() {
    // One call, then a token only every 1,000 s.
    let emulator = limited(Qps::new(0.001).with_burst(1)).await;
    let client = client_for(&emulator)
        .operation_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    stop(&client).send().await.unwrap();
    let error = stop(&client).send().await.unwrap_err();
    assert!(error.is_throttled(), "{error}");
    assert_eq!(error.code(), Some("Throttling.User"));
    let asked = error
        .retry_after()
        .expect("the gateway's x-acs-retry-after");
    assert!(asked > Duration::from_secs(900), "{asked:?}");
    assert_eq!(
        error.attempts(),
        1,
        "no attempt is made that cannot finish in time"
    );
    assert_eq!(calls(&emulator), 2);
}

#[tokio::test]
async fn the_services_wait_is_honoured_rather_than_the_backoff() {
    // A token every 50 ms: the second call is told to come back in 50 ms.
    let emulator = limited(Qps::new(20.0).with_burst(1)).await;
    // A backoff of up to an hour would not fit the deadline; the
    // service's 50 ms (plus jitter) does.
    let client = client_for(&emulator)
        .retry_config(
            RetryConfig::standard()
                .with_throttling_base_delay(Duration::from_secs(3600))
                .with_max_delay(Duration::from_secs(3600)),
        )
        .operation_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    stop(&client).send().await.unwrap();
    stop(&client).send().await.unwrap();
    let log = emulator.requests();
    let codes: Vec<Option<&str>> = log.iter().map(|r| r.code.as_deref()).collect();
    assert!(codes.contains(&Some("Throttling.User")), "{codes:?}");
    assert_eq!(log.last().unwrap().status, Some(200));
}

#[tokio::test]
async fn a_429_whatever_its_body_is_throttling_and_retried() {
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client_for(&emulator)
        .retry_config(RetryConfig::standard().with_throttling_base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    emulator
        .inject(ACTION, Fault::html(429), Times::Next(1))
        .unwrap();
    stop(&client).send().await.unwrap();
    assert_eq!(calls(&emulator), 2);

    emulator.clear_requests();
    emulator
        .inject(ACTION, Fault::html(429), Times::Always)
        .unwrap();
    let error = stop(&client).send().await.unwrap_err();
    assert!(error.is_throttled(), "{error}");
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn an_outage_spends_the_budget_then_calls_fail_fast_and_recover() {
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client_for(&emulator)
        .retry_config(RetryConfig::standard().with_base_delay(Duration::from_millis(2)))
        .build()
        .unwrap();
    emulator
        .inject(ACTION, Fault::ServiceUnavailable, Times::Always)
        .unwrap();
    // 500 tokens, 5 a retry: about 50 calls of three attempts spend it.
    let mut spent_after = None;
    for call in 1..=200 {
        let error = stop(&client).send().await.unwrap_err();
        assert_eq!(error.status(), Some(503));
        if error.attempts() == 1 {
            spent_after = Some(call);
            break;
        }
    }
    let spent_after = spent_after.expect("the budget is spent within 200 calls");
    assert!((45..=60).contains(&spent_after), "{spent_after}");
    // From then on, calls fail after one attempt, but for the few retries
    // the budget regains with time (two a second).
    let mut fast = 0;
    for _ in 0..50 {
        let error = stop(&client).send().await.unwrap_err();
        fast += usize::from(error.attempts() == 1);
    }
    assert!(fast >= 40, "{fast} of 50 failed fast");
    // A clone shares the budget.
    let clone = client.clone();
    let error = stop(&clone).send().await.unwrap_err();
    assert!(error.attempts() <= 2);

    emulator.clear_faults();
    for _ in 0..5 {
        let answer = stop(&client).send().await.unwrap();
        assert!(!answer.request_id.is_empty());
    }
}

#[tokio::test]
async fn each_region_has_a_budget_of_its_own() {
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    let client = client_for(&emulator)
        .retry_config(RetryConfig::standard().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    emulator
        .inject("InitializeEHPC", Fault::ServiceUnavailable, Times::Always)
        .unwrap();
    let describe = |region: &'static str| {
        let client = client.clone();
        async move {
            client
                .initialize_ehpc()
                .region_id(region)
                .send()
                .await
                .unwrap_err()
                .attempts()
        }
    };
    let mut attempts = 3;
    for _ in 0..200 {
        attempts = describe("cn-beijing").await;
        if attempts == 1 {
            break;
        }
    }
    assert_eq!(attempts, 1, "the budget of cn-beijing is spent");
    assert_eq!(describe("cn-shanghai").await, 3);
}

#[tokio::test]
async fn the_adaptive_limiter_paces_after_throttling_within_the_deadline() {
    // Two calls a second, one at once.
    let emulator = limited(Qps::new(2.0).with_burst(1)).await;
    let client = client_for(&emulator)
        .retry_config(RetryConfig::adaptive())
        .operation_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    stop(&client).send().await.unwrap();
    // Throttled once, then paced by the limiter (now on) and the
    // service's wait: it succeeds.
    stop(&client).send().await.unwrap();
    let throttled = emulator
        .requests()
        .iter()
        .filter(|r| r.code.as_deref() == Some("Throttling.User"))
        .count();
    assert_eq!(throttled, 1);
    // The limiter holds the next call back for about half a second; a
    // call that cannot wait that long ends without being sent.
    let sent_before = calls(&emulator);
    let error = stop(&client)
        .with_options(
            ehpc_sdk::CallOptions::new().with_operation_timeout(Duration::from_millis(20)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(format!("{error:#}").contains("rate limiter"), "{error:#}");
    assert_eq!(calls(&emulator), sent_before, "nothing was sent");
    // Other actions are not held back.
    client
        .describe_cluster()
        .cluster_id("ehpc-hz-FYUr32****")
        .with_options(ehpc_sdk::CallOptions::new().with_operation_timeout(Duration::from_secs(5)))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn max_in_flight_caps_the_requests_sent_at_once() {
    let emulator = Emulator::builder().examples_only().start().await.unwrap();
    emulator
        .inject(ACTION, Fault::delay(Duration::from_secs(3)), Times::Next(1))
        .unwrap();
    let client = client_for(&emulator).max_in_flight(1).build().unwrap();
    let slow = tokio::spawn({
        let client = client.clone();
        async move { stop(&client).send().await }
    });
    // On this one-thread runtime the slow call runs until it waits for
    // its answer, holding the one slot from before it connects.
    tokio::task::yield_now().await;
    let error = stop(&client)
        .with_options(
            ehpc_sdk::CallOptions::new().with_operation_timeout(Duration::from_millis(200)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert!(format!("{error:#}").contains("max_in_flight"), "{error:#}");
    slow.await.unwrap().unwrap();
    assert_eq!(calls(&emulator), 1, "the second call was never sent");
    stop(&client).send().await.unwrap();
}
