//! Signing, sending, retrying and sorting answers: the non-generic path
//! every operation shares.

use super::body::{self, BodyError};
use super::Client;
use crate::config::CallOptions;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::error::{ResponseError, ServiceError, TransportError};
use crate::operation_support::{OperationInfo, Params};
use crate::retry::{self, RetryKind};
use crate::signing::{self, SignatureVersion};
use reqwest::header::HeaderName;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::Instrument as _;

/// A successful exchange before decoding.
pub(super) struct RawAnswer {
    pub(super) status: u16,
    pub(super) request_id: Option<String>,
    /// The body as the HTTP client handed it over, not copied.
    pub(super) body: bytes::Bytes,
}

/// A failed exchange, before the service error is typed.
pub(super) enum RawError {
    Credentials(crate::CredentialsError),
    Transport(TransportError),
    Response(ResponseError),
    Service(ServiceError),
}

impl RawError {
    fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            RawError::Credentials(_) => {}
            RawError::Transport(e) => e.attempts = attempts,
            RawError::Response(e) => e.attempts = attempts,
            RawError::Service(e) => e.set_attempts(attempts),
        }
        self
    }

    fn retry_kind(&self, info: &OperationInfo) -> Option<RetryKind> {
        match self {
            RawError::Credentials(_) => None,
            RawError::Transport(e) => retry::classify_transport(info, e),
            // A body past the limit would be as long again.
            RawError::Response(e) if e.body_limit_exceeded().is_some() => None,
            RawError::Response(e) => retry::classify_unparseable(e),
            RawError::Service(e) => retry::classify_service(info, e),
        }
    }

    /// The wait the service asked for, if it did.
    fn retry_after(&self) -> Option<Duration> {
        match self {
            RawError::Response(e) => e.retry_after(),
            RawError::Service(e) => e.retry_after(),
            RawError::Credentials(_) | RawError::Transport(_) => None,
        }
    }

    fn set_retry_after(&mut self, retry_after: Option<Duration>) {
        match self {
            RawError::Response(e) => e.set_retry_after(retry_after),
            RawError::Service(e) => e.set_retry_after(retry_after),
            RawError::Credentials(_) | RawError::Transport(_) => {}
        }
    }

    /// Records what the answer was on `span`: status, code, request id.
    fn record(&self, span: &tracing::Span) {
        match self {
            RawError::Credentials(_) => span.record("status", "no-credentials"),
            RawError::Transport(e) if e.is_timeout() => span.record("status", "timeout"),
            RawError::Transport(e) if e.is_connect() => span.record("status", "connect-failure"),
            RawError::Transport(_) => span.record("status", "transport-failure"),
            RawError::Response(e) => {
                span.record("status", e.status());
                span.record("request_id", e.request_id());
                span.record("code", "unparseable-answer")
            }
            RawError::Service(e) => {
                span.record("status", e.status());
                span.record("request_id", e.request_id());
                span.record("code", e.code())
            }
        };
    }
}

impl RawAnswer {
    fn record(&self, span: &tracing::Span) {
        span.record("status", self.status);
        span.record("request_id", self.request_id.as_deref());
    }
}

impl Client {
    /// Signs and sends one operation with the retry policy; not generic, so
    /// every operation shares one copy of this code.
    pub(super) async fn send(
        &self,
        info: &OperationInfo,
        params: &Params<'_>,
        options: &CallOptions,
    ) -> Result<RawAnswer, RawError> {
        let span = tracing::info_span!(
            "ehpc_call",
            action = info.action,
            attempts = Empty,
            throttled = Empty,
            limiter_wait_ms = Empty,
            status = Empty,
            code = Empty,
            request_id = Empty,
            latency_ms = Empty,
        );
        self.send_with_retries(info, params, options, &span)
            .instrument(span.clone())
            .await
    }

