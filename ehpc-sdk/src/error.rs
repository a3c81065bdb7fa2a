//! Errors of a call: one type that separates what went wrong.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

pub use crate::credentials::CredentialsError;

/// Everything that can go wrong with a call of an operation whose
/// documented service errors are `E` (e.g. `StopVisualServiceError`).
///
/// `Display` says what happened in one sentence; `{:#}` adds the chain of
/// causes. Match on the variant, or use the predicates.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request was refused before anything was sent.
    InvalidRequest(InvalidRequest),
    /// No credentials could be had.
    Credentials(CredentialsError),
    /// The request did not complete: connection failure or timeout.
    Transport(TransportError),
    /// The service answered with something that is not the expected JSON.
    Response(ResponseError),
    /// The service answered with an error code.
    Service(E),
    /// A paginator stopped: the service's answers would have made it loop
    /// (the same token twice, a page past `TotalCount`).
    Paging(crate::paging_error::PagingError),
    /// The client cannot reach the operation's product: it does not serve
    /// the client's region (nothing was sent).
    Config(crate::ConfigError),
}

impl<E: OperationError> Error<E> {
    /// The service's error, when it answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// The service's error code, when it answered with one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.details().code())
    }

    /// The request id of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.details().request_id(),
            Error::Response(error) => error.request_id(),
            Error::Paging(error) => error.request_id(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.details().status()),
            Error::Response(error) => Some(error.status()),
            _ => None,
        }
    }

    /// Whether a timeout ended the call.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(error) if error.is_timeout())
    }

    /// Whether the service asked the caller to slow down: a `Throttling`
    /// or `Throttling.*` code, HTTP 429, or any error answer that carries
    /// `x-acs-retry-after`.
    pub fn is_throttled(&self) -> bool {
        match self {
            Error::Service(error) => error.details().is_throttling(),
            Error::Response(error) => error.is_throttling(),
            _ => false,
        }
    }

    /// The same as [`is_throttled`](Self::is_throttled).
    pub fn is_throttling(&self) -> bool {
        self.is_throttled()
    }

    /// How long the service asked the caller to wait before trying again
    /// (its `x-acs-retry-after` header), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Service(error) => error.details().retry_after(),
            Error::Response(error) => error.retry_after(),
            _ => None,
        }
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::InvalidRequest(_)
            | Error::Credentials(_)
            | Error::Paging(_)
            | Error::Config(_) => 0,
            Error::Transport(error) => error.attempts,
            Error::Response(error) => error.attempts,
            Error::Service(error) => error.details().attempts(),
        }
    }
}

impl<E: fmt::Display + StdError + 'static> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner: &(dyn StdError + 'static) = match self {
            Error::InvalidRequest(e) => e,
            Error::Credentials(e) => e,
            Error::Transport(e) => e,
            Error::Response(e) => e,
            Error::Service(e) => e,
            Error::Paging(e) => e,
            Error::Config(e) => e,
        };
        write!(f, "{inner}")?;
        if f.alternate() {
            let mut source = inner.source();
            while let Some(cause) = source {
                write!(f, ": {cause}")?;
                source = cause.source();
            }
        }
        Ok(())
    }
}

impl<E: StdError + 'static> StdError for Error<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::InvalidRequest(e) => e.source(),
            Error::Credentials(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Response(e) => e.source(),
            Error::Service(e) => e.source(),
            Error::Paging(e) => e.source(),
            Error::Config(e) => e.source(),
        }
    }
}

/// A request refused before sending: a required parameter is missing or a
/// value is outside the limits the spec gives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidRequest {
    /// The operation, e.g. `StopVisualService`; empty when a request is
    /// built on its own, outside a call.
    pub operation: &'static str,
    /// The parameter's wire name, e.g. `ClusterId`.
    pub parameter: String,
    /// Why the value was refused, for a person.
    pub reason: String,
}

impl InvalidRequest {
    pub(crate) fn new(parameter: &str, reason: impl Into<String>) -> Self {
        InvalidRequest {
            operation: "",
            parameter: parameter.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.operation.is_empty() {
            write!(f, "{}: ", self.operation)?;
        }
        write!(
            f,
            "invalid request, nothing was sent: parameter `{}` {}",
            self.parameter, self.reason
        )
    }
}

impl StdError for InvalidRequest {}

/// The request did not complete.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation, e.g. `CreateJob`.
    pub operation: &'static str,
    /// Attempts made, including the last.
    pub attempts: u32,
    kind: TransportKind,
    source: Box<dyn StdError + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransportKind {
    Connect,
    Timeout,
    Other,
}

impl TransportError {
    pub(crate) fn from_reqwest(operation: &'static str, error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Other
        };
        TransportError {
            operation,
            attempts: 1,
            kind,
            // The URL holds the signature; the message never shows it.
            source: Box::new(error.without_url()),
        }
    }

