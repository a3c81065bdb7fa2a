//! The state layer: what every connection shares. The specs, the
//! configured and issued keys, and the books tests read and write (faults,
//! request log, used nonces, metadata-service sessions). Imports only the
//! wire and the specs.

mod bounded;
mod clock;
mod endpoint_book;
mod faults;
mod flow;
mod keys;
mod log;
mod metadata_book;

pub(crate) use endpoint_book::CredentialsUriBook;
pub use endpoint_book::EndpointFault;
pub(crate) use faults::FaultBook;
pub use faults::{BadBody, Fault, FaultError, Times, MAX_FAULTS};
pub(crate) use flow::{FlowBook, Refusal, Scope};
pub use flow::{FlowError, Qps, MAX_BUCKETS};
pub(crate) use keys::IssuedKeys;
pub use keys::{AccessKey, MAX_ISSUED_KEYS};
pub(crate) use log::RequestLog;
pub use log::{RequestRecord, DEFAULT_REQUEST_LOG_CAPACITY, MAX_LOGGED_BYTES, MAX_LOGGED_VALUE};
pub(crate) use metadata_book::MetadataBook;
pub use metadata_book::{MetadataRecord, MAX_METADATA_TOKENS};

pub(crate) use clock::Clock;

use crate::model::Model;
use crate::spec::Catalog;
use crate::wire::answer::RequestIds;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// How far a request's `Timestamp` may be from the emulator's clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// Connections served at once unless configured; more are answered 503
/// and closed at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Time a client has to send a request body unless configured.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Bounds on what a client can make the emulator hold or wait for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) body_read_timeout: Duration,
    /// Whether the stateful operations act on the model; when not, every
    /// operation answers from its examples.
    pub(crate) stateful: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            stateful: true,
        }
    }
}

pub(crate) struct State {
    pub(crate) catalog: Catalog,
    pub(crate) limits: Limits,
    pub(crate) keys: HashMap<String, AccessKey>,
    pub(crate) ids: RequestIds,
    nonces: Mutex<NonceBook>,
    faults: Mutex<FaultBook>,
    flow: Mutex<FlowBook>,
    log: Mutex<RequestLog>,
    pub(crate) issued: IssuedKeys,
    pub(crate) metadata: MetadataBook,
    pub(crate) credentials_uri: CredentialsUriBook,
    /// The issuers `AssumeRoleWithOIDC` accepts tokens from; never empty.
    pub(crate) oidc_issuers: Vec<String>,
    /// The resources stateful operations act on.
    model: Mutex<Model>,
    pub(crate) clock: Clock,
}

/// STS actions faults can be set for (STS has no spec to check codes by).
const STS_ACTIONS: &[&str] = &["AssumeRole", "AssumeRoleWithOIDC"];

impl State {
    pub(crate) fn new(
        catalog: Catalog,
        keys: Vec<AccessKey>,
        oidc_issuers: Vec<String>,
        log_capacity: usize,
        limits: Limits,
    ) -> Self {
        State {
            catalog,
            limits,
            keys: keys.into_iter().map(|k| (k.id.clone(), k)).collect(),
            ids: RequestIds::default(),
            nonces: Mutex::default(),
            faults: Mutex::default(),
            flow: Mutex::default(),
            log: Mutex::new(RequestLog::new(log_capacity)),
            issued: Default::default(),
            metadata: Default::default(),
            credentials_uri: Default::default(),
            oidc_issuers,
            model: Mutex::default(),
            clock: Clock::default(),
        }
    }

    pub(crate) fn nonces(&self) -> MutexGuard<'_, NonceBook> {
        lock(&self.nonces)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultBook> {
        lock(&self.faults)
    }

    pub(crate) fn flow(&self) -> MutexGuard<'_, FlowBook> {
        lock(&self.flow)
    }

    /// Replaces the flow-control limits, per caller (`user`) and across
    /// accounts (`api`), by action; every action must be served.
    pub(crate) fn set_qps(
        &self,
        user: std::collections::BTreeMap<String, Qps>,
        api: std::collections::BTreeMap<String, Qps>,
    ) -> Result<(), FlowError> {
        if let Some(unknown) = user
            .keys()
            .chain(api.keys())
            .find(|action| self.catalog.operation(action).is_none())
        {
            return Err(FlowError::UnknownAction(unknown.clone()));
        }
        for qps in user.values().chain(api.values()) {
            qps.check()?;
        }
        self.flow().set(user, api);
        Ok(())
    }

    pub(crate) fn model(&self) -> MutexGuard<'_, Model> {
        lock(&self.model)
    }

    pub(crate) fn log(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.log)
    }
}

/// A panic elsewhere must not stop the emulator answering: the books stay
/// usable after one.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Nonces of requests whose timestamp is still within the window: a
/// request whose timestamp has left it is refused as expired anyway, so
/// its nonce is forgotten. Nonces are kept as 64-bit keyed hashes (a false
/// match is about as likely as one in 10^10 over 100,000 live nonces),
/// which keeps a busy window small.
pub(crate) struct NonceBook {
    /// Hash of the nonce and the Unix second its timestamp expires at.
    seen: HashMap<u64, i64>,
    hasher: std::collections::hash_map::RandomState,
    /// The earliest expiry in `seen`, when something may be forgotten.
    next_prune: i64,
}

