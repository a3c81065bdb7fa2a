//! A [`WaitClock`] for tests against the emulator: instead of sleeping, a
//! waiter's pause moves the emulator's own clock on by as long, so the
//! resources it polls change state while no real time passes. A half-hour
//! wait takes milliseconds, and the pauses the waiter chose are kept.
//!
//! Shared by the workflow examples and the SDK's waiter tests; copy it into
//! your own tests to wait on the emulator the same way.

use ehpc_emulator::Emulator;
use ehpc_sdk::wait::WaitClock;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct EmulatorClock {
    emulator: Arc<Emulator>,
    elapsed: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl EmulatorClock {
    pub fn new(emulator: &Arc<Emulator>) -> Arc<Self> {
        Arc::new(EmulatorClock {
            emulator: emulator.clone(),
            elapsed: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        })
    }

    /// Every pause taken so far, in order.
    #[allow(dead_code)]
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }

    /// Pauses taken since the `mark`-th one, and their total.
    #[allow(dead_code)]
    pub fn since(&self, mark: usize) -> (usize, Duration) {
        let sleeps = self.sleeps.lock().unwrap();
        let recent = sleeps.get(mark..).unwrap_or_default();
        (recent.len(), recent.iter().sum())
    }
}

impl fmt::Debug for EmulatorClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorClock")
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

impl WaitClock for EmulatorClock {
    fn now(&self) -> Duration {
        *self.elapsed.lock().unwrap()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let mut elapsed = self.elapsed.lock().unwrap();
        // The emulator's clock counts whole seconds: move it by the seconds
        // this pause completes, so fractions add up across pauses.
        let before = elapsed.as_secs();
        *elapsed += duration;
        self.emulator
            .advance_clock(Duration::from_secs(elapsed.as_secs() - before));
        self.sleeps.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}
