//! The client: configuration, signing and sending.

use crate::config::CallOptions;
use crate::credentials::{self, Credentials, DefaultChain, Env, ProvideCredentials};
use crate::endpoint::{self, ConfigError};
use crate::error::{Error, ResponseError, ServiceError, TransportError};
use crate::generated::service::API_VERSION;
use crate::operation_support::{Method, Operation, OperationInfo, Params};
use crate::retry::{self, Jitter, RetryBudget, RetryConfig, RetryKind};
use crate::signing::{self, NonceSource};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::field::Empty;
use tracing::Instrument as _;

/// The region used when the builder names none.
const REGION_VAR: &str = "ALIBABA_CLOUD_REGION_ID";

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit between reads of an answer.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// An E-HPC client. Build it once with [`Client::builder`] and clone it
/// freely: clones share one connection pool and configuration.
///
/// Each operation has a method returning a call to fill in and send, e.g.
/// [`Client::stop_visual_service`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    region: Option<String>,
    credentials: Arc<dyn ProvideCredentials>,
    nonces: NonceSource,
    retry: RetryConfig,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry_budget: RetryBudget,
    jitter: Jitter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base_url)
            .field("region", &self.inner.region)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("operation_timeout", &self.inner.operation_timeout)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    vpc: bool,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
    user_agent_suffix: Option<String>,
    env: Option<Env>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("vpc", &self.vpc)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder that fills in what is not set explicitly from `env` (see
    /// [`environment`](Self::environment)) from the process environment.
    pub fn from_env() -> Self {
        ClientBuilder::default().environment(Env::process())
    }

    /// Fills in what is not set explicitly from `env`: the region from
    /// `ALIBABA_CLOUD_REGION_ID`, else the CLI profile's `region_id`; the
    /// credentials from the [`DefaultChain`] reading `env`.
    ///
    /// ```no_run
    /// use ehpc_sdk::credentials::Env;
    /// use ehpc_sdk::Client;
    ///
    /// # fn run() -> Result<(), ehpc_sdk::ConfigError> {
    /// let env = Env::from_vars([
    ///     ("ALIBABA_CLOUD_REGION_ID", "cn-shanghai"),
    ///     ("ALIBABA_CLOUD_CONFIG_FILE", "/etc/hpc/aliyun.json"),
    ///     ("ALIBABA_CLOUD_PROFILE", "batch"),
    /// ]);
    /// let client = Client::builder().environment(env).build()?;
    /// assert_eq!(client.region(), Some("cn-shanghai"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn environment(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Region id, e.g. `cn-hangzhou`; picks the endpoint
    /// `ehpc.<region>.aliyuncs.com` and is sent as `RegionId`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint, winning over the region's: `host`,
    /// `host:port` or a URL (`http://127.0.0.1:8080`). HTTPS unless the URL
    /// says otherwise.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Use the VPC endpoint of the region (`ehpc-vpc.<region>.aliyuncs.com`).
    pub fn vpc(mut self, vpc: bool) -> Self {
        self.vpc = vpc;
        self
    }

    /// Fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(credentials));
        self
    }

    /// A provider asked for credentials on every request.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Limit for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Limit between reads of an answer (default 10 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Limit for each attempt, from fetching credentials to the end of the
    /// answer (default none: the connect and read timeouts bound it).
    /// Overridable per call with [`CallOptions`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Limit for a whole call, across retries and the waits between them
    /// (default none). Overridable per call with [`CallOptions`].
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryConfig::standard`]: 3 attempts).
    ///
    /// ```no_run
    /// use ehpc_sdk::{Client, RetryConfig};
    /// use std::time::Duration;
    ///
    /// # fn run() -> Result<(), ehpc_sdk::ConfigError> {
    /// let client = Client::builder()
    ///     .region("cn-hangzhou")
    ///     .retry_config(
    ///         RetryConfig::standard()
    ///             .with_max_attempts(5)
    ///             .with_max_delay(Duration::from_secs(5)),
    ///     )
    ///     .attempt_timeout(Duration::from_secs(3))
    ///     .operation_timeout(Duration::from_secs(20))
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Appended to the User-Agent, to name the application.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(mut self) -> Result<Client, ConfigError> {
        if let (None, Some(env)) = (&self.region, &self.env) {
            self.region = env
                .get(REGION_VAR)
                .or_else(|| credentials::profile_region(env));
        }
        if let Some(region) = &self.region {
            if !endpoint::is_region(region) {
                return Err(ConfigError::InvalidRegion(region.clone()));
            }
        }
        let base_url = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => endpoint::endpoint_url(endpoint)?,
            (None, Some(region)) => {
                format!("https://{}/", endpoint::region_host(region, self.vpc)?)
            }
            (None, None) => return Err(ConfigError::MissingRegion),
        };
        let credentials = match (self.credentials, &self.env) {
            (Some(credentials), _) => credentials,
            (None, Some(env)) => Arc::new(DefaultChain::new(env.clone())),
            (None, None) => return Err(ConfigError::MissingCredentials),
        };
        let mut user_agent = format!(
            "{}/{} ({}; {})",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .read_timeout(self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT))
            .user_agent(user_agent)
            .build()
            .map_err(|e| ConfigError::InvalidEndpoint {
                endpoint: base_url.clone(),
                reason: format!("the HTTP client could not be built: {e}"),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                region: self.region,
                credentials,
                nonces: NonceSource::default(),
                retry: self.retry.unwrap_or_default(),
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                retry_budget: RetryBudget::default(),
                jitter: Jitter::default(),
            }),
        })
    }
}

