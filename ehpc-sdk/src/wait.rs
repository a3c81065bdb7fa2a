//! Waiters: an operation polled until the state in its answer says the
//! wait is over.
//!
//! `client.wait_until_<name>()` (declared in `specs/<version>/waiters.yaml`)
//! takes the polled operation's parameters, an optional
//! [`max_wait`](WaitOptions::max_wait), and `.wait().await` returns the
//! final answer. Between polls it sleeps with exponential backoff and
//! jitter between the waiter's minimum and maximum delay; the whole wait is
//! bounded by `max_wait`. Time comes from a [`WaitClock`]: tokio's by
//! default, or one a test controls.

use crate::operation_support::OperationError;
use crate::retry::Jitter;
use crate::Error;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Where a waiter's time comes from: how long it has waited, and how it
/// sleeps. The default is [`TokioClock`]; a test can pass its own (one that
/// advances an emulator's clock, say) with `.clock(...)`.
pub trait WaitClock: Send + Sync + fmt::Debug {
    /// Time since some fixed point; only differences matter.
    fn now(&self) -> Duration;
    /// Pause for `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Real time, through tokio.
#[derive(Debug)]
pub struct TokioClock {
    start: tokio::time::Instant,
}

impl Default for TokioClock {
    fn default() -> Self {
        TokioClock {
            start: tokio::time::Instant::now(),
        }
    }
}

impl WaitClock for TokioClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The bound and the clock of one wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    max_wait: Duration,
    clock: Option<Arc<dyn WaitClock>>,
}

impl WaitOptions {
    #[doc(hidden)]
    pub fn new(max_wait: Duration) -> Self {
        WaitOptions {
            max_wait,
            clock: None,
        }
    }

    /// Gives up (with [`WaitError::TimedOut`]) once this much time has passed.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// Takes time from `clock` instead of tokio's.
    pub fn clock(mut self, clock: Arc<dyn WaitClock>) -> Self {
        self.clock = Some(clock);
        self
    }
}

/// What a waiter waits for, from its spec.
#[doc(hidden)]
#[derive(Debug)]
pub struct WaiterDef {
    pub name: &'static str,
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
    /// Error codes that mean success (the resource is gone).
    pub success_errors: &'static [&'static str],
    pub min_delay: Duration,
    pub max_delay: Duration,
}

/// Why a wait ended without success.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<O, E> {
    /// The state reached one of the waiter's failure values.
    Failed {
        /// The waiter, e.g. `cluster_running`.
        waiter: &'static str,
        /// The state that ended the wait.
        state: String,
        /// The answer that carried it.
        answer: Box<O>,
    },
    /// `max_wait` passed first.
    TimedOut {
        /// The waiter, e.g. `cluster_running`.
        waiter: &'static str,
        /// How long it polled.
        waited: Duration,
        /// The last state seen, if any answer carried one.
        last_state: Option<String>,
    },
    /// A poll failed with an error that is not worth polling again for.
    Call {
        /// The waiter, e.g. `cluster_running`.
        waiter: &'static str,
        /// The call's error.
        source: Error<E>,
    },
}

impl<O, E> WaitError<O, E> {
    /// The last state seen: the failing one, or the one before the deadline.
    pub fn last_state(&self) -> Option<&str> {
        match self {
            WaitError::Failed { state, .. } => Some(state),
            WaitError::TimedOut { last_state, .. } => last_state.as_deref(),
            WaitError::Call { .. } => None,
        }
    }

    /// Whether `max_wait` passed before a success or failure state.
    pub fn is_timed_out(&self) -> bool {
        matches!(self, WaitError::TimedOut { .. })
    }

    /// Whether a failure state ended the wait.
    pub fn is_failed(&self) -> bool {
        matches!(self, WaitError::Failed { .. })
    }
}