    pub(crate) fn timeout(operation: &'static str, what: &'static str) -> Self {
        TransportError {
            operation,
            attempts: 1,
            kind: TransportKind::Timeout,
            source: what.into(),
        }
    }

    /// Whether a timeout (connect, read, attempt or operation) ended the call.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// The connection could not be made (nothing reached the service).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Connect => "could not connect to the service",
            TransportKind::Timeout => "timed out",
            TransportKind::Other => "the request failed in transport",
        };
        write!(f, "{}: {what}", self.operation)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

/// How much of an unparseable body is kept.
pub const BODY_PREFIX_LIMIT: usize = 1024;

/// The service (or a proxy in front of it) answered with something other
/// than the JSON expected: a body that is HTML, empty, truncated or
/// malformed; a redirect (never followed: an RPC endpoint does not
/// redirect, and following would hand the signed request to another host);
/// or a body longer than the client's limit (reading stopped there).
///
/// The kept body prefix has the values of secret parameters redacted (see
/// [`redact`](crate::redact)).
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseError {
    /// The operation, e.g. `CreateJob`.
    pub operation: &'static str,
    /// How many attempts were made.
    pub attempts: u32,
    status: u16,
    request_id: Option<String>,
    body_prefix: String,
    body_len: usize,
    kind: ResponseKind,
    /// From `x-acs-retry-after`, in milliseconds: four bytes keep the error
    /// small enough to return by value.
    retry_after_ms: Option<u32>,
    source: Option<serde_json::Error>,
}

/// What was unexpected about an answer.
#[derive(Debug)]
enum ResponseKind {
    /// The body is not the JSON expected.
    Unparseable,
    /// A redirect, with its target without the query.
    Redirect(Option<Box<str>>),
    /// The body was longer than this limit.
    TooLarge(usize),
}

impl ResponseError {
    pub(crate) fn new(
        operation: &'static str,
        status: u16,
        body: &[u8],
        request_id: Option<String>,
        source: Option<serde_json::Error>,
    ) -> Self {
        ResponseError {
            operation,
            attempts: 1,
            status,
            request_id,
            body_prefix: redacted_prefix(body),
            body_len: body.len(),
            kind: ResponseKind::Unparseable,
            retry_after_ms: None,
            source,
        }
    }

    /// A 3xx answer, not followed. `location` is kept without its query
    /// and fragment, which may hold signed parameters.
    pub(crate) fn redirect(
        operation: &'static str,
        status: u16,
        location: Option<&str>,
        body: &[u8],
        request_id: Option<String>,
    ) -> Self {
        let mut error = ResponseError::new(operation, status, body, request_id, None);
        error.kind = ResponseKind::Redirect(location.map(|l| {
            let end = l.find(['?', '#']).unwrap_or(l.len());
            l[..end].into()
        }));
        error
    }

    /// A body longer than `limit`; `read` bytes of it were read.
    pub(crate) fn too_large(
        operation: &'static str,
        status: u16,
        limit: usize,
        read: usize,
        request_id: Option<String>,
    ) -> Self {
        let mut error = ResponseError::new(operation, status, b"", request_id, None);
        error.body_len = read;
        error.kind = ResponseKind::TooLarge(limit);
        error
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// From the body or the `x-acs-request-id` header, when present.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The first [`BODY_PREFIX_LIMIT`] bytes of the body, secrets redacted.
    pub fn body_prefix(&self) -> &str {
        &self.body_prefix
    }

    /// The body's length; for a body over the limit, the bytes read
    /// before reading stopped.
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    /// Whether the answer was a redirect (3xx), which is never followed.
    pub fn is_redirect(&self) -> bool {
        matches!(self.kind, ResponseKind::Redirect(_))
    }

    /// A redirect's `Location`, without its query and fragment.
    pub fn location(&self) -> Option<&str> {
        match &self.kind {
            ResponseKind::Redirect(location) => location.as_deref(),
            _ => None,
        }
    }

    /// The wait the answer's `x-acs-retry-after` header asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after_ms
            .map(|ms| Duration::from_millis(ms.into()))
    }

