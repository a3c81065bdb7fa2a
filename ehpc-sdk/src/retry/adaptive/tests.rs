//! The limiter under a paused clock: time moves only when every task
//! waits, so the instants below are exact, not measured.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A limiter the service has just throttled at `rate` per second.
fn throttled_at(rate: f64) -> Limiter {
    let limiter = Limiter::default();
    lock(&limiter.state).measured = rate / BETA;
    limiter.throttled(Instant::now());
    limiter
}

fn assert_near(value: f64, expected: f64, tolerance: f64) {
    assert!(
        (value - expected).abs() <= tolerance,
        "{value} is not within {tolerance} of {expected}"
    );
}

#[tokio::test(start_paused = true)]
async fn it_is_off_and_costs_no_time_until_the_first_throttling() {
    let limiter = Limiter::default();
    let start = Instant::now();
    for _ in 0..1000 {
        limiter.acquire().await;
    }
    assert_eq!(Instant::now(), start);
    assert_eq!(limiter.rate(), None);
    limiter.succeeded();
    assert_eq!(limiter.rate(), None, "successes alone never turn it on");
}

#[tokio::test(start_paused = true)]
async fn throttling_cuts_the_measured_rate_once_per_signal() {
    let limiter = Limiter::default();
    // 100 attempts a second for 3 s.
    for _ in 0..300 {
        limiter.acquire().await;
        tokio::time::advance(Duration::from_millis(10)).await;
    }
    let sent_before = Instant::now();
    limiter.throttled(sent_before);
    let cut = limiter.rate().unwrap();
    assert_near(cut, 70.0, 1.0);
    // More refusals of attempts sent before the cut are the same signal.
    tokio::time::advance(Duration::from_millis(1)).await;
    for _ in 0..50 {
        limiter.throttled(sent_before);
    }
    assert_eq!(limiter.rate(), Some(cut));
    // A refusal of an attempt sent after it cuts again.
    let sent_after = limiter.acquire().await;
    limiter.throttled(sent_after);
    assert_near(limiter.rate().unwrap(), cut * BETA, 1.0);
    // Never below the floor.
    for _ in 0..100 {
        let sent = limiter.acquire().await;
        limiter.throttled(sent);
    }
    assert_eq!(limiter.rate(), Some(MIN_RATE));
}

#[tokio::test(start_paused = true)]
async fn attempts_are_paced_at_the_rate() {
    let limiter = throttled_at(20.0);
    let start = Instant::now();
    for _ in 0..100 {
        limiter.acquire().await;
    }
    // The bucket starts empty: 100 tokens at 20 a second take 5 s.
    assert_near((Instant::now() - start).as_secs_f64(), 5.0, 0.06);
}

#[tokio::test(start_paused = true)]
async fn successes_grow_the_rate_back_past_where_it_was_cut() {
    let limiter = throttled_at(70.0);
    let plateau = 100.0;
    let window = lock(&limiter.state).window;
    assert_near(window, (plateau * (1.0 - BETA) / SCALE).cbrt(), 1e-9);
    let start = Instant::now();
    let mut previous = limiter.rate().unwrap();
    let mut at_window = None;
    // Attempts as fast as the limiter lets them, all succeeding.
    while Instant::now() - start < Duration::from_secs(10) {
        limiter.acquire().await;
        limiter.succeeded();
        let rate = limiter.rate().unwrap();
        assert!(rate >= previous - 1e-9, "{rate} fell from {previous}");
        previous = rate;
        if at_window.is_none() && (Instant::now() - start).as_secs_f64() >= window {
            at_window = Some(rate);
        }
    }
    // Back at the plateau after CUBIC's window, then probing above it.
    assert_near(at_window.unwrap(), plateau, 3.0);
    assert!(previous > plateau * 1.2, "{previous}");
    // Never more than twice what is being sent.
    let measured = lock(&limiter.state).measured;
    assert!(
        previous <= 2.0 * measured + 1e-9,
        "{previous} > 2 × {measured}"
    );
}

#[tokio::test(start_paused = true)]
async fn fifty_waiters_are_served_in_the_order_they_came() {
    let limiter = Arc::new(throttled_at(10.0));
    let served = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for waiter in 0..50 {
        let limiter = Arc::clone(&limiter);
        let served = Arc::clone(&served);
        tasks.push(tokio::spawn(async move {
            limiter.acquire().await;
            lock(&served).push((waiter, Instant::now()));
        }));
        // Each is queued before the next arrives.
        tokio::task::yield_now().await;
    }
    for task in tasks {
        task.await.unwrap();
    }
    let served = lock(&served).clone();
    let order: Vec<usize> = served.iter().map(|(waiter, _)| *waiter).collect();
    assert_eq!(order, (0..50).collect::<Vec<_>>());
    // One every 100 ms: nobody waited longer than its place in line.
    for (place, (_, at)) in served.iter().enumerate() {
        let expected = (place + 1) as f64 / 10.0;
        assert_near((*at - start).as_secs_f64(), expected, 0.011);
    }
}

#[tokio::test(start_paused = true)]
async fn latecomers_never_pass_a_waiter_and_a_cancelled_one_blocks_nobody() {
    let limiter = Arc::new(throttled_at(10.0));
    let done = Arc::new(AtomicUsize::new(0));
    let spawn = |limiter: &Arc<Limiter>| {
        let limiter = Arc::clone(limiter);
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            limiter.acquire().await;
            done.fetch_add(1, Ordering::SeqCst)
        })
    };
    let first = spawn(&limiter);
    tokio::task::yield_now().await;
    let cancelled = spawn(&limiter);
    tokio::task::yield_now().await;
    // It gives up its place while waiting for it.
    cancelled.abort();
    // A stream of latecomers, one every 10 ms, ten times the rate.
    let mut latecomers = Vec::new();
    for _ in 0..30 {
        latecomers.push(spawn(&limiter));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(first.await.unwrap(), 0, "the first to come is served first");
    for (place, latecomer) in latecomers.into_iter().enumerate() {
        assert_eq!(latecomer.await.unwrap(), place + 1);
    }
    assert!(cancelled.await.unwrap_err().is_cancelled());
    assert_eq!(done.load(Ordering::SeqCst), 31);
}

#[tokio::test(start_paused = true)]
async fn each_region_and_action_has_its_own_limiter() {
    let limiters = Limiters::default();
    let sent = limiters.get("cn-hangzhou", "CreateJob").acquire().await;
    limiters.get("cn-hangzhou", "CreateJob").throttled(sent);
    assert!(limiters.get("cn-hangzhou", "CreateJob").rate().is_some());
    assert_eq!(limiters.get("cn-hangzhou", "GetJob").rate(), None);
    assert_eq!(limiters.get("cn-beijing", "CreateJob").rate(), None);
}
