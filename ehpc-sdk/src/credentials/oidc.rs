//! A RAM role assumed with an OIDC token: STS `AssumeRoleWithOIDC`, the
//! RRSA setup of Kubernetes pods on ACK.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::sts_endpoint::{self, default_session_name, StsEndpoint, API_VERSION, SESSION_NAME_VAR};
use super::{http_client, redact, Credentials, CredentialsError, Env, ProvideCredentials};
use crate::signing;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub(crate) const ROLE_ARN_VAR: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const PROVIDER_ARN_VAR: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const TOKEN_FILE_VAR: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

const DEFAULT_DURATION: Duration = Duration::from_secs(3600);
const MIN_DURATION: Duration = Duration::from_secs(900);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

const PROVIDER: &str = "OIDC role";

/// Temporary keys of a RAM role, from STS `AssumeRoleWithOIDC` with the
/// OIDC token in a file (re-read at every refresh, since the platform
/// rotates it). The STS call is not signed: the token is the proof.
/// Keys are cached and refreshed before they expire, once for all callers.
///
/// ```no_run
/// use ehpc_sdk::credentials::{Env, OidcRoleProvider};
///
/// // What an RRSA pod's environment sets up:
/// let from_pod = OidcRoleProvider::with_env(&Env::process());
///
/// let explicit = OidcRoleProvider::builder(
///     "acs:ram::123456789012****:role/hpc-pod",
///     "acs:ram::123456789012****:oidc-provider/ack-rrsa-c1234",
///     "/var/run/secrets/tokens/oidc-token",
/// )
/// .session_name("scheduler")
/// .build();
/// # let _ = (from_pod, explicit);
/// ```
pub struct OidcRoleProvider {
    config: Result<Config, CredentialsError>,
    cache: CredentialsCache,
}

struct Config {
    role_arn: String,
    provider_arn: String,
    token_file: PathBuf,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    base_url: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for OidcRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("OidcRoleProvider");
        if let Ok(config) = &self.config {
            debug
                .field("role_arn", &config.role_arn)
                .field("provider_arn", &config.provider_arn)
                .field("token_file", &config.token_file)
                .field("endpoint", &config.base_url);
        }
        debug.finish_non_exhaustive()
    }
}

/// Configures an [`OidcRoleProvider`]. `Debug` never shows the policy.
#[derive(Clone)]
pub struct OidcRoleProviderBuilder {
    role_arn: String,
    provider_arn: String,
    token_file: PathBuf,
    session_name: Option<String>,
    duration: Duration,
    policy: Option<String>,
    endpoint: StsEndpoint,
    timeout: Duration,
    refresh_window: Duration,
}

impl fmt::Debug for OidcRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcRoleProviderBuilder")
            .field("role_arn", &self.role_arn)
            .field("provider_arn", &self.provider_arn)
            .field("token_file", &self.token_file)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("policy", &self.policy.as_ref().map(|_| "** redacted **"))
            .field("endpoint", &self.endpoint.resolve())
            .finish_non_exhaustive()
    }
}

impl OidcRoleProviderBuilder {
    /// Names the session in the role's audit trail (default
    /// `ehpc-sdk-<unix time>`).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// Lifetime of the keys (default 1 h; at least 900 s).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration.max(MIN_DURATION);
        self
    }

    /// A policy (JSON) narrowing what the keys may do.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// The STS endpoint (default `https://sts.aliyuncs.com`): host or URL.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint.endpoint = Some(endpoint.into());
        self
    }

    /// Uses the regional endpoint `sts.<region>.aliyuncs.com`.
    pub fn sts_region(mut self, region: impl Into<String>) -> Self {
        self.endpoint.region = Some(region.into());
        self
    }

    /// With a region, uses its VPC endpoint `sts-vpc.<region>.aliyuncs.com`.
    pub fn vpc(mut self, vpc: bool) -> Self {
        self.endpoint.vpc = Some(vpc);
        self
    }

    /// The STS endpoint `env` asks for, as
    /// [`AssumeRoleProviderBuilder::configure_from`](super::AssumeRoleProviderBuilder::configure_from)
    /// reads it, and `ALIBABA_CLOUD_ROLE_SESSION_NAME` when no session name
    /// is set.
    pub fn configure_from(mut self, env: &Env) -> Self {
        self.endpoint.configure_from(env);
        if self.session_name.is_none() {
            self.session_name = env.get(SESSION_NAME_VAR);
        }
        self
    }

    /// Limit for each STS request (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry keys are replaced (default 180 s).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// The provider, which assumes the role with the OIDC token on first use and before the keys expire.
    pub fn build(self) -> OidcRoleProvider {
        let config = crate::endpoint::endpoint_url(&self.endpoint.resolve())
            .map_err(|e| CredentialsError::invalid(PROVIDER, e.to_string()))
            .and_then(|base_url| {
                Ok(Config {
                    http: http_client(self.timeout, PROVIDER)?,
                    base_url,
                    role_arn: self.role_arn,
                    provider_arn: self.provider_arn,
                    token_file: self.token_file,
                    session_name: self.session_name.unwrap_or_else(default_session_name),
                    duration: self.duration,
                    policy: self.policy,
                    timeout: self.timeout,
                })
            });
        OidcRoleProvider {
            config,
            cache: CredentialsCache::new(self.refresh_window),
        }
    }
}