    pub(crate) fn set_retry_after(&mut self, retry_after: Option<Duration>) {
        self.retry_after_ms = retry_after.map(|d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX));
    }

    /// HTTP 429, or an answer that carries `x-acs-retry-after`: a gateway
    /// asking the caller to slow down, whatever its body.
    pub fn is_throttling(&self) -> bool {
        is_throttling(self.status, None, self.retry_after())
    }

    /// The client's body limit, when the body was longer than it (see
    /// [`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)).
    pub fn body_limit_exceeded(&self) -> Option<usize> {
        match self.kind {
            ResponseKind::TooLarge(limit) => Some(limit),
            _ => None,
        }
    }
}

/// The start of `body` as text, secrets redacted, at most
/// [`BODY_PREFIX_LIMIT`] bytes. Redacted before it is cut, so a secret
/// split by the limit is not half shown.
fn redacted_prefix(body: &[u8]) -> String {
    // Room for a secret value that starts before the limit and ends after.
    let window = &body[..body.len().min(BODY_PREFIX_LIMIT * 4)];
    let text = String::from_utf8_lossy(window);
    let redacted = crate::redact::redact_text(&text);
    let mut end = redacted.len().min(BODY_PREFIX_LIMIT);
    // Cutting at the limit may split a character: end the prefix before it
    // rather than show a replacement character.
    while !redacted.is_char_boundary(end) {
        end -= 1;
    }
    let mut prefix = redacted[..end].to_string();
    // A character the window's end split shows as a replacement character.
    if end == redacted.len() && window.len() < body.len() && prefix.ends_with('\u{FFFD}') {
        prefix.pop();
    }
    prefix
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: unexpected answer (HTTP {}",
            self.operation, self.status
        )?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        match &self.kind {
            ResponseKind::TooLarge(limit) => {
                return write!(
                    f,
                    "): the body is longer than the client's limit of {limit} bytes; reading stopped"
                );
            }
            ResponseKind::Redirect(location) => {
                write!(f, "): a redirect, not followed")?;
                if let Some(location) = location {
                    write!(f, ", to {location}")?;
                }
                return Ok(());
            }
            ResponseKind::Unparseable => {}
        }
        if self.body_len == 0 {
            write!(f, "): empty body")
        } else {
            let preview: String = self.body_prefix.chars().take(80).collect();
            write!(f, ", {} bytes): {:?}", self.body_len, preview)
        }
    }
}

impl StdError for ResponseError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// Implemented by the generated error enums: each has a variant per
/// documented code, and every variant holds the [`ServiceError`].
pub trait OperationError: From<ServiceError> + StdError + Send + Sync + 'static {
    /// The service's error as it came: code, message, request id, status and body.
    fn details(&self) -> &ServiceError;
}

/// An error answer from the service: code, message, request id, status and
/// the whole error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError(Box<ServiceErrorFields>);

#[derive(Debug, Clone, PartialEq)]
struct ServiceErrorFields {
    operation: &'static str,
    status: u16,
    code: String,
    message: String,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
    body: serde_json::Map<String, serde_json::Value>,
    attempts: u32,
    /// From `x-acs-retry-after`.
    retry_after: Option<Duration>,
}

/// Codes the service uses to ask callers to slow down; any other
/// `Throttling.*` code means the same.
pub const THROTTLING_CODES: &[&str] = &["Throttling", "Throttling.User", "Throttling.Api"];

/// Whether an error answer asks the caller to slow down: by its code
/// (`Throttling`, `Throttling.*`), HTTP 429, or a `x-acs-retry-after`.
pub(crate) fn is_throttling(
    status: u16,
    code: Option<&str>,
    retry_after: Option<Duration>,
) -> bool {
    let throttling_code =
        code.is_some_and(|code| code == "Throttling" || code.starts_with("Throttling."));
    throttling_code || status == 429 || retry_after.is_some()
}

impl ServiceError {
    /// Reads an error body; `None` when it has no `Code`. The values of
    /// secret parameters in it are redacted (see [`redact`](crate::redact)):
    /// a proxy or a signature error may echo the signed request.
    pub(crate) fn from_body(
        operation: &'static str,
        status: u16,
        mut body: serde_json::Map<String, serde_json::Value>,
    ) -> Option<Self> {
        crate::redact::redact_json_map(&mut body);
        let text = |key: &str| body.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let code = text("Code")?;
        Some(ServiceError(Box::new(ServiceErrorFields {
            operation,
            status,
            message: text("Message").unwrap_or_default(),
            request_id: text("RequestId"),
            host_id: text("HostId"),
            recommend: text("Recommend"),
            code,
            body,
            attempts: 1,
            retry_after: None,
        })))
    }

