//! What the credentials endpoints outside RPC keep: how a test asked them
//! to fail, and how often the credentials URI was asked.

use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;

/// How the metadata service or the credentials URI goes wrong, until
/// cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointFault {
    /// Metadata service only: `PUT /latest/api/token` is refused with 403
    /// while reads without a token are served (the older flow).
    RefuseToken,
    /// Every request is answered with this status and a short text body.
    Status(u16),
    /// Every answer comes after this pause.
    Delay { millis: u64 },
    /// Connections are closed without an answer.
    DropConnection,
}

/// The credentials URI's fault and request count.
#[derive(Default)]
pub(crate) struct CredentialsUriBook {
    pub(crate) fault: Mutex<Option<EndpointFault>>,
    pub(crate) requests: AtomicUsize,
}