    async fn send_with_retries(
        &self,
        info: &OperationInfo,
        params: &Params<'_>,
        options: &CallOptions,
        span: &tracing::Span,
    ) -> Result<RawAnswer, RawError> {
        let inner = &*self.inner;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let max_attempts = options.max_attempts.unwrap_or(policy.max_attempts()).max(1);
        let attempt_timeout = options.attempt_timeout.or(inner.attempt_timeout);
        let started = Instant::now();
        let deadline = options
            .operation_timeout
            .or(inner.operation_timeout)
            .map(|limit| started + limit);
        let region = params
            .get("RegionId")
            .or(inner.region.as_deref())
            .unwrap_or_default();
        let budget = inner.retry_budgets.for_region(region);
        let limiter = policy
            .is_adaptive()
            .then(|| inner.limiters.get(region, info.action));
        let mut retry_costs = 0;
        let mut attempt = 0;
        let mut throttled = 0;
        let mut limiter_wait = Duration::ZERO;
        let result = loop {
            attempt += 1;
            let mut sent = None;
            if let Some(limiter) = &limiter {
                let asked = Instant::now();
                let Some(at) = within(deadline, limiter.acquire()).await else {
                    break Err(RawError::Transport(TransportError::timeout(
                        info.action,
                        "the operation timeout elapsed waiting for the client's rate limiter",
                    )));
                };
                let waited = at - asked;
                if !waited.is_zero() {
                    limiter_wait += waited;
                    tracing::debug!(
                        attempt,
                        wait_ms = waited.as_millis() as u64,
                        "waited for the client's rate limiter"
                    );
                }
                sent = Some(at);
            }
            let _slot =
                match &inner.in_flight {
                    None => None,
                    Some(slots) => match within(deadline, slots.acquire()).await {
                        Some(slot) => slot.ok(),
                        None => break Err(RawError::Transport(TransportError::timeout(
                            info.action,
                            "the operation timeout elapsed waiting for a slot under max_in_flight",
                        ))),
                    },
                };
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            // The tighter of the two limits bounds this attempt.
            let (limit, limit_is_operation) = match (attempt_timeout, remaining) {
                (Some(each), Some(left)) if left <= each => (Some(left), true),
                (Some(each), _) => (Some(each), false),
                (None, Some(left)) => (Some(left), true),
                (None, None) => (None, false),
            };
            let error = match self.timed_attempt(info, params, attempt, limit).await {
                Ok(Ok(answer)) => {
                    budget.succeeded(retry_costs);
                    if let Some(limiter) = &limiter {
                        limiter.succeeded();
                    }
                    break Ok(answer);
                }
                Ok(Err(error)) => error,
                Err(_elapsed) if limit_is_operation => {
                    break Err(RawError::Transport(TransportError::timeout(
                        info.action,
                        "the operation timeout elapsed",
                    )));
                }
                Err(_elapsed) => RawError::Transport(TransportError::timeout(
                    info.action,
                    "the attempt timeout elapsed",
                )),
            };
            let Some(kind) = error.retry_kind(info) else {
                break Err(error);
            };
            let retry_after = error.retry_after();
            if kind == RetryKind::Throttling {
                throttled += 1;
                if let (Some(limiter), Some(sent)) = (&limiter, sent) {
                    limiter.throttled(sent);
                }
                tracing::info!(
                    attempt,
                    retry_after_ms = retry_after.map(|d| d.as_millis() as u64),
                    "throttled by the service"
                );
            }
            if attempt >= max_attempts {
                break Err(error);
            }
            let delay = policy.delay(kind, attempt, retry_after, inner.jitter.unit());
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                // Waiting would only end in a timeout; the caller learns
                // now what the service said.
                tracing::debug!(
                    delay_ms = delay.as_millis() as u64,
                    "the operation timeout leaves no time for the wait before another attempt"
                );
                break Err(error);
            }
            // Under the limiter, retries after throttling go at its pace:
            // they cannot storm, so they spend nothing.
            if !(limiter.is_some() && kind == RetryKind::Throttling) {
                let Some(cost) = budget.try_acquire(kind) else {
                    tracing::warn!(region, "the client's retry budget is spent; not retrying");
                    break Err(error);
                };
                retry_costs += cost;
            }
            tracing::info!(
                attempt,
                reason = kind.as_str(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        };
        span.record("throttled", throttled);
        if limiter.is_some() {
            span.record("limiter_wait_ms", limiter_wait.as_millis() as u64);
        }
        span.record("attempts", attempt);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(answer) => answer.record(span),
            Err(error) => error.record(span),
        }
        tracing::debug!("call finished");
        result.map_err(|error| error.with_attempts(attempt))
    }

