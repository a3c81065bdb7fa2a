//! What the instance metadata service keeps: the session tokens it handed
//! out and the log of its requests.

use super::keys::RandomText;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

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
#[derive(Default)]
pub(crate) struct MetadataBook {
    pub(crate) tokens: Mutex<HashMap<String, SystemTime>>,
    pub(crate) log: Mutex<Vec<MetadataRecord>>,
    pub(crate) random: RandomText,
}
