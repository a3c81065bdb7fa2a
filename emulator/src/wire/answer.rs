//! What goes back on the wire: JSON answers, the service's error body and
//! fresh request ids.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub(crate) type Body = Full<Bytes>;

/// Header the service puts its request id in.
pub(crate) const REQUEST_ID_HEADER: &str = "x-acs-request-id";

/// A refusal in the service's terms: HTTP status, `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl Rejection {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Rejection {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn missing(name: &str) -> Self {
        Rejection::new(
            400,
            "MissingParameter",
            format!("The required parameter `{name}` was not given."),
        )
    }

    pub(crate) fn invalid(name: &str, reason: impl std::fmt::Display) -> Self {
        Rejection::new(
            400,
            "InvalidParameter",
            format!("The parameter `{name}` is not valid: {reason}."),
        )
    }
}

/// Unique, UUID-shaped request ids (`8-4-4-4-12` upper-case hex).
#[derive(Debug, Default)]
pub(crate) struct RequestIds {
    keys: RandomState,
    counter: AtomicU64,
}

impl RequestIds {
    pub(crate) fn next(&self) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let half = |salt: u64| {
            let mut hasher = self.keys.build_hasher();
            hasher.write_u64(count);
            hasher.write_u64(salt);
            hasher.finish()
        };
        let hex = format!("{:016X}{:016X}", half(1), half(2));
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

/// The service's error body.
pub(crate) fn error_body(rejection: &Rejection, request_id: &str, host: &str) -> Value {
    json!({
        "RequestId": request_id,
        "HostId": host,
        "Code": rejection.code,
        "Message": rejection.message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=EHPC&requestId={request_id}",
            rejection.code
        ),
    })
}

pub(crate) fn json(status: u16, request_id: Option<&str>, body: &Value) -> Response<Body> {
    raw(
        status,
        request_id,
        "application/json;charset=utf-8",
        body.to_string().into_bytes(),
    )
}

pub(crate) fn raw(
    status: u16,
    request_id: Option<&str>,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
    response
}

/// Returned to hyper to close a connection without an answer.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

/// How a request was answered, for the connection and for the log.
pub(crate) enum Outcome {
    Answer {
        response: Response<Body>,
        code: Option<String>,
        request_id: Option<String>,
    },
    /// Close the connection without answering.
    Drop,
}

impl Outcome {
    pub(crate) fn success(request_id: &str, body: &Value) -> Self {
        Outcome::Answer {
            response: json(200, Some(request_id), body),
            code: None,
            request_id: Some(request_id.to_string()),
        }
    }

    pub(crate) fn rejection(rejection: &Rejection, request_id: &str, host: &str) -> Self {
        Outcome::Answer {
            response: json(
                rejection.status,
                Some(request_id),
                &error_body(rejection, request_id, host),
            ),
            code: Some(rejection.code.clone()),
            request_id: Some(request_id.to_string()),
        }
    }

    pub(crate) fn raw(
        status: u16,
        request_id: &str,
        content_type: &'static str,
        body: Vec<u8>,
    ) -> Self {
        Outcome::Answer {
            response: raw(status, Some(request_id), content_type, body),
            code: None,
            request_id: Some(request_id.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn request_ids_are_uuid_shaped_and_unique() {
        let ids = RequestIds::default();
        let all: HashSet<String> = (0..1000).map(|_| ids.next()).collect();
        assert_eq!(all.len(), 1000);
        for id in &all {
            let lengths: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
            assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
    }
}