    /// A service error built by hand, for tests of code that handles them.
    pub fn new(
        operation: &'static str,
        status: u16,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ServiceError(Box::new(ServiceErrorFields {
            operation,
            status,
            code: code.into(),
            message: message.into(),
            request_id: None,
            host_id: None,
            recommend: None,
            body: serde_json::Map::new(),
            attempts: 1,
            retry_after: None,
        }))
    }

    /// The operation that failed, e.g. `CreateJob`.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// The `Code` of the error body, e.g. `InvalidClusterStatus`.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// The `Message` of the error body, as the service wrote it.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The request id, to quote to Alibaba Cloud support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The endpoint host that answered.
    pub fn host_id(&self) -> Option<&str> {
        self.0.host_id.as_deref()
    }

    /// The service's troubleshooting link.
    pub fn recommend(&self) -> Option<&str> {
        self.0.recommend.as_deref()
    }

    /// The whole error body, including fields such as `AccessDeniedDetail`,
    /// with the values of secret parameters redacted.
    pub fn body(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.0.body
    }

    /// Attempts made before this answer was given up on.
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.0.attempts = attempts;
    }

    /// Removes `secret` from the message and body: a signature error quotes
    /// the server's string-to-sign, which holds the security token.
    pub(crate) fn redact(&mut self, secret: &str) {
        self.0.message = crate::credentials::redact(&self.0.message, secret);
        if let Some(serde_json::Value::String(message)) = self.0.body.get_mut("Message") {
            *message = crate::credentials::redact(message, secret);
        }
    }

    /// The wait the answer's `x-acs-retry-after` header asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Sets the wait asked for, as a gateway's `x-acs-retry-after` does.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.0.retry_after = Some(retry_after);
        self
    }

    pub(crate) fn set_retry_after(&mut self, retry_after: Option<Duration>) {
        self.0.retry_after = retry_after;
    }

    /// A `Throttling` or `Throttling.*` code, HTTP 429, or an answer
    /// carrying `x-acs-retry-after`.
    pub fn is_throttling(&self) -> bool {
        is_throttling(self.0.status, Some(&self.0.code), self.0.retry_after)
    }

    /// A 5xx status or `ServiceUnavailable`.
    pub fn is_server_error(&self) -> bool {
        self.0.status >= 500 || self.0.code == "ServiceUnavailable"
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: service error {} (HTTP {}): {}",
            self.0.operation, self.0.code, self.0.status, self.0.message
        )?;
        match &self.0.request_id {
            Some(id) => write!(f, " (request id {id})")?,
            None => write!(f, " (no request id)")?,
        }
        if self.0.attempts > 1 {
            write!(f, " after {} attempts", self.0.attempts)?;
        }
        Ok(())
    }
}

