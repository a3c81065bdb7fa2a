//! The record of every RPC request received, for tests to read.

use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// One request as the emulator saw it, and how it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET` or `POST` (or whatever else was sent).
    pub method: String,
    /// The `Action` parameter, when there was one.
    pub action: Option<String>,
    /// Every parameter, query and form body together, decoded, in the
    /// order received. `Signature` and `SecurityToken` are included, as
    /// sent; access key secrets never travel and so never appear.
    pub params: Vec<(String, String)>,
    pub received: SystemTime,
    /// HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// `Code` of the error answered, if any.
    pub code: Option<String>,
    /// `RequestId` answered, if any.
    pub request_id: Option<String>,
}

impl RequestRecord {
    /// The value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn to_json(&self) -> Value {
        let params: serde_json::Map<String, Value> = self
            .params
            .iter()
            .map(|(n, v)| (n.clone(), Value::String(v.clone())))
            .collect();
        let received_ms = self
            .received
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        json!({
            "method": self.method,
            "action": self.action,
            "params": params,
            "received_unix_ms": received_ms,
            "status": self.status,
            "code": self.code,
            "request_id": self.request_id,
        })
    }
}