    /// One attempt in its span; `Err` when `limit` elapsed first.
    async fn timed_attempt(
        &self,
        info: &OperationInfo,
        params: &Params<'_>,
        attempt: u32,
        limit: Option<Duration>,
    ) -> Result<Result<RawAnswer, RawError>, tokio::time::error::Elapsed> {
        let span = tracing::debug_span!(
            "ehpc_attempt",
            attempt,
            status = Empty,
            code = Empty,
            request_id = Empty,
            latency_ms = Empty,
        );
        let started = Instant::now();
        let future = self.attempt(info, params).instrument(span.clone());
        let outcome = match limit {
            Some(limit) => tokio::time::timeout(limit, future).await,
            None => Ok(future.await),
        };
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(Ok(answer)) => answer.record(&span),
            Ok(Err(error)) => error.record(&span),
            Err(_) => {
                span.record("status", "timeout");
            }
        }
        span.in_scope(|| tracing::debug!("attempt finished"));
        outcome
    }

    /// Fetches credentials, signs afresh and sends once.
    async fn attempt(
        &self,
        info: &OperationInfo,
        params: &Params<'_>,
    ) -> Result<RawAnswer, RawError> {
        let inner = &*self.inner;
        let provided;
        let provided_signing;
        let (credentials, signing) = match &inner.fixed_credentials {
            Some((credentials, signing)) => (credentials, signing),
            None => {
                provided = inner
                    .credentials
                    .provide_credentials()
                    .await
                    .map_err(RawError::Credentials)?;
                provided_signing = inner
                    .signing_keys
                    .prepared_for(&provided, inner.region.as_deref());
                (&provided, &provided_signing)
            }
        };
        let request = match inner.signature_version {
            SignatureVersion::V3 => self.request_v3(info, params, credentials, &signing.v3_key),
            SignatureVersion::V1 => {
                // The signed query is written straight after the base URL.
                let base_url = &self.endpoint_of(info).base_url;
                let mut url = String::with_capacity(base_url.len() + URL_QUERY_ESTIMATE);
                url.push_str(base_url);
                url.push('?');
                let query_start = url.len();
                self.sign_into(&mut url, info, params, signing);
                super::placement::request(&inner.http, info.method, url, query_start, params)
            }
        };
        let transport = |e| RawError::Transport(TransportError::from_reqwest(info.action, e));
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let header_text = |name: &HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let header_request_id = header_text(&REQUEST_ID);
        let retry_after = header_text(&RETRY_AFTER).and_then(|ms| parse_retry_after(&ms));
        let location = match (300..400).contains(&status) {
            true => header_text(&reqwest::header::LOCATION),
            false => None,
        };
        let limit = inner.max_response_body;
        let body = match body::read_bounded(response, limit).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => return Err(transport(e)),
            Err(BodyError::TooLarge { read }) => {
                return Err(RawError::Response(ResponseError::too_large(
                    info.action,
                    status,
                    limit,
                    read,
                    header_request_id,
                )))
            }
        };
        let mut result = if (300..400).contains(&status) {
            Err(RawError::Response(ResponseError::redirect(
                info.action,
                status,
                location.as_deref(),
                &body,
                header_request_id,
            )))
        } else {
            classify(info.action, status, header_request_id, body)
        };
        if let Err(error) = &mut result {
            error.set_retry_after(retry_after);
        }
        if let (Err(RawError::Service(error)), Some(token)) =
            (&mut result, credentials.security_token())
        {
            error.redact(token);
        }
        result
    }

    /// Appends the signed query (common parameters, the operation's
    /// version, a fresh nonce and timestamp, the operation's query and form
    /// parameters) to `out`.
    fn sign_into(
        &self,
        out: &mut String,
        info: &OperationInfo,
        params: &Params<'_>,
        signing: &PreparedSigning,
    ) {
        let nonce = self.inner.nonces.next_ascii();
        let timestamp = signing::timestamp_ascii(SystemTime::now());
        // A `RegionId` of the operation's own replaces the client's.
        let fixed = if params.get("RegionId").is_none() {
            &signing.with_region
        } else {
            &signing.without_region
        };
        // The values of the slots of `CHANGING`, in its order.
        let changing = [
            info.action,
            nonce.as_str(),
            timestamp.as_str(),
            info.version,
        ];
        let form = params.form_params().into_iter().flat_map(Params::iter);
        signing.key.sign_with_slots_into(
            out,
            info.method.as_str(),
            fixed,
            &changing,
            params.iter().chain(form),
        );
    }
}

/// The service's request id header, named once rather than parsed from
/// text on every answer.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");

/// `future`'s output, or `None` when `deadline` passes first.
async fn within<T>(
    deadline: Option<Instant>,
    future: impl std::future::Future<Output = T>,
) -> Option<T> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// The gateway's wait before a retry, in milliseconds.
const RETRY_AFTER: HeaderName = HeaderName::from_static("x-acs-retry-after");

/// `x-acs-retry-after`: whole milliseconds. Anything else is ignored
/// rather than guessed at.
fn parse_retry_after(text: &str) -> Option<Duration> {
    text.trim().parse().ok().map(Duration::from_millis)
}

/// A first capacity for a signed query: most fit, so the URL is allocated
/// once.
const URL_QUERY_ESTIMATE: usize = 512;

