//! Caching of temporary credentials, refreshed shortly before they expire
//! by one caller while the others wait for its result.

use super::{Credentials, CredentialsError, ProvideFuture};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How long before expiry temporary keys are replaced (the official SDKs
/// refresh metadata-service keys with 180 s left).
pub(crate) const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(180);

#[derive(Debug)]
pub(crate) struct CredentialsCache {
    current: Mutex<Option<Credentials>>,
    /// Held while fetching, so concurrent callers share one refresh.
    refreshing: tokio::sync::Mutex<()>,
    refresh_window: Duration,
}

impl CredentialsCache {
    pub(crate) fn new(refresh_window: Duration) -> Self {
        CredentialsCache {
            current: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            refresh_window,
        }
    }

    /// Cached credentials while they have more than the refresh window
    /// left; otherwise the result of `fetch`, run by one caller at a time.
    /// When a refresh fails but the cached keys still work, they are used.
    pub(crate) async fn get_or_refresh<'f>(
        &self,
        fetch: impl FnOnce() -> ProvideFuture<'f>,
    ) -> Result<Credentials, CredentialsError> {
        if let Some(fresh) = self.fresh(SystemTime::now()) {
            return Ok(fresh);
        }
        let _refreshing = self.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(fresh) = self.fresh(SystemTime::now()) {
            return Ok(fresh);
        }
        match fetch().await {
            Ok(credentials) => {
                *self.lock() = Some(credentials.clone());
                Ok(credentials)
            }
            Err(error) => match self.unexpired(SystemTime::now()) {
                Some(still_valid) => {
                    tracing::warn!(
                        provider = error.provider,
                        error = %error,
                        "refreshing credentials failed; using the cached ones until they expire"
                    );
                    Ok(still_valid)
                }
                None => Err(error),
            },
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Credentials>> {
        // A panic elsewhere cannot leave an `Option` half-written.
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let current = self.lock();
        let credentials = current.as_ref()?;
        match credentials.expiration() {
            None => Some(credentials.clone()),
            Some(expiration) => {
                let left = expiration.duration_since(now).unwrap_or(Duration::ZERO);
                (left > self.refresh_window).then(|| credentials.clone())
            }
        }
    }

    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        let current = self.lock();
        let credentials = current.as_ref()?;
        match credentials.expiration() {
            Some(expiration) if expiration <= now => None,
            _ => Some(credentials.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Fresh: the fetch is not run.
        let again = cache
            .get_or_refresh(|| panic!("fresh keys must not be fetched again"))
            .await
            .unwrap();
        assert_eq!(first, again);

        let cache = CredentialsCache::new(Duration::from_secs(600));
        cache
            .get_or_refresh(|| Box::pin(async { Ok(expiring_in(300)) }))
            .await
            .unwrap();
        // Inside the window: refreshed; a failed refresh keeps the
        // unexpired keys.
        let kept = cache
            .get_or_refresh(|| {
                Box::pin(async { Err(CredentialsError::new("test", "unreachable")) })
            })
            .await
            .unwrap();
        assert_eq!(kept.access_key_id(), "id");
    }
}
