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
    /// How many of `params`, from the first, came from the query string;
    /// the body's follow, then for signature V3 `Action` and `Version`
    /// taken from their headers.
    pub(crate) query_len: usize,
    /// Every header, names lower-cased, in the order received: signature
    /// V3 signs them.
    pub(crate) headers: Vec<(String, String)>,
    /// Lower-case hex SHA-256 of the body (of nothing, without one).
    pub(crate) body_sha256: String,
}

impl RpcRequest {
    /// The values of a header, by lower-case name.
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header sent once, by lower-case name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request is signed with `ACS3-HMAC-SHA256` (headers)
    /// rather than signature 1.0 (parameters).
    pub(crate) fn is_v3(&self) -> bool {
        self.param("Signature").is_none()
            && (self.header("authorization").is_some() || self.header("x-acs-action").is_some())
    }

    /// The access key the request is signed with: its `AccessKeyId`
    /// parameter (signature 1.0), or the `Credential` of its
    /// `Authorization` header (V3).
    pub(crate) fn access_key_id(&self) -> Option<&str> {
        if let Some(id) = self.param("AccessKeyId") {
            return Some(id);
        }
        let (_, parts) = self.header("authorization")?.trim().split_once(' ')?;
        parts
            .split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(name, _)| *name == "Credential")
            .map(|(_, id)| id)
    }

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
