//! The client: configuration, signing and sending.

use crate::config::CallOptions;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint::{self, ConfigError};
use crate::error::{Error, ResponseError, ServiceError, TransportError};
use crate::generated::service::API_VERSION;
use crate::operation_support::{Method, Operation, OperationInfo, Params};
use crate::signing::{self, NonceSource};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

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
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base_url)
            .field("region", &self.inner.region)
            .field("credentials", &self.inner.credentials)
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
    user_agent_suffix: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("vpc", &self.vpc)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
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

    /// Appended to the User-Agent, to name the application.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
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
        let credentials = self.credentials.ok_or(ConfigError::MissingCredentials)?;
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

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
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

    /// Signs and sends one operation; not generic, so every operation
    /// shares one copy of this code.
    async fn send(
        &self,
        info: &OperationInfo,
        params: &Params,
        options: &CallOptions,
    ) -> Result<RawAnswer, RawError> {
        let attempt = self.attempt(info, params, options);
        match options.operation_timeout {
            Some(limit) => match tokio::time::timeout(limit, attempt).await {
                Ok(result) => result,
                Err(_) => Err(RawError::Transport(TransportError::timeout(
                    info.action,
                    "the operation timeout elapsed",
                ))),
            },
            None => attempt.await,
        }
    }

    async fn attempt(
        &self,
        info: &OperationInfo,
        params: &Params,
        options: &CallOptions,
    ) -> Result<RawAnswer, RawError> {
        let credentials = self
            .inner
            .credentials
            .provide_credentials()
            .await
            .map_err(RawError::Credentials)?;
        let signed = self.sign(info, params, &credentials);
        let request = match info.method {
            Method::Get => self
                .inner
                .http
                .get(format!("{}?{}", self.inner.base_url, signed.query)),
            Method::Post => self
                .inner
                .http
                .post(&self.inner.base_url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(signed.query),
        };
        let request = match options.attempt_timeout {
            Some(limit) => request.timeout(limit),
            None => request,
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
        classify(info.action, status, header_request_id, body)
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
