//! The retry policy: which failures are retried, how long to wait between
//! attempts, and a per-client budget that stops retry storms.

use crate::error::{TransportError, THROTTLING_CODES};
use crate::operation_support::OperationInfo;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Attempts at most, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Ceiling of the first backoff; each retry doubles it.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(200);
/// No backoff is longer than this.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(20);

/// How failed calls are retried: up to [`max_attempts`](Self::max_attempts)
/// attempts, each signed afresh, with exponential backoff and full jitter
/// between them (a uniformly random wait up to `base × 2^(retry − 1)`,
/// capped at `max_delay`).
///
/// Retried: connection failures; `Throttling`, `Throttling.User`,
/// `Throttling.Api`; HTTP 5xx and `ServiceUnavailable`; codes the
/// operation's spec marks retryable; a timeout or broken connection after
/// the request was sent, only for read-only or idempotent operations.
/// Every other 4xx is final.
///
/// ```
/// use ehpc_sdk::RetryConfig;
/// use std::time::Duration;
///
/// let patient = RetryConfig::standard()
///     .with_max_attempts(5)
///     .with_base_delay(Duration::from_millis(500))
///     .with_max_delay(Duration::from_secs(10));
/// assert_eq!(patient.backoff_ceiling(1), Duration::from_millis(500));
/// assert_eq!(patient.backoff_ceiling(3), Duration::from_secs(2));
/// assert_eq!(patient.backoff_ceiling(9), Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// 3 attempts, backoff from 200 ms, at most 20 s.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
        }
    }

    /// One attempt, no retry.
    pub fn disabled() -> Self {
        RetryConfig::standard().with_max_attempts(1)
    }

    /// Attempts at most, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Ceiling of the first backoff.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Cap of every backoff.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest wait before retry number `retry` (1 for the wait after
    /// the first attempt): `base × 2^(retry − 1)`, capped.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The wait before retry number `retry` for a uniform random `unit` in
    /// `[0, 1)`: full jitter spreads retries of many clients apart.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        self.backoff_ceiling(retry).mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// Why a failure may be retried; sets what the retry costs the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    /// Nothing reached the service, or it failed on its side.
    Transient,
    /// The service asked the caller to slow down.
    Throttling,
    /// No answer in time, or the connection broke after sending.
    Timeout,
}

impl RetryKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RetryKind::Transient => "transient",
            RetryKind::Throttling => "throttling",
            RetryKind::Timeout => "timeout",
        }
    }
}

/// A service error answer.
pub(crate) fn classify_service(info: &OperationInfo, status: u16, code: &str) -> Option<RetryKind> {
    if THROTTLING_CODES.contains(&code) {
        Some(RetryKind::Throttling)
    } else if status >= 500 || code == "ServiceUnavailable" || info.retryable_codes.contains(&code)
    {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// An answer whose body is not the expected JSON: retried when a 5xx (a
/// proxy's error page), never for a 2xx or 4xx.
pub(crate) fn classify_unparseable(status: u16) -> Option<RetryKind> {
    (status >= 500).then_some(RetryKind::Transient)
}

/// A failure in transport. A connection that was never made is always
/// safe to retry; anything later may have reached the service, so it is
/// retried only when repeating the operation is harmless.
pub(crate) fn classify_transport(
    info: &OperationInfo,
    error: &TransportError,
) -> Option<RetryKind> {
    if error.is_connect() {
        Some(RetryKind::Transient)
    } else if info.read_only || info.idempotent {
        Some(RetryKind::Timeout)
    } else {
        None
    }
}

/// Capacity of a client's retry budget.
const BUDGET_CAPACITY: u32 = 500;
/// Tokens a retry takes; a timeout, which held a connection for long,
/// takes more.
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a first-attempt success gives back.
const SUCCESS_REWARD: u32 = 1;

/// A token bucket shared by all calls of a client: retries take tokens,
/// successes give them back. When a service keeps failing the bucket
/// empties and calls fail fast instead of multiplying the load.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: Mutex<u32>,
    capacity: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::with_capacity(BUDGET_CAPACITY)
    }
}

