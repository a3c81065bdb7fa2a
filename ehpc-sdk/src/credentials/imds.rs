//! The RAM role of an ECS instance, from the instance metadata service.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::credentials_uri::parse_keys;
use super::transport::describe;
use super::{http_client, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use std::time::Duration;

/// Where the metadata service answers on every ECS instance.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://100.100.100.200";

/// Overrides the metadata service's address (e.g. to an emulator).
const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_IMDS_ENDPOINT";
/// Names the role instead of asking the metadata service.
const ROLE_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` leaves the metadata service out of the default chain.
pub(crate) const DISABLED_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` forbids the older flow without a session token.
const V1_DISABLED_VAR: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";

const TOKEN_PATH: &str = "latest/api/token";
const ROLE_PATH: &str = "latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// Lifetime asked for the metadata session token (the service's maximum).
const TOKEN_TTL_SECONDS: u32 = 21_600;
/// The service is local to the instance: answers come fast or not at all.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

pub(crate) const PROVIDER: &str = "ECS RAM role";

/// Temporary keys of the RAM role attached to the ECS instance, through the
/// metadata service's token-protected flow: a session token from
/// `PUT /latest/api/token`, then the role's keys from
/// `GET /latest/meta-data/ram/security-credentials/<role>`. When the token
/// request fails, the older flow without a token is used, unless
/// [`token_less_fallback`](EcsRamRoleProviderBuilder::token_less_fallback)
/// is off (`ALIBABA_CLOUD_IMDSV1_DISABLED=true`). Keys are cached and
/// refreshed 180 s before they expire, once for all callers.
///
/// ```no_run
/// use ehpc_sdk::credentials::EcsRamRoleProvider;
///
/// let provider = EcsRamRoleProvider::builder()
///     .role_name("EcsRamRoleForHpc")
///     .build();
/// # let _ = provider;
/// ```
#[derive(Debug)]
pub struct EcsRamRoleProvider {
    setup: Result<Setup, CredentialsError>,
    role_name: Option<String>,
    token_less_fallback: bool,
    cache: CredentialsCache,
}

#[derive(Debug)]
struct Setup {
    base_url: String,
    http: reqwest::Client,
    timeout: Duration,
}

/// Configures an [`EcsRamRoleProvider`].
#[derive(Debug, Clone)]
pub struct EcsRamRoleProviderBuilder {
    endpoint: String,
    role_name: Option<String>,
    token_less_fallback: bool,
    timeout: Duration,
    refresh_window: Duration,
}

impl Default for EcsRamRoleProviderBuilder {
    fn default() -> Self {
        EcsRamRoleProviderBuilder {
            endpoint: DEFAULT_IMDS_ENDPOINT.to_string(),
            role_name: None,
            token_less_fallback: true,
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }
}

impl EcsRamRoleProviderBuilder {
    /// The metadata service's address (default `http://100.100.100.200`);
    /// HTTP unless a scheme is given.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The role to use; by default the one attached to the instance.
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        self.role_name = Some(role_name.into());
        self
    }

    /// Whether to use the older flow without a session token when the
    /// token request fails (default on, as in the official SDKs).
    pub fn token_less_fallback(mut self, allowed: bool) -> Self {
        self.token_less_fallback = allowed;
        self
    }

    /// What `env` asks for: address `ALIBABA_CLOUD_IMDS_ENDPOINT`, role
    /// `ALIBABA_CLOUD_ECS_METADATA`, no token-less flow with
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`; unchanged when unset.
    pub fn configure_from(mut self, env: &Env) -> Self {
        if let Some(endpoint) = env.get(ENDPOINT_VAR) {
            self.endpoint = endpoint;
        }
        if let Some(role) = env.get(ROLE_VAR) {
            self.role_name = Some(role);
        }
        if env.is_true(V1_DISABLED_VAR) {
            self.token_less_fallback = false;
        }
        self
    }

    /// Limit for each request to the metadata service (default 1 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry keys are replaced (default 180 s).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Builds the provider; a malformed endpoint is reported when
    /// credentials are first asked for.
    pub fn build(self) -> EcsRamRoleProvider {
        let endpoint = if self.endpoint.contains("://") {
            self.endpoint
        } else {
            format!("http://{}", self.endpoint)
        };
        let setup = crate::endpoint::endpoint_url(&endpoint)
            .map_err(|e| CredentialsError::invalid(PROVIDER, e.to_string()))
            .and_then(|base_url| {
                Ok(Setup {
                    base_url,
                    http: http_client(self.timeout, PROVIDER)?,
                    timeout: self.timeout,
                })
            });
        EcsRamRoleProvider {
            setup,
            role_name: self.role_name,
            token_less_fallback: self.token_less_fallback,
            cache: CredentialsCache::new(self.refresh_window),
        }
    }
}

impl EcsRamRoleProvider {
    /// A provider of the ECS instance RAM role, from the instance metadata service.
    pub fn builder() -> EcsRamRoleProviderBuilder {
        EcsRamRoleProviderBuilder::default()
    }

    /// Role from `ALIBABA_CLOUD_ECS_METADATA`, address from
    /// `ALIBABA_CLOUD_IMDS_ENDPOINT`, when set in `env`.
    pub fn with_env(env: &Env) -> Self {
        EcsRamRoleProvider::builder().configure_from(env).build()
    }

    /// [`with_env`](Self::with_env) with the process environment.
    pub fn from_env() -> Self {
        EcsRamRoleProvider::with_env(&Env::process())
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let setup = self.setup.as_ref().map_err(Clone::clone)?;
        let token = match session_token(setup).await {
            Ok(token) => Some(token),
            Err(why) if self.token_less_fallback => {
                tracing::debug!(
                    endpoint = %setup.base_url,
                    reason = %why,
                    "no metadata session token; using the flow without one"
                );
                None
            }
            Err(why) => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!(
                        "the metadata service at {}: the session token request {why}, \
                         and the flow without a token is disabled ({V1_DISABLED_VAR})",
                        setup.base_url
                    ),
                ))
            }
        };
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => {
                let listing = get(setup, ROLE_PATH, token.as_deref(), "the role name").await?;
                let listing = String::from_utf8_lossy(&listing);
                listing
                    .lines()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        CredentialsError::new(PROVIDER, "no RAM role is attached to the instance")
                    })?
            }
        };
        let path = format!("{ROLE_PATH}{}", crate::signing::percent_encode(&role));
        let what = format!("the keys of role `{role}`");
        let body = get(setup, &path, token.as_deref(), &what).await?;
        parse_keys(PROVIDER, &format!("role `{role}`"), &body)
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| Box::pin(self.fetch())))
    }
}

/// A session token, or why there is none (as the end of a sentence).
async fn session_token(setup: &Setup) -> Result<String, String> {
    let answer = setup
        .http
        .put(format!("{}{TOKEN_PATH}", setup.base_url))
        .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string())
        .send()
        .await
        .map_err(|e| describe(&e, setup.timeout))?;
    let status = answer.status().as_u16();
    if status != 200 {
        return Err(format!("was answered HTTP {status}"));
    }
    let token = answer
        .text()
        .await
        .map_err(|e| describe(&e, setup.timeout))?;
    let token = token.trim();
    if token.is_empty() {
        return Err("was answered with an empty token".into());
    }
    Ok(token.to_string())
}

async fn get(
    setup: &Setup,
    path: &str,
    token: Option<&str>,
    what: &str,
) -> Result<bytes::Bytes, CredentialsError> {
    let failed = |why: String| {
        CredentialsError::new(
            PROVIDER,
            format!("the metadata service at {} ({what}): {why}", setup.base_url),
        )
    };
    let mut request = setup.http.get(format!("{}{path}", setup.base_url));
    if let Some(token) = token {
        request = request.header(TOKEN_HEADER, token);
    }
    let answer = request.send().await.map_err(|e| {
        let mut why = describe(&e, setup.timeout);
        if e.is_connect() || e.is_timeout() {
            why.push_str(" (not on an ECS instance?)");
        }
        failed(why)
    })?;
    let status = answer.status().as_u16();
    let body = answer.bytes().await.map_err(|e| {
        failed(format!(
            "reading the answer: {}",
            describe(&e, setup.timeout)
        ))
    })?;
    if status != 200 {
        return Err(failed(format!("answered HTTP {status}")));
    }
    Ok(body)
}
