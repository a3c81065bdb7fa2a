//! A request in RPC terms, as every layer above the wire sees it.

use crate::wire::answer::Rejection;
use std::time::SystemTime;

/// A request in RPC terms.
#[derive(Debug, Clone)]
pub(crate) struct RpcRequest {
    pub(crate) method: String,
    /// Query and form parameters, decoded, in the order received.
    pub(crate) params: Vec<(String, String)>,
    /// The `Host` header, reported back as `HostId`.
    pub(crate) host: String,
    pub(crate) received: SystemTime,
}

impl RpcRequest {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parameter every request must carry.
pub(crate) fn required<'a>(request: &'a RpcRequest, name: &str) -> Result<&'a str, Rejection> {
    request.param(name).ok_or_else(|| Rejection::missing(name))
}
