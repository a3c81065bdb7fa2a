//! Why a command failed, its exit code, and how it is reported on stderr.

use ehpc_sdk::{Error, ServiceError};
use serde_json::json;

/// Exit codes, documented in the README.
pub mod code {
    pub const OTHER: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const CONFIG: i32 = 3;
    pub const SERVICE: i32 = 4;
    pub const WAITER: i32 = 5;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
    /// The service's error, for `-o json`.
    pub service: Option<serde_json::Value>,
}

impl Failure {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            service: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(code::USAGE, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Failure::new(code::OTHER, message)
    }

    /// A call's error: refused before sending (usage), no credentials
    /// (configuration), the service's answer, or anything else.
    pub fn call(action: &str, error: Error<ServiceError>) -> Self {
        match error {
            Error::InvalidRequest(invalid) => Failure::usage(format!("{action}: {invalid}")),
            Error::Credentials(e) => Failure::new(code::CONFIG, format!("{action}: {e}")),
            Error::Service(e) => Failure::service(action, &e),
            other => {
                let id = other
                    .request_id()
                    .map(|id| format!(" (request id {id})"))
                    .unwrap_or_default();
                let status = other
                    .status()
                    .map(|s| format!(", HTTP {s}"))
                    .unwrap_or_default();
                Failure::other(format!("{action} failed{status}: {other}{id}"))
            }
        }
    }

    fn service(action: &str, e: &ServiceError) -> Self {
        let request_id = e.request_id().unwrap_or("none");
        Failure {
            code: code::SERVICE,
            message: format!(
                "{action} failed: HTTP {}, {}: {} (request id {request_id})",
                e.status(),
                e.code(),
                e.message()
            ),
            service: Some(json!({
                "Operation": action,
                "Code": e.code(),
                "Message": e.message(),
                "HttpStatus": e.status(),
                "RequestId": e.request_id(),
            })),
        }
    }

    /// Writes the failure on stderr: one JSON object under `-o json` when
    /// it came from the service, else one line.
    pub fn report(&self, json_output: bool) {
        match (&self.service, json_output) {
            (Some(body), true) => eprintln!(
                "{}",
                serde_json::to_string_pretty(&json!({ "Error": body })).unwrap_or_default()
            ),
            _ => eprintln!("error: {}", self.message),
        }
    }
}
