//! Caching of temporary credentials: one refresh at a time, its outcome
//! shared by every caller that waited for it, a short pause after a
//! failure, and keys used for as long as they are valid.

use super::{Credentials, CredentialsError, ProvideFuture};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How long before expiry temporary keys are replaced (the official SDKs
/// refresh metadata-service keys with 180 s left).
pub(crate) const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(180);

/// After a failed refresh, callers get that failure (or the still-valid
/// keys) without a new attempt for this long, so a broken source is not
/// asked once per call.
pub(crate) const REFRESH_BACKOFF: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct CredentialsCache {
    state: Mutex<State>,
    /// Held while fetching, so concurrent callers share one refresh.
    refreshing: tokio::sync::Mutex<()>,
    refresh_window: Duration,
    backoff: Duration,
}

#[derive(Debug, Default)]
struct State {
    current: Option<Entry>,
    /// Refresh attempts finished so far: a caller that waited for the lock
    /// sees that one finished meanwhile and takes its outcome.
    attempts: u64,
    failure: Option<(Instant, CredentialsError)>,
}

#[derive(Debug)]
struct Entry {
    credentials: Credentials,
    /// `None`: keys that do not expire.
    refresh_at: Option<SystemTime>,
}

impl Entry {
    fn new(credentials: Credentials, window: Duration, obtained: SystemTime) -> Self {
        // Keys that live shorter than twice the window are refreshed at
        // half their life, not at once: otherwise every call would refresh.
        let refresh_at = credentials.expiration().map(|expiration| {
            let life = expiration
                .duration_since(obtained)
                .unwrap_or(Duration::ZERO);
            expiration - window.min(life / 2)
        });
        Entry {
            credentials,
            refresh_at,
        }
    }

    fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    fn is_valid(&self, now: SystemTime) -> bool {
        self.credentials
            .expiration()
            .is_none_or(|expiration| now < expiration)
    }
}

impl State {
    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let entry = self.current.as_ref()?;
        entry.is_fresh(now).then(|| entry.credentials.clone())
    }

    fn valid(&self, now: SystemTime) -> Option<Credentials> {
        let entry = self.current.as_ref()?;
        entry.is_valid(now).then(|| entry.credentials.clone())
    }

    fn recent_failure(&self, backoff: Duration) -> Option<&CredentialsError> {
        let (at, error) = self.failure.as_ref()?;
        (at.elapsed() < backoff).then_some(error)
    }
}

impl CredentialsCache {
    pub(crate) fn new(refresh_window: Duration) -> Self {
        CredentialsCache {
            state: Mutex::default(),
            refreshing: tokio::sync::Mutex::new(()),
            refresh_window,
            backoff: REFRESH_BACKOFF,
        }
    }

    /// Cached credentials until their refresh time; then the result of
    /// `fetch`, run by one caller at a time. While one caller refreshes,
    /// the others use the cached keys if still valid, or wait and share
    /// the outcome. A failed refresh leaves valid keys in use.
    pub(crate) async fn get_or_refresh<'f>(
        &self,
        fetch: impl FnOnce() -> ProvideFuture<'f>,
    ) -> Result<Credentials, CredentialsError> {
        let seen = {
            let state = self.lock();
            if let Some(fresh) = state.fresh(SystemTime::now()) {
                return Ok(fresh);
            }
            state.attempts
        };
        let _refreshing = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone else is refreshing: valid keys need not wait.
                if let Some(valid) = self.lock().valid(SystemTime::now()) {
                    return Ok(valid);
                }
                self.refreshing.lock().await
            }
        };
        {
            let state = self.lock();
            let now = SystemTime::now();
            if let Some(fresh) = state.fresh(now) {
                return Ok(fresh);
            }
            let shared = state.attempts != seen || state.recent_failure(self.backoff).is_some();
            if shared {
                if let Some(valid) = state.valid(now) {
                    return Ok(valid);
                }
                if let Some((_, error)) = &state.failure {
                    return Err(error.clone());
                }
            }
        }
        let result = fetch().await;
        let now = SystemTime::now();
        let mut state = self.lock();
        state.attempts += 1;
        match result {
            Ok(credentials) => {
                state.failure = None;
                state.current = Some(Entry::new(credentials.clone(), self.refresh_window, now));
                Ok(credentials)
            }
            Err(error) => {
                state.failure = Some((Instant::now(), error.clone()));
                match state.valid(now) {
                    Some(still_valid) => {
                        tracing::warn!(
                            provider = error.provider,
                            error = %error,
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        Ok(still_valid)
                    }
                    None => Err(error),
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the state half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn expiring_in(seconds: u64) -> Credentials {
        Credentials::new("id", "secret")
            .with_security_token("token")
            .with_expiration(SystemTime::now() + Duration::from_secs(seconds))
    }

    #[tokio::test]
    async fn keeps_keys_until_the_refresh_window_and_falls_back_while_valid() {
        let cache = CredentialsCache::new(Duration::from_secs(60));
        let first = cache
            .get_or_refresh(|| Box::pin(async { Ok(expiring_in(3600)) }))
            .await
            .unwrap();
        let again = cache
            .get_or_refresh(|| panic!("fresh keys must not be fetched again"))
            .await
            .unwrap();
        assert_eq!(first, again);

        // Keys of 300 s with a 600 s window: refreshed at half their life,
        // so the next call is served from the cache.
        let cache = CredentialsCache::new(Duration::from_secs(600));
        cache
            .get_or_refresh(|| Box::pin(async { Ok(expiring_in(300)) }))
            .await
            .unwrap();
        cache
            .get_or_refresh(|| panic!("short-lived keys are not refreshed at once"))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_failure_is_shared_and_not_retried_during_the_backoff() {
        let cache = CredentialsCache::new(Duration::from_secs(60));
        let fetches = AtomicUsize::new(0);
        let fail = || {
            fetches.fetch_add(1, Ordering::SeqCst);
            Box::pin(async { Err(CredentialsError::new("test", "refused")) }) as ProvideFuture<'_>
        };
        assert!(cache.get_or_refresh(fail).await.is_err());
        assert!(cache.get_or_refresh(fail).await.is_err());
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn valid_keys_are_kept_when_a_refresh_fails() {
        let cache = Arc::new(CredentialsCache::new(Duration::from_secs(600)));
        // Due at once (already past half of a 2 s life), still valid.
        let obtained = SystemTime::now() - Duration::from_secs(5);
        cache.lock().current = Some(Entry::new(
            expiring_in(3600),
            Duration::from_secs(600),
            obtained,
        ));
        cache.lock().current.as_mut().unwrap().refresh_at = Some(obtained);
        let kept = cache
            .get_or_refresh(|| Box::pin(async { Err(CredentialsError::new("test", "down")) }))
            .await
            .unwrap();
        assert_eq!(kept.access_key_id(), "id");
    }
}
