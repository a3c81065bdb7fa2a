//! Flow control as the service's gateway applies it: a token bucket per
//! account, region and action (over it: `Throttling.User`), and optionally
//! one per action across all accounts (over it: `Throttling.Api`).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, Instant};

/// A limit: `rate` requests per second on average, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "QpsFields", into = "QpsFields")]
pub struct Qps {
    rate: f64,
    burst: u32,
}

/// `Qps` as JSON: `{"rate": 100, "burst": 100}`, `burst` optional.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QpsFields {
    rate: f64,
    #[serde(default)]
    burst: Option<u32>,
}

impl TryFrom<QpsFields> for Qps {
    type Error = FlowError;

    fn try_from(fields: QpsFields) -> Result<Self, FlowError> {
        let qps = Qps::new(fields.rate);
        let qps = match fields.burst {
            Some(burst) => qps.with_burst(burst),
            None => qps,
        };
        qps.check()
    }
}

impl From<Qps> for QpsFields {
    fn from(qps: Qps) -> Self {
        QpsFields {
            rate: qps.rate,
            burst: Some(qps.burst),
        }
    }
}

impl Qps {
    /// `rate` per second, with a burst of one second's worth (at least 1).
    pub fn new(rate: f64) -> Qps {
        let burst = if rate.is_finite() && rate >= 1.0 {
            rate.ceil().min(f64::from(u32::MAX)) as u32
        } else {
            1
        };
        Qps { rate, burst }
    }

    /// Requests a full bucket lets through at once.
    pub fn with_burst(mut self, burst: u32) -> Qps {
        self.burst = burst;
        self
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Reads `ACTION=RATE[:BURST]`, as `--qps` takes it.
    pub fn parse_for_action(text: &str) -> Result<(String, Qps), FlowError> {
        let invalid = || FlowError::Syntax(text.to_string());
        let (action, limit) = text.split_once('=').ok_or_else(invalid)?;
        let (rate, burst) = match limit.split_once(':') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (limit, None),
        };
        let mut qps = Qps::new(rate.parse().map_err(|_| invalid())?);
        if let Some(burst) = burst {
            qps = qps.with_burst(burst.parse().map_err(|_| invalid())?);
        }
        if action.is_empty() {
            return Err(invalid());
        }
        Ok((action.to_string(), qps.check()?))
    }

    pub(crate) fn check(self) -> Result<Qps, FlowError> {
        if !(self.rate.is_finite() && self.rate > 0.0) {
            return Err(FlowError::InvalidRate(self.rate));
        }
        if self.burst == 0 {
            return Err(FlowError::ZeroBurst);
        }
        Ok(self)
    }
}

/// A limit that cannot be set.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FlowError {
    /// No spec defines the action.
    UnknownAction(String),
    /// The rate is not a positive number.
    InvalidRate(f64),
    /// A burst of 0 would refuse everything.
    ZeroBurst,
    /// Not `ACTION=RATE[:BURST]`.
    Syntax(String),
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowError::UnknownAction(action) => {
                write!(f, "no spec defines the action `{action}` to limit")
            }
            FlowError::InvalidRate(rate) => {
                write!(
                    f,
                    "the rate {rate} is not a positive number of requests per second"
                )
            }
            FlowError::ZeroBurst => f.write_str("a burst of 0 would refuse every request"),
            FlowError::Syntax(text) => {
                write!(
                    f,
                    "`{text}` is not ACTION=RATE[:BURST], e.g. CreateJob=100:200"
                )
            }
        }
    }
}

impl std::error::Error for FlowError {}

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The caller's own, per account, region and action.
    User,
    /// The action's, across every account.
    Api,
}

/// A refused request: which limit, and when a token is next free.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Refusal {
    pub(crate) scope: Scope,
    pub(crate) retry_after: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn full(limit: Qps, now: Instant) -> Self {
        Bucket {
            tokens: f64::from(limit.burst),
            updated: now,
        }
    }

    fn refill(&mut self, limit: Qps, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * limit.rate).min(f64::from(limit.burst));
        self.updated = now;
    }

    /// The time until a whole token is there; zero when one is.
    fn wait(&self, limit: Qps) -> Duration {
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / limit.rate)
        }
    }
}

