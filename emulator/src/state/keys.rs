//! Access keys: those configured at start and the temporary ones STS and
//! the metadata service hand out.

use super::bounded::Bounded;
use crate::wire::answer::Rejection;
use crate::wire::timestamp;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// An access key the emulator accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub(crate) id: String,
    pub(crate) secret: String,
    /// When set, requests with this key must carry this `SecurityToken`.
    pub(crate) security_token: Option<String>,
}

impl AccessKey {
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        AccessKey {
            id: id.into(),
            secret: secret.into(),
            security_token: None,
        }
    }

    /// Temporary credentials: requests must also carry `token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Temporary keys kept; the oldest are forgotten first (and then refused
/// as unknown).
pub const MAX_ISSUED_KEYS: usize = 10_000;

/// A temporary key, when it expires, and the account whose resources it
/// reaches.
type Issued = (AccessKey, SystemTime, String);

/// Temporary keys handed out, accepted until they expire.
pub(crate) struct IssuedKeys {
    keys: Mutex<Bounded<Issued>>,
    random: RandomText,
}

impl Default for IssuedKeys {
    fn default() -> Self {
        IssuedKeys {
            keys: Mutex::new(Bounded::new(MAX_ISSUED_KEYS)),
            random: RandomText::default(),
        }
    }
}

impl IssuedKeys {
    /// A new temporary key pair with its security token, acting for
    /// `account` (the resources it reaches are that account's).
    pub(crate) fn issue(&self, account: &str, lifetime: Duration) -> (AccessKey, SystemTime) {
        let key = AccessKey::new(
            format!("STS.{}", self.random.next(24)),
            self.random.next(32),
        )
        .with_security_token(format!("CAIS{}", self.random.next(96)));
        let expiration = SystemTime::now() + lifetime;
        // A key issued to a temporary key acts for that key's account.
        let account = self
            .account_of(account)
            .unwrap_or_else(|| account.to_string());
        self.lock()
            .insert(key.id.clone(), (key.clone(), expiration, account));
        (key, expiration)
    }

    /// The account an issued key acts for; `None` for other keys.
    pub(crate) fn account_of(&self, id: &str) -> Option<String> {
        self.lock().get(id).map(|(_, _, account)| account.clone())
    }

    /// The issued key `id` when it is still valid; `Ok(None)` when it was
    /// never issued.
    pub(crate) fn find(&self, id: &str, now: SystemTime) -> Result<Option<AccessKey>, Rejection> {
        match self.lock().get(id) {
            None => Ok(None),
            Some((_, expiration, _)) if *expiration <= now => Err(Rejection::new(
                400,
                "InvalidSecurityToken.Expired",
                format!(
                    "The security token expired at {}.",
                    timestamp::format(*expiration)
                ),
            )),
            Some((key, _, _)) => Ok(Some(key.clone())),
        }
    }

    /// Makes every key issued so far expire at `now`.
    pub(crate) fn expire_all(&self, now: SystemTime) {
        for (_, expiration, _) in self.lock().values_mut() {
            *expiration = now;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bounded<Issued>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Unpredictable alphanumeric text for keys and tokens.
#[derive(Default)]
pub(crate) struct RandomText {
    keys: RandomState,
    counter: AtomicU64,
}

impl RandomText {
    pub(crate) fn next(&self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        (0..length)
            .map(|index| {
                let mut hasher = self.keys.build_hasher();
                hasher.write_u64(count);
                hasher.write_usize(index);
                ALPHABET[(hasher.finish() % ALPHABET.len() as u64) as usize] as char
            })
            .collect()
    }
}
