//! What the instance metadata service keeps: the session tokens it handed
//! out and the log of its requests.

use super::bounded::Bounded;
use super::endpoint_book::EndpointFault;
use super::keys::RandomText;
use std::sync::Mutex;
use std::time::SystemTime;

/// Session tokens kept; the oldest are forgotten first.
pub const MAX_METADATA_TOKENS: usize = 10_000;

/// One request to the metadata service, for tests to read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetadataRecord {
    pub method: String,
    pub path: String,
    /// Whether the request carried a session token header.
    pub with_token: bool,
    pub status: u16,
}

/// Session tokens handed out, and the log.
pub(crate) struct MetadataBook {
    pub(crate) tokens: Mutex<Bounded<SystemTime>>,
    pub(crate) log: Mutex<Vec<MetadataRecord>>,
    pub(crate) random: RandomText,
    pub(crate) fault: Mutex<Option<EndpointFault>>,
}

impl Default for MetadataBook {
    fn default() -> Self {
        MetadataBook {
            tokens: Mutex::new(Bounded::new(MAX_METADATA_TOKENS)),
            log: Mutex::default(),
            random: RandomText::default(),
            fault: Mutex::default(),
        }
    }
}
