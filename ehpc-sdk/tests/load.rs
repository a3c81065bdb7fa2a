//! Under load: 200 tasks submit 2,000 jobs to one cluster whose
//! `CreateJob` the emulator limits, with the default retries and with
//! `RetryConfig::adaptive()`; and an outage of every call.

#[path = "../examples/support/load.rs"]
mod load;

use ehpc_emulator::{Emulator, Fault, Times};
use ehpc_sdk::RetryConfig;
use load::{client_for, stop, Load, Outcome, Report};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The runs share two cores; one at a time keeps each one's pace its own.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// High enough that 2,000 calls take seconds, low enough for two cores.
const LIMIT: f64 = 150.0;

async fn submit_all(retry: RetryConfig) -> Report {
    let report = load::run(&Load {
        limit: LIMIT,
        tasks: 200,
        calls: 2000,
        retry,
    })
    .await
    .unwrap();
    println!("{}", report.summary());
    report
}

/// Every call ended once, and the cluster holds exactly the jobs of the
/// calls that succeeded, each once.
fn assert_exactly_once(report: &Report) {
    assert_eq!(report.outcomes.len(), 2000, "every call ends once");
    for outcome in &report.outcomes {
        if let Outcome::Failed { throttled, message } = outcome {
            assert!(throttled, "only throttling may end a call here: {message}");
        }
    }
    let submitted = report.submitted();
    let successes = report
        .outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Submitted { .. }))
        .count();
    assert_eq!(submitted.len(), successes, "no job id is given twice");
    assert_eq!(
        report.listed_count,
        report.listed.len(),
        "no job is listed twice"
    );
    assert_eq!(
        report.listed, submitted,
        "the cluster holds the submitted jobs, no others"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_retries_lose_nothing_and_double_nothing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let report = submit_all(RetryConfig::standard()).await;
    assert_exactly_once(&report);
}

/// Throughput, a speed, is measured by the load example (BENCHMARKS.md),
/// not asserted here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adaptive_retries_succeed_and_are_rarely_refused() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let report = submit_all(RetryConfig::adaptive()).await;
    assert_exactly_once(&report);
    assert!(report.success_ratio() >= 0.99, "{}", report.summary());
    assert!(report.throttled_ratio() <= 0.2, "{}", report.summary());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_outage_calls_fail_fast_then_succeed_again() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let emulator = Arc::new(Emulator::builder().examples_only().start().await.unwrap());
    let client = client_for(&emulator).build().unwrap();
    emulator
        .inject(ACTION, Fault::ServiceUnavailable, Times::Always)
        .unwrap();
    let outage = Arc::new(AtomicBool::new(true));
    let (calls, fast) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (client, outage, calls, fast) = (
            client.clone(),
            Arc::clone(&outage),
            Arc::clone(&calls),
            Arc::clone(&fast),
        );
        tasks.push(tokio::spawn(async move {
            while outage.load(Ordering::SeqCst) {
                let error = stop(&client).send().await.unwrap_err();
                assert_eq!(error.status(), Some(503), "{error}");
                calls.fetch_add(1, Ordering::SeqCst);
                fast.fetch_add(usize::from(error.attempts() == 1), Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    // Five seconds of 503 answers to every call.
    tokio::time::sleep(Duration::from_secs(5)).await;
    outage.store(false, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let calls = calls.load(Ordering::SeqCst);
    let attempts = emulator
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some(ACTION))
        .count();
    let retries = attempts - calls;
    // The budget: 500 tokens, 5 a retry, 10 more tokens a second.
    let allowed = (500.0 + 10.0 * elapsed) / 5.0;
    assert!(
        retries as f64 <= allowed + 1.0,
        "{retries} retries in {elapsed:.1} s; the budget allows {allowed:.0}"
    );
    let fast = fast.load(Ordering::SeqCst);
    assert!(
        fast * 2 > calls,
        "most calls failed after one attempt: {fast} of {calls}"
    );
    println!("outage: {calls} calls, {retries} retries, {fast} failed fast");

    emulator.clear_faults();
    for _ in 0..20 {
        stop(&client).send().await.unwrap();
    }
}

/// What every call of the outage asks for.
const ACTION: &str = "StopVisualService";
