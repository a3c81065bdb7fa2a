//! The record of the RPC requests received, for tests to read: the most
//! recent ones, up to a capacity, so a long run keeps its memory flat.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

/// Requests the log keeps unless configured otherwise
/// ([`EmulatorBuilder::request_log_capacity`](crate::EmulatorBuilder::request_log_capacity)).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 4096;

/// The most recent requests, oldest first; the oldest is dropped when a
/// request arrives at capacity.
pub(crate) struct RequestLog {
    records: VecDeque<RequestRecord>,
    capacity: usize,
    /// Requests dropped since the log was last cleared.
    dropped: u64,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            records: VecDeque::new(),
            capacity,
            dropped: 0,
        }
    }

    pub(crate) fn push(&mut self, record: RequestRecord) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        if self.records.len() == self.capacity {
            self.records.pop_front();
            self.dropped += 1;
        }
        self.records.push_back(record);
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &RequestRecord> {
        self.records.iter()
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        self.records.iter().cloned().collect()
    }

    /// Empties the log and gives its memory back.
    pub(crate) fn clear(&mut self) {
        self.records = VecDeque::new();
        self.dropped = 0;
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }
}

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
    /// sent; access key secrets never travel and so never appear. A
    /// request signed with V3 has its `Action` and `Version` here too,
    /// taken from `x-acs-action` and `x-acs-version`.
    pub params: Vec<(String, String)>,
    /// The headers of the signature V3 (`authorization`, `content-type`
    /// and every `x-acs-*` one), names lower-cased, as received.
    pub headers: Vec<(String, String)>,
    pub received: SystemTime,
    /// HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// `Code` of the error answered, if any.
    pub code: Option<String>,
    /// `RequestId` answered, if any.
    pub request_id: Option<String>,
}

impl RequestRecord {
    /// The value of a header kept in [`headers`](Self::headers), by
    /// lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

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
        let headers: serde_json::Map<String, Value> = self
            .headers
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
            "headers": headers,
            "received_unix_ms": received_ms,
            "status": self.status,
            "code": self.code,
            "request_id": self.request_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            action: Some(format!("A{n}")),
            params: Vec::new(),
            headers: Vec::new(),
            received: UNIX_EPOCH,
            status: Some(200),
            code: None,
            request_id: None,
        }
    }

    #[test]
    fn the_log_keeps_the_most_recent_requests_up_to_its_capacity() {
        let mut log = RequestLog::new(3);
        for n in 0..5 {
            log.push(record(n));
        }
        let kept: Vec<_> = log.iter().map(|r| r.action.clone().unwrap()).collect();
        assert_eq!(kept, ["A2", "A3", "A4"]);
        assert_eq!(log.dropped(), 2);
        log.clear();
        assert_eq!(log.records(), []);
        assert_eq!(log.dropped(), 0);

        let mut off = RequestLog::new(0);
        off.push(record(0));
        assert_eq!(off.records(), []);
        assert_eq!(off.dropped(), 1);
    }
}