/// The common parameters whose values change from one request to the
/// next, the operation's `Version` among them: slots of the fixed ones.
const CHANGING: [&str; 4] = ["Action", "SignatureNonce", "Timestamp", "Version"];

/// What signing needs from one set of credentials, prepared once: the
/// secret's HMAC key and the common parameters that do not change between
/// requests, already encoded, with slots for those of [`CHANGING`].
pub(super) struct PreparedSigning {
    key: signing::SigningKey,
    /// The same secret's key for `ACS3-HMAC-SHA256`.
    pub(super) v3_key: signing::v3::SigningKeyV3,
    /// With the client's `RegionId`, if it has a region.
    with_region: signing::FixedParams,
    /// For operations that carry their own `RegionId`.
    without_region: signing::FixedParams,
}

impl PreparedSigning {
    pub(super) fn new(credentials: &Credentials, region: Option<&str>) -> Self {
        let common = |region: Option<&str>| {
            let mut params = vec![
                ("AccessKeyId", credentials.access_key_id()),
                ("Format", "JSON"),
                ("SignatureMethod", "HMAC-SHA1"),
                ("SignatureVersion", "1.0"),
            ];
            params.extend(region.map(|region| ("RegionId", region)));
            params.extend(
                credentials
                    .security_token()
                    .map(|token| ("SecurityToken", token)),
            );
            signing::FixedParams::with_slots(params, &CHANGING)
        };
        PreparedSigning {
            key: signing::SigningKey::new(credentials.access_key_secret()),
            v3_key: signing::v3::SigningKeyV3::new(credentials.access_key_secret()),
            with_region: common(region),
            without_region: common(None),
        }
    }
}

/// The signing state of the credentials a provider last handed out:
/// providers hand out the same credentials until they rotate, so the key's
/// two HMAC blocks are hashed and the common parameters encoded once per
/// set of credentials rather than once per request.
#[derive(Default)]
pub(super) struct SigningKeyCache {
    last: std::sync::Mutex<Option<(Credentials, Arc<PreparedSigning>)>>,
}

impl SigningKeyCache {
    fn prepared_for(
        &self,
        credentials: &Credentials,
        region: Option<&str>,
    ) -> Arc<PreparedSigning> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        match &*last {
            Some((cached, prepared))
                if cached.access_key_secret() == credentials.access_key_secret()
                    && cached.access_key_id() == credentials.access_key_id()
                    && cached.security_token() == credentials.security_token() =>
            {
                prepared.clone()
            }
            _ => {
                let prepared = Arc::new(PreparedSigning::new(credentials, region));
                *last = Some((credentials.clone(), prepared.clone()));
                prepared
            }
        }
    }
}

/// Sorts an answer into success, service error or unparseable body.
fn classify(
    action: &'static str,
    status: u16,
    header_request_id: Option<String>,
    body: bytes::Bytes,
) -> Result<RawAnswer, RawError> {
    if (200..300).contains(&status) {
        return Ok(RawAnswer {
            status,
            request_id: header_request_id,
            body,
        });
    }
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&body) {
        Ok(map) => {
            let body_request_id = map
                .get("RequestId")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            match ServiceError::from_body(action, status, map) {
                Some(error) => Err(RawError::Service(error)),
                None => Err(RawError::Response(ResponseError::new(
                    action,
                    status,
                    &body,
                    body_request_id.or(header_request_id),
                    None,
                ))),
            }
        }
        Err(error) => Err(RawError::Response(ResponseError::new(
            action,
            status,
            &body,
            header_request_id,
            Some(error),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(prepared: &PreparedSigning) -> String {
        let mut out = String::new();
        prepared.key.sign_with_slots_into(
            &mut out,
            "GET",
            &prepared.with_region,
            &[
                "ListClusters",
                "nonce",
                "2024-04-25T12:46:24Z",
                "2018-04-12",
            ],
            [("ClusterId", "ehpc-hz-1")],
        );
        out
    }

    #[test]
    fn the_cache_follows_rotated_credentials() {
        let cache = SigningKeyCache::default();
        let first = Credentials::new("id", "first");
        let second = Credentials::new("id", "second");
        let other_id = Credentials::new("other", "second");
        let with_token = Credentials::new("other", "second").with_security_token("t");
        for credentials in [&first, &second, &second, &other_id, &with_token, &first] {
            assert_eq!(
                signed(&cache.prepared_for(credentials, Some("cn-hangzhou"))),
                signed(&PreparedSigning::new(credentials, Some("cn-hangzhou"))),
                "{credentials:?}"
            );
        }
        assert_ne!(
            signed(&cache.prepared_for(&first, None)),
            signed(&cache.prepared_for(&second, None))
        );
    }
}
