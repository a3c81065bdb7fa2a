//! Helpers for testing code that uses this crate against `ehpc-emulator`
//! (Cargo feature `test-util`, off by default).
//!
//! [`EmulatorClock`] is a [`WaitClock`] for waiters: instead of sleeping,
//! each pause moves the emulator's own clock on by as long, over its HTTP
//! control API, so the resources a waiter polls change state while no real
//! time passes. A half-hour wait takes milliseconds, and the pauses the
//! waiter chose are kept for assertions.
//!
//! Enable it for tests only:
//!
//! ```toml
//! [dev-dependencies]
//! ehpc-sdk = { version = "0.1", features = ["test-util"] }
//! ```

use crate::wait::WaitClock;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A [`WaitClock`] driven by a running emulator's clock.
///
/// Each [`sleep`](WaitClock::sleep) sends `POST /__emulator/clock` with
/// `{"advance_seconds": N}` to the emulator and returns at once, so it
/// works the same against the in-process emulator (`Emulator::start`) and
/// the `ehpc-emulator` binary. The emulator counts whole seconds: each
/// pause moves it by the seconds the pause completes, so fractions add up
/// across pauses. [`now`](WaitClock::now) is the sum of the pauses so far.
///
/// ```no_run
/// use ehpc_sdk::test_util::EmulatorClock;
/// use ehpc_sdk::Client;
/// use std::time::Duration;
///
/// # #[cfg(feature = "v2024-07-30")]
/// # async fn run(client: Client, endpoint: String) -> Result<(), Box<dyn std::error::Error>> {
/// // `endpoint` is the emulator's, e.g. "http://127.0.0.1:8080".
/// let clock = EmulatorClock::new(&endpoint);
/// client
///     .v2024_07_30()
///     .wait_until_cluster_running()
///     .cluster_id("ehpc-hz-1")
///     .max_wait(Duration::from_secs(1800))
///     .clock(clock.clone())
///     .wait()
///     .await?;
/// let pauses = clock.pauses();
/// assert!(!pauses.is_empty());
/// assert_eq!(pauses.iter().sum::<Duration>(), clock.elapsed());
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// A pause panics when the emulator cannot be reached or refuses to move
/// its clock: the test waiting on it cannot go on.
pub struct EmulatorClock {
    url: String,
    http: reqwest::Client,
    state: Mutex<Pauses>,
}

#[derive(Default)]
struct Pauses {
    elapsed: Duration,
    taken: Vec<Duration>,
}

impl EmulatorClock {
    /// A clock that moves the clock of the emulator at `endpoint` (its base
    /// URL, as `Emulator::endpoint()` gives it).
    pub fn new(endpoint: impl AsRef<str>) -> Arc<Self> {
        Arc::new(EmulatorClock {
            url: format!(
                "{}/__emulator/clock",
                endpoint.as_ref().trim_end_matches('/')
            ),
            http: reqwest::Client::new(),
            state: Mutex::new(Pauses::default()),
        })
    }

    /// Every pause taken so far, in order.
    pub fn pauses(&self) -> Vec<Duration> {
        self.state().taken.clone()
    }

    /// The sum of the pauses taken so far.
    pub fn elapsed(&self) -> Duration {
        self.state().elapsed
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Pauses> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn advance(&self, seconds: u64) {
        let answer = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(format!("{{\"advance_seconds\": {seconds}}}"))
            .send()
            .await
            .unwrap_or_else(|error| panic!("moving the emulator's clock at {}: {error}", self.url));
        let status = answer.status();
        if !status.is_success() {
            let body = answer.text().await.unwrap_or_default();
            panic!(
                "the emulator at {} refused to move its clock: {status} {body}",
                self.url
            );
        }
    }
}

impl fmt::Debug for EmulatorClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("EmulatorClock")
            .field("url", &self.url)
            .field("elapsed", &state.elapsed)
            .field("pauses", &state.taken.len())
            .finish()
    }
}

impl WaitClock for EmulatorClock {
    fn now(&self) -> Duration {
        self.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let seconds = {
            let mut state = self.state();
            let before = state.elapsed.as_secs();
            state.elapsed += duration;
            state.taken.push(duration);
            state.elapsed.as_secs() - before
        };
        Box::pin(async move {
            if seconds > 0 {
                self.advance(seconds).await;
            }
        })
    }
}
