//! Client configuration.

use super::send::{PreparedSigning, SigningKeyCache};
use super::{
    Client, Inner, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_READ_TIMEOUT,
};
use crate::credentials::{self, Credentials, DefaultChain, Env, ProvideCredentials};
use crate::endpoint::{self, ConfigError};
use crate::retry::{Budgets, Jitter, Limiters, RetryConfig};
use crate::signing::{NonceSource, SignatureVersion};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The region used when the builder names none.
const REGION_VAR: &str = "ALIBABA_CLOUD_REGION_ID";

/// Configures a [`Client`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    vpc: bool,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    /// Set with `credentials`: signed with directly, no provider asked.
    fixed_credentials: Option<Credentials>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    max_in_flight: Option<usize>,
    retry: Option<RetryConfig>,
    max_response_body: Option<usize>,
    user_agent_suffix: Option<String>,
    signature_version: SignatureVersion,
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
            .field("signature_version", &self.signature_version)
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
    /// credentials from the [`DefaultChain`](crate::credentials::DefaultChain) reading `env`.
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
        self.credentials = Some(Arc::new(credentials.clone()));
        self.fixed_credentials = Some(credentials);
        self
    }

    /// A provider asked for credentials on every request.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self.fixed_credentials = None;
        self
    }

    /// Limit for establishing a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Limit between reads of an answer (default 10 s); also part of the
    /// default attempt timeout (see [`attempt_timeout`](Self::attempt_timeout)).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Limit for each attempt, from fetching credentials to the end of the
    /// answer, headers and body (default: the connect timeout plus the read
    /// timeout, 15 s, so an answer trickled slowly still ends).
    /// Overridable per call with [`CallOptions`](crate::CallOptions).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Limit for a whole call, across retries and the waits between them
    /// (default none). Overridable per call with [`CallOptions`](crate::CallOptions).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// At most `max` requests of this client (and its clones) in flight at
    /// once, at least 1; off by default. An attempt over the cap waits for
    /// a slot, within the operation timeout; the waits between retries
    /// hold none.
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = Some(max.max(1));
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

    /// The most bytes of an answer's body the client reads (default
    /// [`DEFAULT_MAX_RESPONSE_BODY`], 16 MiB). A longer body, announced by
    /// `Content-Length` or found while reading, ends the attempt with a
    /// [`ResponseError`](crate::ResponseError) that gives the status and the
    /// limit ([`body_limit_exceeded`](crate::ResponseError::body_limit_exceeded));
    /// nothing more is read and the call is not retried.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// The signature put on every request: [`SignatureVersion::V1`]
    /// (HMAC-SHA1, the default) or [`SignatureVersion::V3`]
    /// (`ACS3-HMAC-SHA256`, the official SDKs' default).
    ///
    /// ```no_run
    /// use ehpc_sdk::{Client, SignatureVersion};
    ///
    /// # fn run() -> Result<(), ehpc_sdk::ConfigError> {
    /// let client = Client::builder()
    ///     .region("cn-hangzhou")
    ///     .signature_version(SignatureVersion::V3)
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
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
        let endpoints = endpoint::Endpoints::resolve(
            self.endpoint.as_deref(),
            self.region.as_deref(),
            self.vpc,
        )?;
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
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let read_timeout = self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT);
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            // An RPC endpoint never redirects; following one would hand the
            // signed request (and a Referer quoting it) to another host.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(user_agent)
            .build()
            .map_err(|e| ConfigError::InvalidEndpoint {
                endpoint: self.endpoint.clone().unwrap_or_default(),
                reason: format!("the HTTP client could not be built: {e}"),
            })?;
        let fixed_credentials = self.fixed_credentials.map(|credentials| {
            let prepared = PreparedSigning::new(&credentials, self.region.as_deref());
            (credentials, Arc::new(prepared))
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoints,
                signature_version: self.signature_version,
                region: self.region,
                credentials,
                fixed_credentials,
                signing_keys: SigningKeyCache::default(),
                nonces: NonceSource::default(),
                retry: self.retry.unwrap_or_default(),
                max_response_body: self.max_response_body.unwrap_or(DEFAULT_MAX_RESPONSE_BODY),
                attempt_timeout: Some(
                    self.attempt_timeout
                        .unwrap_or(connect_timeout + read_timeout),
                ),
                operation_timeout: self.operation_timeout,
                retry_budgets: Budgets::default(),
                limiters: Limiters::default(),
                in_flight: self.max_in_flight.map(tokio::sync::Semaphore::new),
                jitter: Jitter::default(),
            }),
        })
    }
}
