//! The client-side rate limiter of [`RetryConfig::adaptive`]: one per
//! region and action, off until the service first throttles that action,
//! then pacing attempts at a rate that CUBIC cuts on throttling and grows
//! back on success, as the AWS SDKs' adaptive mode does.
//!
//! Waiters queue on a fair semaphore of one permit: only the one at the
//! head watches the clock, the others wait their turn in the order they
//! came, so none is passed over however many arrive after it.
//!
//! [`RetryConfig::adaptive`]: super::RetryConfig::adaptive

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Share of the rate kept on throttling.
const BETA: f64 = 0.7;
/// How fast CUBIC grows back (rate per second cubed).
const SCALE: f64 = 0.4;
/// The rate is never cut below this, per second.
const MIN_RATE: f64 = 0.5;
/// Tokens the bucket holds at least, and the seconds of the rate it holds:
/// enough to ride out a late wake-up, too few for a burst that would empty
/// the service's quota at once.
const MIN_CAPACITY: f64 = 1.0;
const BURST_SECONDS: f64 = 0.25;
/// The sending rate is measured over periods this long, and smoothed.
const MEASURE_PERIOD: Duration = Duration::from_millis(500);
const SMOOTHING: f64 = 0.8;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A rate limiter for the attempts of one action in one region.
#[derive(Debug)]
pub(crate) struct Limiter {
    state: Mutex<State>,
    /// Whose turn it is to wait for a token.
    turnstile: Semaphore,
}

#[derive(Debug)]
struct State {
    /// Off until the first throttling answer.
    enabled: bool,
    /// Tokens gained per second, and held at most.
    rate: f64,
    capacity: f64,
    tokens: f64,
    refilled: Instant,
    /// The rate when the service last throttled, CUBIC's plateau.
    last_max_rate: f64,
    last_cut: Option<Instant>,
    /// Seconds CUBIC takes to grow back to `last_max_rate`.
    window: f64,
    /// Attempts sent per second, smoothed.
    measured: f64,
    period_start: Instant,
    period_sent: u32,
}

impl Default for Limiter {
    fn default() -> Self {
        let now = Instant::now();
        Limiter {
            state: Mutex::new(State {
                enabled: false,
                rate: 0.0,
                capacity: 0.0,
                tokens: 0.0,
                refilled: now,
                last_max_rate: 0.0,
                last_cut: None,
                window: 0.0,
                measured: 0.0,
                period_start: now,
                period_sent: 0,
            }),
            turnstile: Semaphore::new(1),
        }
    }
}

impl State {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.refilled = now;
    }

    /// Counts an attempt sent at `now` towards the measured rate.
    fn count_sent(&mut self, now: Instant) {
        self.period_sent += 1;
        let elapsed = now.saturating_duration_since(self.period_start);
        if elapsed >= MEASURE_PERIOD {
            let rate = f64::from(self.period_sent) / elapsed.as_secs_f64();
            self.measured = rate * SMOOTHING + self.measured * (1.0 - SMOOTHING);
            self.period_sent = 0;
            self.period_start = now;
        }
    }

    /// Takes a token, or tells how long until one is there.
    fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        if !self.enabled {
            self.count_sent(now);
            return Ok(());
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.count_sent(now);
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }

    fn set_rate(&mut self, rate: f64, now: Instant) {
        self.refill(now);
        self.rate = rate.max(MIN_RATE);
        self.capacity = (self.rate * BURST_SECONDS).max(MIN_CAPACITY);
        self.tokens = self.tokens.min(self.capacity);
    }
}

impl Limiter {
    /// Waits for this attempt's turn; returns when it may be sent, which
    /// is what [`throttled`](Self::throttled) is told of its answer.
    pub(crate) async fn acquire(&self) -> Instant {
        let now = Instant::now();
        {
            let mut state = lock(&self.state);
            if !state.enabled {
                state.count_sent(now);
                return now;
            }
        }
        // The semaphore is never closed, so acquiring only waits.
        let _turn = self.turnstile.acquire().await;
        loop {
            let now = Instant::now();
            let wait = lock(&self.state).try_take(now);
            match wait {
                Ok(()) => return now,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// The service throttled an attempt sent at `sent`. An attempt sent
    /// before the last cut reflects the rate before it and cuts nothing:
    /// a burst of refusals is one signal, not many.
    pub(crate) fn throttled(&self, sent: Instant) {
        let now = Instant::now();
        let mut state = lock(&self.state);
        if state.last_cut.is_some_and(|cut| sent <= cut) {
            return;
        }
        let current = if state.enabled {
            state.measured.min(state.rate)
        } else {
            state.measured
        };
        // Before a whole period was measured, the attempts counted so far
        // are the best estimate there is.
        let current = if current > 0.0 {
            current
        } else {
            f64::from(state.period_sent.max(1))
        };
        state.last_max_rate = current;
        state.window = (current * (1.0 - BETA) / SCALE).cbrt();
        state.last_cut = Some(now);
        state.enabled = true;
        state.set_rate(current * BETA, now);
        // The service has no room now: what the bucket saved would be
        // refused too.
        state.tokens = 0.0;
        tracing::info!(
            rate_per_second = state.rate,
            "the service throttled; the client's rate limiter slows down"
        );
    }

    /// An attempt succeeded: the rate grows back, along
    /// CUBIC's curve, never past twice what is being sent.
    pub(crate) fn succeeded(&self) {
        let now = Instant::now();
        let mut state = lock(&self.state);
        let Some(cut) = state.last_cut else {
            return;
        };
        let since = now.saturating_duration_since(cut).as_secs_f64();
        let cubic = SCALE * (since - state.window).powi(3) + state.last_max_rate;
        let ceiling = 2.0 * state.measured.max(state.rate / 2.0);
        state.set_rate(cubic.min(ceiling), now);
    }

    /// The rate attempts are paced at, per second; `None` while off.
    #[cfg(test)]
    pub(crate) fn rate(&self) -> Option<f64> {
        let state = lock(&self.state);
        state.enabled.then_some(state.rate)
    }
}

/// The limiters of a client, by region and action.
#[derive(Debug, Default)]
pub(crate) struct Limiters {
    by_region: Mutex<HashMap<Box<str>, ByAction>>,
}

/// One region's limiters, by action.
type ByAction = HashMap<&'static str, Arc<Limiter>>;

impl Limiters {
    pub(crate) fn get(&self, region: &str, action: &'static str) -> Arc<Limiter> {
        let mut regions = lock(&self.by_region);
        // Looked up by `&str` first: the region is copied once, not per call.
        if !regions.contains_key(region) {
            regions.insert(region.into(), HashMap::new());
        }
        let actions = regions.get_mut(region).expect("inserted above");
        Arc::clone(actions.entry(action).or_default())
    }
}

#[cfg(test)]
mod tests;