impl OidcRoleProvider {
    /// Assumes `role_arn` through the OIDC provider `provider_arn` with the
    /// token in `token_file`.
    pub fn builder(
        role_arn: impl Into<String>,
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> OidcRoleProviderBuilder {
        OidcRoleProviderBuilder {
            role_arn: role_arn.into(),
            provider_arn: provider_arn.into(),
            token_file: token_file.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            policy: None,
            endpoint: StsEndpoint::default(),
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }

    /// The role `ALIBABA_CLOUD_ROLE_ARN`, provider
    /// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and token file
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` of `env`, with its STS settings and
    /// session name. Unless all three are set, the provider reports that
    /// it is not configured.
    pub fn with_env(env: &Env) -> Self {
        match (
            env.get(ROLE_ARN_VAR),
            env.get(PROVIDER_ARN_VAR),
            env.get(TOKEN_FILE_VAR),
        ) {
            (Some(role), Some(provider), Some(file)) => {
                OidcRoleProvider::builder(role, provider, file)
                    .configure_from(env)
                    .build()
            }
            _ => OidcRoleProvider {
                config: Err(CredentialsError::not_configured(
                    PROVIDER,
                    format!(
                        "{ROLE_ARN_VAR}, {PROVIDER_ARN_VAR} and {TOKEN_FILE_VAR} are not all set"
                    ),
                )),
                cache: CredentialsCache::new(DEFAULT_REFRESH_WINDOW),
            },
        }
    }

    /// [`with_env`](Self::with_env) with the process environment.
    pub fn from_env() -> Self {
        OidcRoleProvider::with_env(&Env::process())
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let config = self.config.as_ref().map_err(Clone::clone)?;
        let token = read_token(&config.token_file)?;
        let timestamp = signing::timestamp(SystemTime::now());
        let duration = config.duration.as_secs().to_string();
        let query = [
            ("Action", "AssumeRoleWithOIDC"),
            ("Version", API_VERSION),
            ("Format", "JSON"),
            ("Timestamp", timestamp.as_str()),
        ];
        let mut form = vec![
            ("RoleArn", config.role_arn.as_str()),
            ("OIDCProviderArn", config.provider_arn.as_str()),
            ("OIDCToken", token.as_str()),
            ("RoleSessionName", config.session_name.as_str()),
            ("DurationSeconds", duration.as_str()),
        ];
        if let Some(policy) = &config.policy {
            form.push(("Policy", policy));
        }
        // The token goes in the body, never in a URL that may be logged.
        let request = config
            .http
            .post(format!("{}?{}", config.base_url, encode(&query)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode(&form));
        let (status, body) =
            sts_endpoint::send(PROVIDER, request, &config.base_url, config.timeout).await?;
        sts_endpoint::parse_answer(PROVIDER, &config.role_arn, status, &body).map_err(
            |mut error| {
                error.message = redact(&error.message, &token);
                error
            },
        )
    }
}

impl ProvideCredentials for OidcRoleProvider {
    fn provide_credentials(&self) -> super::ProvideFuture<'_> {
        Box::pin(async move {
            if let Err(error) = &self.config {
                return Err(error.clone());
            }
            self.cache.get_or_refresh(|| Box::pin(self.fetch())).await
        })
    }
}

/// The token, read afresh; the error names the file, never its content.
pub(crate) fn read_token(path: &std::path::Path) -> Result<String, CredentialsError> {
    let token = std::fs::read_to_string(path).map_err(|e| {
        CredentialsError::invalid(
            PROVIDER,
            format!("the OIDC token file {} cannot be read: {e}", path.display()),
        )
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(CredentialsError::invalid(
            PROVIDER,
            format!("the OIDC token file {} is empty", path.display()),
        ));
    }
    Ok(token.to_string())
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        signing::percent_encode_into(&mut out, name);
        out.push('=');
        signing::percent_encode_into(&mut out, value);
    }
    out
}
