//! Per-call options.

use std::time::Duration;

/// Options for one call, overriding the client's; set with the `with_*`
/// methods so they never clash with operation parameters.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Limit for the whole call, across retries.
    pub operation_timeout: Option<Duration>,
    /// Limit for one attempt, from sending to the end of the body.
    pub attempt_timeout: Option<Duration>,
    /// Attempts at most, the first included (1 turns retries off).
    pub max_attempts: Option<u32>,
}

impl CallOptions {
    pub fn new() -> Self {
        CallOptions::default()
    }

    pub fn with_operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }
}
