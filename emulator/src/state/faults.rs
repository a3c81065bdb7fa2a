//! Faults a test asks for, per action: error answers, delays, dropped
//! connections and broken bodies, for the next N calls or for all.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

/// How an answer goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// One of the operation's documented errors, by code; status and
    /// message come from its spec.
    ServiceError { code: String },
    /// Any error answer, e.g. a gateway code no spec lists.
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// `Throttling.User`, HTTP 400: the caller is going too fast.
    Throttling,
    /// `InternalError`, HTTP 500.
    InternalError,
    /// `ServiceUnavailable`, HTTP 503.
    ServiceUnavailable,
    /// The normal answer, after a pause.
    Delay { millis: u64 },
    /// The connection is closed without an answer.
    DropConnection,
    /// A body that is not the JSON a client expects, with this status.
    Body { status: u16, body: BadBody },
}

/// Bodies a proxy or a failing server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BadBody {
    /// An HTML error page.
    Html,
    /// Nothing at all.
    Empty,
    /// The start of a valid JSON answer, cut off.
    TruncatedJson,
    /// Complete but not JSON: a missing quote and a trailing comma.
    MalformedJson,
}

impl BadBody {
    pub(crate) fn content(self, request_id: &str) -> (&'static str, Vec<u8>) {
        match self {
            BadBody::Html => (
                "text/html",
                b"<html><head><title>502 Bad Gateway</title></head>\
                  <body><h1>502 Bad Gateway</h1></body></html>"
                    .to_vec(),
            ),
            BadBody::Empty => ("application/json", Vec::new()),
            BadBody::TruncatedJson => (
                "application/json",
                format!(r#"{{"RequestId":"{request_id}","Message":"Serv"#).into_bytes(),
            ),
            BadBody::MalformedJson => (
                "application/json",
                format!(r#"{{"RequestId":"{request_id},"Message":"ok",}}"#).into_bytes(),
            ),
        }
    }
}

impl Fault {
    /// A documented error of the operation, e.g. `ClusterNotFound`.
    pub fn service_error(code: impl Into<String>) -> Fault {
        Fault::ServiceError { code: code.into() }
    }

    /// Any error answer.
    pub fn error(status: u16, code: impl Into<String>, message: impl Into<String>) -> Fault {
        Fault::Error {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// The normal answer after `delay`.
    pub fn delay(delay: Duration) -> Fault {
        Fault::Delay {
            millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        }
    }

    pub fn html(status: u16) -> Fault {
        Fault::Body {
            status,
            body: BadBody::Html,
        }
    }

    pub fn empty_body(status: u16) -> Fault {
        Fault::Body {
            status,
            body: BadBody::Empty,
        }
    }

    pub fn truncated_json(status: u16) -> Fault {
        Fault::Body {
            status,
            body: BadBody::TruncatedJson,
        }
    }

    pub fn malformed_json(status: u16) -> Fault {
        Fault::Body {
            status,
            body: BadBody::MalformedJson,
        }
    }
}

/// For how many calls a fault holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// The next `n` calls of the action, then normal answers again.
    Next(u32),
    /// Every call until the faults are cleared.
    Always,
}

/// A fault that cannot be set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultError {
    /// No spec defines the action.
    UnknownAction(String),
    /// The operation's spec does not document the code.
    UndocumentedCode { action: String, code: String },
    /// Not a status a final HTTP answer can have: 200 to 599 (1xx
    /// statuses are interim and cannot carry an answer).
    InvalidStatus(u16),
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::UnknownAction(action) => {
                write!(f, "no spec defines the action `{action}`")
            }
            FaultError::UndocumentedCode { action, code } => write!(
                f,
                "`{code}` is not a documented error of `{action}`; use Fault::error for other codes"
            ),
            FaultError::InvalidStatus(status) => {
                write!(
                    f,
                    "{status} is not the status of a final HTTP answer (200 to 599)"
                )
            }
        }
    }
}

impl std::error::Error for FaultError {}

struct Rule {
    action: String,
    fault: Fault,
    /// `None`: always.
    remaining: Option<u32>,
}

/// Faults kept; setting one more forgets the oldest.
pub const MAX_FAULTS: usize = 1_000;

/// Faults in the order they were set; the first that matches an action is
/// used.
#[derive(Default)]
pub(crate) struct FaultBook {
    rules: VecDeque<Rule>,
}

impl FaultBook {
    pub(crate) fn add(&mut self, action: &str, fault: Fault, times: Times) {
        let remaining = match times {
            Times::Next(0) => return,
            Times::Next(n) => Some(n),
            Times::Always => None,
        };
        if self.rules.len() >= MAX_FAULTS {
            self.rules.pop_front();
        }
        self.rules.push_back(Rule {
            action: action.to_string(),
            fault,
            remaining,
        });
    }

    /// The fault for this call of `action`, counting it.
    pub(crate) fn take(&mut self, action: &str) -> Option<Fault> {
        let index = self.rules.iter().position(|rule| rule.action == action)?;
        let rule = &mut self.rules[index];
        let fault = rule.fault.clone();
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_faults_run_out_in_order_and_always_stays() {
        let mut book = FaultBook::default();
        book.add("A", Fault::Throttling, Times::Next(2));
        book.add("A", Fault::InternalError, Times::Always);
        book.add("B", Fault::DropConnection, Times::Next(0));
        assert_eq!(book.take("A"), Some(Fault::Throttling));
        assert_eq!(book.take("A"), Some(Fault::Throttling));
        assert_eq!(book.take("A"), Some(Fault::InternalError));
        assert_eq!(book.take("A"), Some(Fault::InternalError));
        assert_eq!(book.take("B"), None);
        book.clear();
        assert_eq!(book.take("A"), None);
    }

    #[test]
    fn the_oldest_fault_goes_when_the_book_is_full() {
        let mut book = FaultBook::default();
        book.add("First", Fault::Throttling, Times::Always);
        for _ in 0..MAX_FAULTS {
            book.add("Other", Fault::InternalError, Times::Always);
        }
        assert_eq!(book.rules.len(), MAX_FAULTS);
        assert_eq!(book.take("First"), None);
        assert_eq!(book.take("Other"), Some(Fault::InternalError));
    }

    #[test]
    fn faults_read_from_json() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"body","status":502,"body":"html"}"#).unwrap();
        assert_eq!(fault, Fault::html(502));
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"service_error","code":"ClusterNotFound"}"#).unwrap();
        assert_eq!(fault, Fault::service_error("ClusterNotFound"));
    }
}