/// A successful exchange before decoding.
struct RawAnswer {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
}

/// A failed exchange, before the service error is typed.
enum RawError {
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
            RawError::Response(e) => retry::classify_unparseable(e.status()),
            RawError::Service(e) => retry::classify_service(info, e.status(), e.code()),
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
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment alone: region from
    /// `ALIBABA_CLOUD_REGION_ID` or the CLI profile, credentials from the
    /// [`DefaultChain`]. Use [`ClientBuilder::from_env`] to set more.
    ///
    /// ```no_run
    /// use ehpc_sdk::Client;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::from_env()?;
    /// let answer = client
    ///     .stop_visual_service()
    ///     .cluster_id("ehpc-hz-jeJki6****")
    ///     .cidr_ip("192.168.0.0/24")
    ///     .port(12016)
    ///     .send()
    ///     .await?;
    /// println!("stopped ({})", answer.request_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env().build()
    }

    /// The base URL requests go to, e.g. `https://ehpc.cn-hangzhou.aliyuncs.com/`.
    pub fn endpoint(&self) -> &str {
        &self.inner.base_url
    }

    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Sends a request built on its own (`*Request::builder()...build()`).
    pub async fn execute<O: Operation>(&self, request: &O) -> Result<O::Output, Error<O::Error>> {
        self.execute_with(request, &CallOptions::default()).await
    }

    /// [`execute`](Self::execute) with options for this call.
    pub async fn execute_with<O: Operation>(
        &self,
        request: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error<O::Error>> {
        let mut params = Params::new();
        request.encode(&mut params);
        let info = O::INFO;
        match self.send(&info, &params, options).await {
            Ok(answer) => serde_json::from_slice(&answer.body).map_err(|error| {
                Error::Response(ResponseError::new(
                    info.action,
                    answer.status,
                    &answer.body,
                    answer.request_id,
                    Some(error),
                ))
            }),
            Err(RawError::Credentials(e)) => Err(Error::Credentials(e)),
            Err(RawError::Transport(e)) => Err(Error::Transport(e)),
            Err(RawError::Response(e)) => Err(Error::Response(e)),
            Err(RawError::Service(e)) => Err(Error::Service(O::Error::from(e))),
        }
    }

    /// Signs and sends one operation with the retry policy; not generic, so
    /// every operation shares one copy of this code.
    async fn send(
        &self,
        info: &OperationInfo,
        params: &Params,
        options: &CallOptions,
    ) -> Result<RawAnswer, RawError> {
        let span = tracing::info_span!(
            "ehpc_call",
            action = info.action,
            attempts = Empty,
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
        params: &Params,
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
        let mut retry_costs = 0;
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
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
                    inner.retry_budget.succeeded(retry_costs);
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
            if attempt >= max_attempts {
                break Err(error);
            }
            let delay = policy.backoff(attempt, inner.jitter.unit());
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                tracing::debug!("the operation timeout leaves no time for another attempt");
                break Err(error);
            }
            let Some(cost) = inner.retry_budget.try_acquire(kind) else {
                tracing::warn!("the client's retry budget is spent; not retrying");
                break Err(error);
            };
            retry_costs += cost;
            tracing::info!(
                attempt,
                reason = kind.as_str(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        };
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
        params: &Params,
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
    async fn attempt(&self, info: &OperationInfo, params: &Params) -> Result<RawAnswer, RawError> {
        let credentials = self
            .inner
            .credentials
            .provide_credentials()
            .await
            .map_err(RawError::Credentials)?;
        let signed = self.sign(info, params, &credentials);
        let request = match info.method {
            Method::Get => {
                let base = &self.inner.base_url;
                let mut url = String::with_capacity(base.len() + 1 + signed.query.len());
                url.push_str(base);
                url.push('?');
                url.push_str(&signed.query);
                self.inner.http.get(url)
            }
            Method::Post => self
                .inner
                .http
                .post(&self.inner.base_url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(signed.query),
        };
        let transport = |e| RawError::Transport(TransportError::from_reqwest(info.action, e));
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let header_request_id = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.bytes().await.map_err(transport)?.to_vec();
        let mut result = classify(info.action, status, header_request_id, body);
        if let (Err(RawError::Service(error)), Some(token)) =
            (&mut result, credentials.security_token())
        {
            error.redact(token);
        }
        result
    }

    fn sign(
        &self,
        info: &OperationInfo,
        params: &Params,
        credentials: &Credentials,
    ) -> signing::Signed {
        let nonce = self.inner.nonces.next();
        let timestamp = signing::timestamp(SystemTime::now());
        let mut common: Vec<(&str, &str)> = vec![
            ("Action", info.action),
            ("Version", API_VERSION),
            ("Format", "JSON"),
            ("AccessKeyId", credentials.access_key_id()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &nonce),
            ("Timestamp", &timestamp),
        ];
        if let Some(token) = credentials.security_token() {
            common.push(("SecurityToken", token));
        }
        if let Some(region) = &self.inner.region {
            if params.get("RegionId").is_none() {
                common.push(("RegionId", region));
            }
        }
        signing::sign_params(
            info.method.as_str(),
            credentials.access_key_secret(),
            common.into_iter().chain(params.iter()),
        )
    }
}

/// Sorts an answer into success, service error or unparseable body.
fn classify(
    action: &'static str,
    status: u16,
    header_request_id: Option<String>,
    body: Vec<u8>,
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