impl RetryBudget {
    pub(crate) fn with_capacity(capacity: u32) -> Self {
        RetryBudget {
            tokens: Mutex::new(capacity),
            capacity,
        }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, u32> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the tokens a retry of `kind` costs; `None` when too few are left.
    pub(crate) fn try_acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = match kind {
            RetryKind::Timeout => TIMEOUT_RETRY_COST,
            RetryKind::Transient | RetryKind::Throttling => RETRY_COST,
        };
        let mut tokens = self.tokens();
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// A call succeeded: the retries it took are refunded, or a first-try
    /// success adds a token.
    pub(crate) fn succeeded(&self, retry_costs: u32) {
        let mut tokens = self.tokens();
        let refund = if retry_costs == 0 {
            SUCCESS_REWARD
        } else {
            retry_costs
        };
        *tokens = (*tokens + refund).min(self.capacity);
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> u32 {
        *self.tokens()
    }
}

/// Uniform numbers in `[0, 1)` for jitter: splitmix64 over an atomic
/// counter, seeded from the OS (or fixed, for reproducible tests).
#[derive(Debug)]
pub(crate) struct Jitter {
    state: AtomicU64,
}

impl Default for Jitter {
    fn default() -> Self {
        Jitter::seeded(RandomState::new().hash_one(0x6a69_7474_6572_u64))
    }
}

impl Jitter {
    pub(crate) fn seeded(seed: u64) -> Self {
        Jitter {
            state: AtomicU64::new(seed),
        }
    }

    pub(crate) fn unit(&self) -> f64 {
        let mut z = self
            .state
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        // The top 53 bits fill an f64 mantissa exactly.
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation_support::Method;

    const WRITE: OperationInfo = OperationInfo {
        action: "StopVisualService",
        product: "EHPC",
        version: "2018-04-12",
        method: Method::Get,
        read_only: false,
        idempotent: false,
        retryable_codes: &["ConflictOpt"],
    };
    const READ: OperationInfo = OperationInfo {
        read_only: true,
        ..WRITE
    };

    #[test]
    fn backoff_grows_stays_under_the_cap_and_is_jittered() {
        let config = RetryConfig::standard()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(1500));
        let jitter = Jitter::seeded(7);
        let mut previous_ceiling = Duration::ZERO;
        for retry in 1..=10 {
            let ceiling = config.backoff_ceiling(retry);
            assert!(ceiling >= previous_ceiling, "ceilings never shrink");
            assert!(ceiling <= config.max_delay());
            previous_ceiling = ceiling;
            let samples: Vec<Duration> = (0..200)
                .map(|_| config.backoff(retry, jitter.unit()))
                .collect();
            assert!(samples.iter().all(|d| *d <= ceiling));
            // Full jitter: waits spread over the whole range.
            let longest = samples.iter().max().unwrap();
            let shortest = samples.iter().min().unwrap();
            assert!(
                *longest > ceiling.mul_f64(0.9),
                "retry {retry}: {longest:?}"
            );
            assert!(
                *shortest < ceiling.mul_f64(0.1),
                "retry {retry}: {shortest:?}"
            );
        }
        assert_eq!(config.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(config.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(config.backoff_ceiling(4), Duration::from_millis(800));
        assert_eq!(config.backoff_ceiling(5), Duration::from_millis(1500));
        assert_eq!(
            config.backoff_ceiling(u32::MAX),
            Duration::from_millis(1500)
        );
        assert_eq!(config.backoff(3, 0.5), Duration::from_millis(200));
    }

    #[test]
    fn seeded_jitter_is_reproducible_and_in_range() {
        let a: Vec<f64> = (0..100)
            .map({
                let j = Jitter::seeded(42);
                move |_| j.unit()
            })
            .collect();
        let b: Vec<f64> = (0..100)
            .map({
                let j = Jitter::seeded(42);
                move |_| j.unit()
            })
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|u| (0.0..1.0).contains(u)));
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn service_errors_are_sorted_by_code_and_status() {
        assert_eq!(
            classify_service(&WRITE, 400, "Throttling.User"),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_service(&WRITE, 503, "ServiceUnavailable"),
            Some(RetryKind::Transient)
        );
        assert_eq!(
            classify_service(&WRITE, 500, "InternalError"),
            Some(RetryKind::Transient)
        );
        assert_eq!(
            classify_service(&WRITE, 403, "ConflictOpt"),
            Some(RetryKind::Transient)
        );
        assert_eq!(classify_service(&WRITE, 404, "ClusterNotFound"), None);
        assert_eq!(classify_service(&WRITE, 400, "SignatureDoesNotMatch"), None);
        assert_eq!(classify_unparseable(502), Some(RetryKind::Transient));
        assert_eq!(classify_unparseable(404), None);
        assert_eq!(classify_unparseable(200), None);
    }

    #[test]
    fn timeouts_after_sending_are_retried_only_when_harmless() {
        let timeout = TransportError::timeout("X", "the attempt timeout elapsed");
        assert_eq!(classify_transport(&WRITE, &timeout), None);
        assert_eq!(
            classify_transport(&READ, &timeout),
            Some(RetryKind::Timeout)
        );
        let idempotent = OperationInfo {
            idempotent: true,
            ..WRITE
        };
        assert_eq!(
            classify_transport(&idempotent, &timeout),
            Some(RetryKind::Timeout)
        );
    }

    #[test]
    fn the_budget_empties_under_failures_and_refills_on_success() {
        let budget = RetryBudget::with_capacity(12);
        assert_eq!(budget.try_acquire(RetryKind::Transient), Some(5));
        assert_eq!(budget.try_acquire(RetryKind::Throttling), Some(5));
        assert_eq!(budget.try_acquire(RetryKind::Transient), None);
        assert_eq!(budget.available(), 2);
        budget.succeeded(10);
        assert_eq!(budget.available(), 12);
        budget.succeeded(0);
        assert_eq!(budget.available(), 12, "never above capacity");
        assert_eq!(budget.try_acquire(RetryKind::Timeout), Some(10));
        budget.succeeded(0);
        assert_eq!(budget.available(), 3);
    }
}