impl Default for NonceBook {
    fn default() -> Self {
        NonceBook {
            seen: HashMap::new(),
            hasher: Default::default(),
            next_prune: i64::MAX,
        }
    }
}

impl NonceBook {
    /// Records `nonce` of a request timestamped `sent` (Unix seconds) and
    /// received at `now`; `false` when it was used already.
    pub(crate) fn record(&mut self, nonce: &str, sent: i64, now: SystemTime) -> bool {
        use std::hash::BuildHasher as _;
        let now = crate::wire::timestamp::unix(now);
        if now > self.next_prune {
            self.seen.retain(|_, expires| *expires >= now);
            self.seen.shrink_to(self.seen.len() * 2);
            self.next_prune = self.seen.values().copied().min().unwrap_or(i64::MAX);
        }
        let expires = sent.saturating_add(MAX_CLOCK_SKEW.as_secs() as i64);
        self.next_prune = self.next_prune.min(expires);
        self.seen
            .insert(self.hasher.hash_one(nonce), expires)
            .is_none()
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }
}

impl State {
    /// Sets a fault for `action`, after checking it can be answered.
    pub(crate) fn inject(
        &self,
        action: &str,
        fault: Fault,
        times: Times,
    ) -> Result<(), FaultError> {
        let operation = self.catalog.operation(action);
        if operation.is_none() && !STS_ACTIONS.contains(&action) {
            return Err(FaultError::UnknownAction(action.to_string()));
        }
        match &fault {
            Fault::ServiceError { code }
                if !operation.is_some_and(|op| op.errors.iter().any(|e| &e.code == code)) =>
            {
                return Err(FaultError::UndocumentedCode {
                    action: action.to_string(),
                    code: code.clone(),
                })
            }
            Fault::Error { status, .. } | Fault::Body { status, .. }
                if !(200..=599).contains(status) =>
            {
                return Err(FaultError::InvalidStatus(*status))
            }
            _ => {}
        }
        let fault = match fault {
            Fault::Error {
                status,
                code,
                message,
            } => Fault::Error {
                status,
                code: truncate(code, MAX_FAULT_TEXT),
                message: truncate(message, MAX_FAULT_TEXT),
            },
            other => other,
        };
        self.faults().add(action, fault, times);
        Ok(())
    }
}

/// The state as a file holds it: the resources, the settings, and how far
/// the clock was advanced.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Dump {
    #[serde(default)]
    clock_advanced_seconds: u64,
    #[serde(default)]
    model: Model,
}

impl State {
    /// The resources, settings and clock as pretty-printed JSON.
    pub(crate) fn dump(&self) -> String {
        let dump = Dump {
            clock_advanced_seconds: self.clock.advanced(),
            model: self.model().clone(),
        };
        serde_json::to_string_pretty(&dump).expect("the model is plain data")
    }

    /// Replaces the resources, settings and clock with those of `text`;
    /// on error nothing changes.
    pub(crate) fn load(&self, text: &str) -> Result<(), StateError> {
        let dump: Dump = serde_json::from_str(text).map_err(|e| StateError {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let mut model = self.model();
        *model = dump.model;
        self.clock.set_advanced(dump.clock_advanced_seconds);
        Ok(())
    }
}

/// A state document that cannot be loaded, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column of the problem.
    pub column: usize,
    message: String,
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an emulator state: {}", self.message)
    }
}

impl std::error::Error for StateError {}

/// Longest code or message a fault keeps; the rest is cut off.
pub const MAX_FAULT_TEXT: usize = 4096;

/// `text` cut to at most `limit` bytes, at a character boundary.
fn truncate(mut text: String, limit: usize) -> String {
    if text.len() > limit {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn nonces_are_refused_again_until_their_timestamp_expires() {
        let mut book = NonceBook::default();
        let start = 1_700_000_000;
        let at = |seconds: i64| UNIX_EPOCH + Duration::from_secs(seconds as u64);
        assert!(book.record("a", start, at(start)));
        assert!(!book.record("a", start, at(start + 60)));
        assert!(book.record("b", start + 60, at(start + 60)));
        // Past the window of `a`'s timestamp: `a` is forgotten, `b` kept.
        let later = start + MAX_CLOCK_SKEW.as_secs() as i64 + 1;
        assert!(book.record("c", later, at(later)));
        assert_eq!(book.len(), 2);
        assert!(!book.record("b", start + 60, at(later)));
        // Many nonces over a long run: only the live window is remembered.
        for second in 0..100_000i64 {
            let time = later + second * 60;
            assert!(book.record(&format!("n{second}"), time, at(time)));
        }
        assert!(book.len() <= 17, "{} nonces remembered", book.len());
    }
}
