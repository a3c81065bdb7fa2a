//! Per-call options.

use crate::retry::RetryConfig;
use std::time::Duration;

/// Options for one call, overriding the client's; set with the `with_*`
/// methods so they never clash with operation parameters.
///
/// ```no_run
/// use ehpc_sdk::{CallOptions, Client};
/// use std::time::Duration;
///
/// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
/// let answer = client
///     .stop_visual_service()
///     .cluster_id("ehpc-hz-jeJki6****")
///     .cidr_ip("192.168.0.0/24")
///     .port(12016)
///     .with_options(
///         CallOptions::new()
///             .with_attempt_timeout(Duration::from_secs(2))
///             .with_operation_timeout(Duration::from_secs(8))
///             .with_max_attempts(2),
///     )
///     .send()
///     .await?;
/// # let _ = answer;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Limit for the whole call, across retries.
    pub operation_timeout: Option<Duration>,
    /// Limit for one attempt, from sending to the end of the body.
    pub attempt_timeout: Option<Duration>,
    /// Attempts at most, the first included (1 turns retries off); wins
    /// over the policy's.
    pub max_attempts: Option<u32>,
    /// The retry policy for this call.
    pub retry: Option<RetryConfig>,
}

impl CallOptions {
    /// Options that change nothing: the client's settings apply.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Bounds the whole call, every attempt and the waits between them included.
    pub fn with_operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Bounds each attempt, from sending to the last byte of the answer.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// At most this many attempts for this call (1: no retry).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// The retry policy of this call instead of the client's.
    pub fn with_retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }
}
