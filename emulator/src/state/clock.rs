//! The emulator's clock, which resource lifecycles follow: real time plus
//! whatever a test advanced it by, in whole seconds since the Unix epoch.
//! The gateway's timestamp check keeps to real time, so advancing the
//! clock never makes a signed request stale.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub(crate) struct Clock {
    advanced: AtomicU64,
}

impl Clock {
    /// The emulator's time now.
    pub(crate) fn now(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        real.saturating_add(self.advanced())
    }

    /// How far ahead of real time the clock is.
    pub(crate) fn advanced(&self) -> u64 {
        self.advanced.load(Ordering::Relaxed)
    }

    pub(crate) fn advance(&self, seconds: u64) {
        let _ = self
            .advanced
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| {
                Some(a.saturating_add(seconds))
            });
    }

    pub(crate) fn set_advanced(&self, seconds: u64) {
        self.advanced.store(seconds, Ordering::Relaxed);
    }
}