impl StdError for ServiceError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::stop_visual_service::StopVisualServiceError;
    use serde_json::json;

    fn service_error(body: serde_json::Value, status: u16) -> ServiceError {
        let serde_json::Value::Object(map) = body else {
            unreachable!()
        };
        ServiceError::from_body("StopVisualService", status, map).unwrap()
    }

    #[test]
    fn service_errors_map_to_their_variant_and_read_well() {
        let details = service_error(
            json!({"Code": "ClusterNotFound", "Message": "The specified cluster does not exist.",
                   "RequestId": "REQ-1", "HostId": "ehpc.cn-hangzhou.aliyuncs.com",
                   "Recommend": "https://example.invalid/troubleshoot", "AccessDeniedDetail": "x"}),
            404,
        );
        let error: Error<StopVisualServiceError> = Error::Service(details.into());
        assert!(matches!(
            error,
            Error::Service(StopVisualServiceError::ClusterNotFound(_))
        ));
        assert_eq!(error.code(), Some("ClusterNotFound"));
        assert_eq!(error.request_id(), Some("REQ-1"));
        assert_eq!(error.status(), Some(404));
        assert_eq!(
            error.to_string(),
            "StopVisualService: service error ClusterNotFound (HTTP 404): \
             The specified cluster does not exist. (request id REQ-1)"
        );
        let Error::Service(service) = &error else {
            unreachable!()
        };
        assert!(service.is_cluster_not_found());
        assert!(!service.is_in_debt());
        assert_eq!(service.details().body()["AccessDeniedDetail"], "x");
        assert_eq!(
            service.details().host_id(),
            Some("ehpc.cn-hangzhou.aliyuncs.com")
        );
    }

    #[test]
    fn undocumented_codes_stay_inspectable() {
        let error = StopVisualServiceError::from(service_error(
            json!({"Code": "Throttling.User", "Message": "Request was denied due to user flow control.", "RequestId": "REQ-2"}),
            400,
        ));
        assert!(matches!(error, StopVisualServiceError::Unhandled(_)));
        assert_eq!(error.code(), "Throttling.User");
        assert_eq!(error.request_id(), Some("REQ-2"));
        assert!(error.details().is_throttling());
    }

    #[test]
    fn throttling_is_known_by_code_status_or_retry_after() {
        let throttled = |status, code: &str| ServiceError::new("Op", status, code, "");
        assert!(throttled(400, "Throttling").is_throttling());
        assert!(throttled(400, "Throttling.User").is_throttling());
        assert!(throttled(400, "Throttling.Concurrency").is_throttling());
        assert!(throttled(429, "TooManyRequests").is_throttling());
        assert!(!throttled(400, "ThrottlingX").is_throttling());
        assert!(!throttled(503, "ServiceUnavailable").is_throttling());
        let asked = throttled(503, "ServiceUnavailable").with_retry_after(Duration::from_secs(2));
        assert!(asked.is_throttling());
        let error: Error<StopVisualServiceError> = Error::Service(asked.into());
        assert!(error.is_throttled());
        assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));

        let mut page = ResponseError::new("Op", 429, b"<html>slow down</html>", None, None);
        assert!(page.is_throttling());
        let error: Error<StopVisualServiceError> = Error::Response(page);
        assert!(error.is_throttled());
        assert_eq!(error.retry_after(), None);
        page = ResponseError::new("Op", 502, b"", None, None);
        assert!(!page.is_throttling());
        page.set_retry_after(Some(Duration::from_millis(300)));
        assert!(page.is_throttling());
    }

    #[test]
    fn bodies_without_code_are_not_service_errors() {
        let serde_json::Value::Object(map) = json!({"RequestId": "x"}) else {
            unreachable!()
        };
        assert!(ServiceError::from_body("Op", 500, map).is_none());
    }

    #[test]
    fn unparseable_answers_keep_status_and_a_bounded_body() {
        let body = format!("<html>{}</html>", "x".repeat(5000));
        let source = serde_json::from_str::<serde_json::Value>(&body).unwrap_err();
        let error = ResponseError::new(
            "StopVisualService",
            502,
            body.as_bytes(),
            None,
            Some(source),
        );
        assert_eq!(error.status(), 502);
        assert_eq!(error.body_prefix().len(), BODY_PREFIX_LIMIT);
        assert_eq!(error.body_len(), body.len());
        assert!(error
            .to_string()
            .starts_with("StopVisualService: unexpected answer (HTTP 502, 5013 bytes): \"<html>"));
        assert!(StdError::source(&error).is_some());
        // A character split by the limit is left out whole.
        let mut split = vec![b'x'; BODY_PREFIX_LIMIT - 1];
        split.extend_from_slice("é and more".as_bytes());
        let cut = ResponseError::new("StopVisualService", 502, &split, None, None);
        assert_eq!(cut.body_prefix().len(), BODY_PREFIX_LIMIT - 1);
        assert!(!cut.body_prefix().contains('\u{FFFD}'));
        let empty = ResponseError::new("StopVisualService", 200, b"", Some("REQ-3".into()), None);
        assert_eq!(
            empty.to_string(),
            "StopVisualService: unexpected answer (HTTP 200, request id REQ-3): empty body"
        );
    }

    #[test]
    fn invalid_requests_name_the_parameter_and_chain_nothing() {
        let error = crate::operation::stop_visual_service::StopVisualServiceRequest::builder()
            .cluster_id("c")
            .port(12016)
            .build()
            .unwrap_err();
        assert_eq!(error.parameter, "CidrIp");
        assert_eq!(
            error.to_string(),
            "StopVisualService: invalid request, nothing was sent: parameter `CidrIp` is required but was not set"
        );
        let too_big = crate::operation::stop_visual_service::StopVisualServiceRequest::builder()
            .cluster_id("c")
            .cidr_ip("10.0.0.0/8")
            .port(70000)
            .build()
            .unwrap_err();
        assert_eq!(too_big.parameter, "Port");
    }
}