/// Buckets kept at most; past it, those that are full again (and so
/// indistinguishable from new ones) are forgotten.
pub const MAX_BUCKETS: usize = 10_000;

/// The limits set and the buckets of the callers seen.
#[derive(Default)]
pub(crate) struct FlowBook {
    user: BTreeMap<String, Qps>,
    api: BTreeMap<String, Qps>,
    /// By account, region and action.
    buckets: HashMap<(String, String, String), Bucket>,
    api_buckets: HashMap<String, Bucket>,
}

impl FlowBook {
    /// The per-caller limits, by action.
    pub(crate) fn user_limits(&self) -> &BTreeMap<String, Qps> {
        &self.user
    }

    /// The per-action limits across accounts.
    pub(crate) fn api_limits(&self) -> &BTreeMap<String, Qps> {
        &self.api
    }

    /// Replaces the limits; every bucket starts full again.
    pub(crate) fn set(&mut self, user: BTreeMap<String, Qps>, api: BTreeMap<String, Qps>) {
        self.user = user;
        self.api = api;
        self.buckets.clear();
        self.api_buckets.clear();
    }

    /// Takes a token for a request of `account` in `region` calling
    /// `action` at `now`, from both of its buckets or from neither.
    pub(crate) fn admit(
        &mut self,
        account: &str,
        region: &str,
        action: &str,
        now: Instant,
    ) -> Result<(), Refusal> {
        let user = self.user.get(action).copied();
        let api = self.api.get(action).copied();
        if user.is_none() && api.is_none() {
            return Ok(());
        }
        if self.buckets.len() >= MAX_BUCKETS {
            let limits = &self.user;
            self.buckets.retain(|(_, _, action), bucket| {
                limits.get(action).is_some_and(|limit| {
                    bucket.refill(*limit, now);
                    bucket.tokens < f64::from(limit.burst)
                })
            });
            if self.buckets.len() >= MAX_BUCKETS {
                self.buckets.clear();
            }
        }
        let mut user_bucket = user.map(|limit| {
            let key = (account.to_string(), region.to_string(), action.to_string());
            let bucket = self
                .buckets
                .entry(key)
                .or_insert_with(|| Bucket::full(limit, now));
            bucket.refill(limit, now);
            (limit, bucket)
        });
        if let Some((limit, bucket)) = &user_bucket {
            let wait = bucket.wait(*limit);
            if !wait.is_zero() {
                return Err(Refusal {
                    scope: Scope::User,
                    retry_after: wait,
                });
            }
        }
        if let Some(limit) = api {
            let bucket = self
                .api_buckets
                .entry(action.to_string())
                .or_insert_with(|| Bucket::full(limit, now));
            bucket.refill(limit, now);
            let wait = bucket.wait(limit);
            if !wait.is_zero() {
                return Err(Refusal {
                    scope: Scope::Api,
                    retry_after: wait,
                });
            }
            bucket.tokens -= 1.0;
        }
        if let Some((_, bucket)) = &mut user_bucket {
            bucket.tokens -= 1.0;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(user: &[(&str, Qps)], api: &[(&str, Qps)]) -> FlowBook {
        let table = |limits: &[(&str, Qps)]| {
            limits
                .iter()
                .map(|(action, qps)| (action.to_string(), *qps))
                .collect()
        };
        let mut book = FlowBook::default();
        book.set(table(user), table(api));
        book
    }

    fn assert_close(wait: Duration, seconds: f64) {
        assert!((wait.as_secs_f64() - seconds).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn a_bucket_lets_its_burst_through_then_refills_at_its_rate() {
        let mut book = book(&[("CreateJob", Qps::new(10.0).with_burst(3))], &[]);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(book.admit("a", "cn-hangzhou", "CreateJob", start), Ok(()));
        }
        let refused = book
            .admit("a", "cn-hangzhou", "CreateJob", start)
            .unwrap_err();
        assert_eq!(refused.scope, Scope::User);
        assert_close(refused.retry_after, 0.1);
        // Other actions, accounts and regions have buckets of their own.
        assert_eq!(book.admit("a", "cn-hangzhou", "GetJob", start), Ok(()));
        assert_eq!(book.admit("b", "cn-hangzhou", "CreateJob", start), Ok(()));
        assert_eq!(book.admit("a", "cn-beijing", "CreateJob", start), Ok(()));
        // Half a token after 50 ms: still refused, for the other half.
        let half = start + Duration::from_millis(50);
        let refused = book
            .admit("a", "cn-hangzhou", "CreateJob", half)
            .unwrap_err();
        assert_close(refused.retry_after, 0.05);
        let later = start + Duration::from_millis(100);
        assert_eq!(book.admit("a", "cn-hangzhou", "CreateJob", later), Ok(()));
        assert!(book.admit("a", "cn-hangzhou", "CreateJob", later).is_err());
        // Never more than the burst, however long it was idle.
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(
                book.admit("a", "cn-hangzhou", "CreateJob", much_later),
                Ok(())
            );
        }
        assert!(book
            .admit("a", "cn-hangzhou", "CreateJob", much_later)
            .is_err());
    }

    #[test]
    fn the_api_limit_counts_every_account_and_a_refusal_takes_nothing() {
        let mut book = book(
            &[("CreateJob", Qps::new(1.0).with_burst(1))],
            &[("CreateJob", Qps::new(1.0).with_burst(2))],
        );
        let now = Instant::now();
        assert_eq!(book.admit("a", "r", "CreateJob", now), Ok(()));
        let own = book.admit("a", "r", "CreateJob", now).unwrap_err();
        assert_eq!(own.scope, Scope::User);
        assert_eq!(book.admit("b", "r", "CreateJob", now), Ok(()));
        let shared = book.admit("c", "r", "CreateJob", now).unwrap_err();
        assert_eq!(shared.scope, Scope::Api);
        // `c` was refused by the API's bucket; its own token is still there.
        let later = now + Duration::from_secs(1);
        assert_eq!(book.admit("c", "r", "CreateJob", later), Ok(()));
    }

    #[test]
    fn limits_read_from_the_command_line_and_json() {
        let (action, qps) = Qps::parse_for_action("CreateJob=100:200").unwrap();
        assert_eq!(
            (action.as_str(), qps.rate(), qps.burst()),
            ("CreateJob", 100.0, 200)
        );
        let (_, qps) = Qps::parse_for_action("GetJob=0.5").unwrap();
        assert_eq!((qps.rate(), qps.burst()), (0.5, 1));
        assert_eq!(Qps::parse_for_action("GetJob=2.5").unwrap().1.burst(), 3);
        for bad in ["CreateJob", "=5", "CreateJob=fast", "CreateJob=5:x"] {
            assert_eq!(
                Qps::parse_for_action(bad),
                Err(FlowError::Syntax(bad.into()))
            );
        }
        assert_eq!(
            Qps::parse_for_action("CreateJob=0"),
            Err(FlowError::InvalidRate(0.0))
        );
        assert_eq!(
            Qps::parse_for_action("CreateJob=5:0"),
            Err(FlowError::ZeroBurst)
        );
        let qps: Qps = serde_json::from_str(r#"{"rate": 100, "burst": 100}"#).unwrap();
        assert_eq!(qps, Qps::new(100.0).with_burst(100));
        assert!(serde_json::from_str::<Qps>(r#"{"rate": -1}"#).is_err());
        assert!(serde_json::from_str::<Qps>(r#"{"rate": 1, "bust": 2}"#).is_err());
    }

    #[test]
    fn buckets_stay_bounded_under_many_callers() {
        let mut book = book(&[("CreateJob", Qps::new(1000.0))], &[]);
        let now = Instant::now();
        for region in 0..MAX_BUCKETS * 2 {
            assert_eq!(
                book.admit("a", &region.to_string(), "CreateJob", now),
                Ok(())
            );
        }
        assert!(book.buckets.len() <= MAX_BUCKETS);
    }
}
