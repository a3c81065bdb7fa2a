//! The retry policy: which failures are retried, how long to wait between
//! attempts, and a budget per region that stops retry storms.

mod adaptive;
mod budget;

pub(crate) use adaptive::Limiters;
pub(crate) use budget::Budgets;

use crate::error::{ResponseError, ServiceError, TransportError};
use crate::operation_support::OperationInfo;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Attempts at most, the first included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Ceiling of the first backoff after a transient failure (a connection
/// failure, a 5xx, a timeout); each retry doubles it.
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(50);
/// Ceiling of the first backoff after a throttling answer: the service
/// refills its quota over seconds, so retrying sooner is refused again.
pub const DEFAULT_THROTTLING_BASE_DELAY: Duration = Duration::from_secs(1);
/// No backoff is longer than this.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(20);
/// The longest `x-acs-retry-after` honoured; a longer one is cut to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How failed calls are retried: up to [`max_attempts`](Self::max_attempts)
/// attempts, each signed afresh, with exponential backoff and full jitter
/// between them (a uniformly random wait up to `base × 2^(retry − 1)`,
/// capped at `max_delay`). The base is 50 ms after a transient failure and
/// 1 s after throttling. When the service says how long to wait
/// (`x-acs-retry-after`), that wait is used instead, cut to
/// [`MAX_RETRY_AFTER`] and lengthened by up to 10% of jitter.
///
/// Retried: connection failures; throttling (`Throttling`,
/// `Throttling.*`, HTTP 429, any error answer with `x-acs-retry-after`),
/// which the service refuses before acting, so operations that change
/// things are retried too; HTTP 5xx and `ServiceUnavailable`; codes the
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
    throttling_base_delay: Duration,
    max_delay: Duration,
    adaptive: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// 3 attempts; backoff from 50 ms after transient failures and from
    /// 1 s after throttling, at most 20 s. The default.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            throttling_base_delay: DEFAULT_THROTTLING_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            adaptive: false,
        }
    }

    /// The standard policy with a client-side rate limiter per region and
    /// action. A limiter is off until the service first throttles its
    /// action; from then on it paces that action's attempts, cutting its
    /// rate to 70% of what was being sent on each throttling answer and
    /// growing it back along CUBIC's curve on success, as the AWS SDKs'
    /// adaptive mode does. Waiting for it counts against the operation
    /// timeout; waiters are served in the order they came. Retries after
    /// throttling are paced by the limiter and take nothing from the
    /// retry budget.
    ///
    /// For many callers sharing one quota, e.g. thousands of submissions:
    /// far fewer attempts are refused than with [`standard`](Self::standard)
    /// (docs/runtime.md gives the numbers).
    pub fn adaptive() -> Self {
        RetryConfig {
            adaptive: true,
            ..RetryConfig::standard()
        }
    }

    /// Whether attempts are paced by a client-side rate limiter
    /// ([`adaptive`](Self::adaptive)).
    pub fn is_adaptive(&self) -> bool {
        self.adaptive
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

    /// Ceiling of the first backoff after a transient failure.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Ceiling of the first backoff after a throttling answer that does not
    /// say how long to wait.
    pub fn with_throttling_base_delay(mut self, delay: Duration) -> Self {
        self.throttling_base_delay = delay;
        self
    }

    /// Cap of every backoff.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The most attempts a call makes, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff after a transient failure; each retry doubles the ceiling.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The first backoff after a throttling answer.
    pub fn throttling_base_delay(&self) -> Duration {
        self.throttling_base_delay
    }

    /// The longest backoff between two attempts.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest wait before retry number `retry` (1 for the wait after
    /// the first attempt) after a transient failure: `base × 2^(retry − 1)`,
    /// capped.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        self.ceiling(self.base_delay, retry)
    }

    /// The same after a throttling answer, from the throttling base.
    pub fn throttling_backoff_ceiling(&self, retry: u32) -> Duration {
        self.ceiling(self.throttling_base_delay, retry)
    }

    fn ceiling(&self, base: Duration, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        base.checked_mul(1u32 << doublings)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The wait before retry number `retry` after a transient failure, for
    /// a uniform random `unit` in `[0, 1)`: full jitter spreads retries of
    /// many clients apart.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        self.backoff_ceiling(retry).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// The wait before retry number `retry` after a failure of `kind`;
    /// `retry_after` is what the service asked for, if it did.
    pub(crate) fn delay(
        &self,
        kind: RetryKind,
        retry: u32,
        retry_after: Option<Duration>,
        unit: f64,
    ) -> Duration {
        let unit = unit.clamp(0.0, 1.0);
        match (retry_after, kind) {
            // Later rather than sooner: the service said when it will
            // have room, and jitter keeps many callers from arriving at once.
            (Some(asked), _) => asked.min(MAX_RETRY_AFTER).mul_f64(1.0 + 0.1 * unit),
            (None, RetryKind::Throttling) => self.throttling_backoff_ceiling(retry).mul_f64(unit),
            (None, RetryKind::Transient | RetryKind::Timeout) => self.backoff(retry, unit),
        }
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
pub(crate) fn classify_service(info: &OperationInfo, error: &ServiceError) -> Option<RetryKind> {
    let code = error.code();
    if error.is_throttling() {
        Some(RetryKind::Throttling)
    } else if error.is_server_error() || info.retryable_codes.contains(&code) {
        Some(RetryKind::Transient)
    } else {
        None
    }
}

/// An answer whose body is not the expected JSON: retried when a gateway
/// throttled (HTTP 429, `x-acs-retry-after`) or a 5xx (a proxy's error
/// page), never for another 2xx or 4xx.
pub(crate) fn classify_unparseable(error: &ResponseError) -> Option<RetryKind> {
    if error.is_throttling() {
        Some(RetryKind::Throttling)
    } else {
        (error.status() >= 500).then_some(RetryKind::Transient)
    }
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

    fn service(status: u16, code: &str) -> Option<RetryKind> {
        classify_service(&WRITE, &ServiceError::new("Op", status, code, ""))
    }

    fn unparseable(status: u16) -> Option<RetryKind> {
        classify_unparseable(&ResponseError::new("Op", status, b"<html>", None, None))
    }

    #[test]
    fn service_errors_are_sorted_by_code_and_status() {
        assert_eq!(service(400, "Throttling.User"), Some(RetryKind::Throttling));
        assert_eq!(service(400, "Throttling.Api"), Some(RetryKind::Throttling));
        assert_eq!(service(400, "Throttling"), Some(RetryKind::Throttling));
        assert_eq!(service(429, "TooManyRequests"), Some(RetryKind::Throttling));
        assert_eq!(
            service(503, "ServiceUnavailable"),
            Some(RetryKind::Transient)
        );
        assert_eq!(service(500, "InternalError"), Some(RetryKind::Transient));
        assert_eq!(service(403, "ConflictOpt"), Some(RetryKind::Transient));
        assert_eq!(service(404, "ClusterNotFound"), None);
        assert_eq!(service(400, "SignatureDoesNotMatch"), None);
        // Any error answer that says when to come back is throttling.
        let asked = ServiceError::new("Op", 400, "InvalidParameter", "")
            .with_retry_after(Duration::from_millis(500));
        assert_eq!(
            classify_service(&WRITE, &asked),
            Some(RetryKind::Throttling)
        );
        assert_eq!(unparseable(502), Some(RetryKind::Transient));
        assert_eq!(unparseable(429), Some(RetryKind::Throttling));
        assert_eq!(unparseable(404), None);
        assert_eq!(unparseable(200), None);
    }

    #[test]
    fn throttling_backs_off_from_a_second_and_retry_after_is_honoured() {
        let config = RetryConfig::standard();
        let ms = Duration::from_millis;
        // Transient failures: full jitter up to 50 ms, 100 ms, 200 ms...
        assert_eq!(config.delay(RetryKind::Transient, 1, None, 0.2), ms(10));
        assert_eq!(config.delay(RetryKind::Timeout, 3, None, 0.5), ms(100));
        // Throttling: up to 1 s, 2 s, 4 s..., never past 20 s.
        assert_eq!(config.delay(RetryKind::Throttling, 1, None, 0.5), ms(500));
        assert_eq!(config.delay(RetryKind::Throttling, 2, None, 0.0), ms(0));
        assert_eq!(config.throttling_backoff_ceiling(3), Duration::from_secs(4));
        assert_eq!(
            config.throttling_backoff_ceiling(9),
            Duration::from_secs(20)
        );
        // The service's wait, lengthened by at most 10%, whatever the kind.
        let asked = Some(Duration::from_secs(3));
        assert_eq!(config.delay(RetryKind::Throttling, 1, asked, 0.0), ms(3000));
        assert_eq!(config.delay(RetryKind::Transient, 5, asked, 0.5), ms(3150));
        let jitter = Jitter::seeded(3);
        for _ in 0..200 {
            let wait = config.delay(RetryKind::Throttling, 1, asked, jitter.unit());
            assert!((ms(3000)..=ms(3300)).contains(&wait), "{wait:?}");
        }
        // A wait past a minute is cut to one, before its jitter.
        let long = Some(Duration::from_secs(3600));
        assert_eq!(
            config.delay(RetryKind::Throttling, 1, long, 0.0),
            MAX_RETRY_AFTER
        );
        let longest = config.delay(RetryKind::Throttling, 1, long, 0.999_999);
        assert!(
            (ms(65_999)..Duration::from_secs(66)).contains(&longest),
            "{longest:?}"
        );
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
}