impl<O, E: fmt::Display + StdError + 'static> fmt::Display for WaitError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { waiter, state, .. } => {
                write!(
                    f,
                    "waiting until {waiter}: the state became `{state}`, a failure"
                )
            }
            WaitError::TimedOut {
                waiter,
                waited,
                last_state,
            } => {
                write!(f, "waiting until {waiter}: gave up after {waited:?}")?;
                match last_state {
                    Some(state) => write!(f, "; the last state seen was `{state}`"),
                    None => write!(f, "; no answer carried a state"),
                }
            }
            WaitError::Call { waiter, source } => {
                write!(f, "waiting until {waiter}: a poll failed: {source}")
            }
        }
    }
}

impl<O: fmt::Debug, E: StdError + 'static> StdError for WaitError<O, E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            WaitError::Call { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The answer of one poll.
pub type PollFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, Error<E>>> + Send>>;

/// Polls until the answer's states all are success values.
#[doc(hidden)]
pub async fn until_answer<O, E: OperationError>(
    def: &WaiterDef,
    states: fn(&O) -> Vec<String>,
    options: &WaitOptions,
    poll: impl FnMut() -> PollFuture<O, E>,
) -> Result<O, WaitError<O, E>> {
    match until(def, states, options, poll).await? {
        Reached::Answer(answer) => Ok(answer),
        Reached::Gone(source) => Err(WaitError::Call {
            waiter: def.name,
            source,
        }),
    }
}

/// Polls until the answer's states all are success values (`Some`), or a
/// poll fails with one of the waiter's success error codes (`None`: the
/// resource is gone).
#[doc(hidden)]
pub async fn until_gone<O, E: OperationError>(
    def: &WaiterDef,
    states: fn(&O) -> Vec<String>,
    options: &WaitOptions,
    poll: impl FnMut() -> PollFuture<O, E>,
) -> Result<Option<O>, WaitError<O, E>> {
    match until(def, states, options, poll).await? {
        Reached::Answer(answer) => Ok(Some(answer)),
        Reached::Gone(_) => Ok(None),
    }
}

enum Reached<O, E> {
    Answer(O),
    /// The poll failed with a success error code.
    Gone(Error<E>),
}

async fn until<O, E: OperationError>(
    def: &WaiterDef,
    states: fn(&O) -> Vec<String>,
    options: &WaitOptions,
    mut poll: impl FnMut() -> PollFuture<O, E>,
) -> Result<Reached<O, E>, WaitError<O, E>> {
    let tokio_clock;
    let clock: &dyn WaitClock = match &options.clock {
        Some(clock) => clock.as_ref(),
        None => {
            tokio_clock = TokioClock::default();
            &tokio_clock
        }
    };
    let jitter = Jitter::default();
    let start = clock.now();
    let mut last_state = None;
    let mut attempt = 0u32;
    loop {
        match poll().await {
            Ok(answer) => {
                let found = states(&answer);
                if let Some(failed) = found.iter().find(|s| def.failure.contains(&s.as_str())) {
                    return Err(WaitError::Failed {
                        waiter: def.name,
                        state: failed.clone(),
                        answer: Box::new(answer),
                    });
                }
                if !found.is_empty() && found.iter().all(|s| def.success.contains(&s.as_str())) {
                    return Ok(Reached::Answer(answer));
                }
                last_state = found.first().cloned().or(last_state);
            }
            Err(error)
                if error
                    .code()
                    .is_some_and(|c| def.success_errors.contains(&c)) =>
            {
                return Ok(Reached::Gone(error));
            }
            Err(error) if worth_polling_again(&error) => {}
            Err(source) => {
                return Err(WaitError::Call {
                    waiter: def.name,
                    source,
                })
            }
        }
        let waited = clock.now().saturating_sub(start);
        let remaining = options.max_wait.saturating_sub(waited);
        if remaining.is_zero() {
            return Err(WaitError::TimedOut {
                waiter: def.name,
                waited,
                last_state,
            });
        }
        clock
            .sleep(delay(def, attempt, jitter.unit()).min(remaining))
            .await;
        attempt = attempt.saturating_add(1);
    }
}

