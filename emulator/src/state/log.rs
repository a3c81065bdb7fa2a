//! The record of the RPC requests received, for tests to read: the most
//! recent ones, up to a capacity, so a long run keeps its memory flat.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

/// Requests the log keeps unless configured otherwise
/// ([`EmulatorBuilder::request_log_capacity`](crate::EmulatorBuilder::request_log_capacity)).
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 4096;

/// Longest parameter or header value a record keeps; the rest is cut off,
/// so a full log of oversized requests stays small.
pub const MAX_LOGGED_VALUE: usize = 4096;

/// Most bytes of names and values a record keeps in all; parameters past
/// that are left out of it.
pub const MAX_LOGGED_BYTES: usize = 64 * 1024;

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

    pub(crate) fn push(&mut self, mut record: RequestRecord) {
        bound(&mut record.params);
        bound(&mut record.headers);
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

/// Cuts each value to [`MAX_LOGGED_VALUE`] bytes and leaves out the pairs
/// past [`MAX_LOGGED_BYTES`].
fn bound(pairs: &mut Vec<(String, String)>) {
    let mut total = 0;
    let mut kept = 0;
    for (name, value) in pairs.iter_mut() {
        cut(value, MAX_LOGGED_VALUE);
        total += name.len() + value.len();
        if total > MAX_LOGGED_BYTES {
            break;
        }
        kept += 1;
    }
    pairs.truncate(kept);
    pairs.shrink_to_fit();
}

/// `text` cut to at most `limit` bytes, at a character boundary.
fn cut(text: &mut String, limit: usize) {
    if text.len() > limit {
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.shrink_to_fit();
    }
}

/// One request as the emulator saw it, and how it answered. Its `Debug`
/// hides secret values (signature, tokens, passwords); the fields keep them.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `GET` or `POST` (or whatever else was sent).
    pub method: String,
    /// The `Action` parameter, when there was one.
    pub action: Option<String>,
    /// Every parameter, query and form body together, decoded, in the
    /// order received; each value cut to [`MAX_LOGGED_VALUE`] bytes, and
    /// the parameters past [`MAX_LOGGED_BYTES`] left out. `Signature` and `SecurityToken` are included, as
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

/// What a secret value is shown as in `Debug`.
const REDACTED: &str = "** redacted **";

/// Whether a parameter or header named `name` holds a secret: `Signature`,
/// `SecurityToken` (`x-acs-security-token`), `AccessKeySecret` and other
/// `…Secret` names, names holding `Password` or `Passwd`, and the V3
/// `authorization` header (it carries the signature). For `User.1.Password`
/// the last segment decides; case, `-` and `_` are ignored.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let normalized: String = last
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normalized == "signature"
        || normalized == "authorization"
        || normalized.ends_with("securitytoken")
        || normalized.ends_with("secret")
        || normalized.contains("password")
        || normalized.contains("passwd")
}

/// A value shown in `Debug`: hidden under a secret name, and hidden whole
/// when it mentions a password (a JSON-style parameter holding one).
fn shown<'a>(name: &str, value: &'a str) -> &'a str {
    let lower = value.to_ascii_lowercase();
    if is_secret_name(name) || lower.contains("password") || lower.contains("passwd") {
        REDACTED
    } else {
        value
    }
}

struct Pairs<'a>(&'a [(String, String)]);

impl std::fmt::Debug for Pairs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(
                self.0
                    .iter()
                    .map(|(name, value)| (name, shown(name, value))),
            )
            .finish()
    }
}

impl std::fmt::Debug for RequestRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestRecord")
            .field("method", &self.method)
            .field("action", &self.action)
            .field("params", &Pairs(&self.params))
            .field("headers", &Pairs(&self.headers))
            .field("received", &self.received)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("request_id", &self.request_id)
            .finish()
    }
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
    fn debug_hides_signatures_tokens_and_passwords() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        let mut r = record(1);
        r.params = pairs(&[
            ("AccessKeyId", "LTAI-visible-id"),
            ("ClusterId", "ehpc-hz-visible"),
            ("Signature", "hidden-signature-1"),
            ("SecurityToken", "hidden-token-2"),
            ("User.1.Password", "hidden-password-3"),
            ("RunasUserPassword", "hidden-password-4"),
            ("ClusterCredentials", r#"{"Password":"hidden-password-5"}"#),
            ("AccessKeySecret", "hidden-secret-6"),
        ]);
        r.headers = pairs(&[
            (
                "authorization",
                "ACS3-HMAC-SHA256 Signature=hidden-signature-7",
            ),
            ("x-acs-security-token", "hidden-token-8"),
            ("x-acs-action", "AddUsers"),
        ]);
        for shown in [format!("{r:?}"), format!("{r:#?}")] {
            for visible in ["LTAI-visible-id", "ehpc-hz-visible", "AddUsers", REDACTED] {
                assert!(shown.contains(visible), "{shown}");
            }
            assert!(!shown.contains("hidden-"), "{shown}");
        }
        // The record itself keeps what was sent.
        assert_eq!(r.params[2].1, "hidden-signature-1");
        assert!(!is_secret_name("SignatureNonce") && !is_secret_name("NextToken"));
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

    #[test]
    fn a_record_keeps_values_and_parameters_up_to_their_limits() {
        let mut log = RequestLog::new(2);
        let mut big = record(0);
        // A multi-byte character straddles the value limit.
        let long = format!("{}中{}", "a".repeat(MAX_LOGGED_VALUE - 1), "b".repeat(100));
        big.params = vec![("Long".to_string(), long)];
        big.params
            .extend((0..100).map(|n| (format!("P{n}"), "v".repeat(1000))));
        big.headers = vec![("x-acs-long".to_string(), "h".repeat(MAX_LOGGED_VALUE * 2))];
        log.push(big);
        let kept = &log.records()[0];
        assert_eq!(kept.params[0].1, "a".repeat(MAX_LOGGED_VALUE - 1));
        let bytes: usize = kept.params.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(bytes <= MAX_LOGGED_BYTES, "{bytes} bytes kept");
        assert!(kept.params.len() > 50 && kept.params.len() < 101);
        assert_eq!(kept.headers[0].1.len(), MAX_LOGGED_VALUE);
        // Small requests are kept whole.
        log.push(record(1));
        assert_eq!(log.records()[1], record(1));
    }
}