/// Errors that say nothing about the state: the service was busy or out
/// of reach even after the call's own retries.
fn worth_polling_again<E: OperationError>(error: &Error<E>) -> bool {
    error.is_throttling()
        || matches!(error, Error::Transport(_))
        || error.status().is_some_and(|s| s >= 500)
}

/// `min × 2^attempt`, capped at `max`, with jitter: uniform between `min`
/// and that ceiling.
fn delay(def: &WaiterDef, attempt: u32, unit: f64) -> Duration {
    let ceiling = def
        .min_delay
        .saturating_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
        .min(def.max_delay);
    def.min_delay + (ceiling.saturating_sub(def.min_delay)).mul_f64(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: WaiterDef = WaiterDef {
        name: "test",
        success: &[],
        failure: &[],
        success_errors: &[],
        min_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(30),
    };

    #[test]
    fn delays_grow_from_min_to_max_with_jitter() {
        assert_eq!(delay(&DEF, 0, 0.9), Duration::from_secs(2));
        assert_eq!(delay(&DEF, 1, 0.0), Duration::from_secs(2));
        assert_eq!(delay(&DEF, 1, 0.5), Duration::from_secs(3));
        assert_eq!(delay(&DEF, 3, 0.5), Duration::from_secs(9));
        assert_eq!(delay(&DEF, 5, 0.5), Duration::from_secs(16));
        for attempt in [10, 40, u32::MAX] {
            assert!(delay(&DEF, attempt, 0.999_999) <= DEF.max_delay);
            assert!(delay(&DEF, attempt, 0.0) >= DEF.min_delay);
        }
    }

    /// Time that passes only when the waiter sleeps.
    #[derive(Debug, Default)]
    struct SteppedClock(std::sync::Mutex<Duration>);

    impl WaitClock for SteppedClock {
        fn now(&self) -> Duration {
            *self.0.lock().unwrap()
        }
        fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            *self.0.lock().unwrap() += duration;
            Box::pin(async {})
        }
    }

    const JOB: WaiterDef = WaiterDef {
        name: "job finished",
        success: &["Succeeded"],
        failure: &["Failed"],
        success_errors: &[],
        min_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(4),
    };

    #[cfg(feature = "v2018-04-12")]
    type AnyError = crate::operation::stop_visual_service::StopVisualServiceError;

    /// Answers each poll with the next of `states`.
    #[cfg(feature = "v2018-04-12")]
    async fn run(
        states: &[&'static str],
        max_wait: Duration,
    ) -> Result<String, WaitError<String, AnyError>> {
        let clock = Arc::new(SteppedClock::default());
        let options = WaitOptions::new(max_wait).clock(clock);
        let mut answers = states
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter();
        until_answer(
            &JOB,
            |s: &String| vec![s.clone()],
            &options,
            move || {
                let next = answers.next().unwrap_or_else(|| "Running".into());
                Box::pin(async move { Ok(next) })
            },
        )
        .await
    }

    #[cfg(feature = "v2018-04-12")]
    #[tokio::test]
    async fn a_failure_state_ends_the_wait_with_the_answer() {
        let error = run(&["Queued", "Running", "Failed"], Duration::from_secs(60))
            .await
            .unwrap_err();
        let WaitError::Failed { state, answer, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(state, "Failed");
        assert_eq!(answer.as_str(), "Failed");
        assert_eq!(error.last_state(), Some("Failed"));
        assert!(error.to_string().contains("`Failed`, a failure"), "{error}");
    }

    #[cfg(feature = "v2018-04-12")]
    #[tokio::test]
    async fn success_returns_the_answer_and_the_deadline_the_last_state() {
        let answer = run(&["Queued", "Running", "Succeeded"], Duration::from_secs(60)).await;
        assert_eq!(answer.unwrap(), "Succeeded");
        let error = run(&["Queued"], Duration::from_secs(10)).await.unwrap_err();
        let WaitError::TimedOut {
            waited, last_state, ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*waited, Duration::from_secs(10));
        assert_eq!(last_state.as_deref(), Some("Running"));
    }
}
