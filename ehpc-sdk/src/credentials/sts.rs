//! Role assumption through STS `AssumeRole`.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::sts_endpoint::{self, default_session_name, StsEndpoint, API_VERSION, SESSION_NAME_VAR};
use super::{
    http_client, redact, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture,
};
use crate::signing::{self, NonceSource};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Lifetime asked for by default; STS accepts 900 s up to the role's maximum.
const DEFAULT_DURATION: Duration = Duration::from_secs(3600);
const MIN_DURATION: Duration = Duration::from_secs(900);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

const PROVIDER: &str = "AssumeRole";

/// Temporary keys of a RAM role, from STS `AssumeRole` (a signed RPC call,
/// version 2015-04-01) made with the keys of a source provider. Keys are
/// cached and refreshed 180 s before they expire; concurrent callers share
/// one refresh.
///
/// ```no_run
/// use ehpc_sdk::credentials::{AssumeRoleProvider, EnvironmentProvider};
/// use std::time::Duration;
///
/// let provider = AssumeRoleProvider::builder(
///     "acs:ram::123456789012****:role/hpc-operator",
///     EnvironmentProvider::from_env(),
/// )
/// .session_name("nightly-jobs")
/// .duration(Duration::from_secs(900))
/// .build();
/// # let _ = provider;
/// ```
pub struct AssumeRoleProvider {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
    setup: Result<Setup, CredentialsError>,
    nonces: NonceSource,
    cache: CredentialsCache,
}

struct Setup {
    base_url: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field(
                "endpoint",
                &self.setup.as_ref().map(|s| s.base_url.as_str()).ok(),
            )
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Configures an [`AssumeRoleProvider`]. `Debug` shows whether a policy
/// and an external id are set, never their values.
#[derive(Clone)]
pub struct AssumeRoleProviderBuilder {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
    endpoint: StsEndpoint,
    timeout: Duration,
    refresh_window: Duration,
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |value: &Option<String>| value.as_ref().map(|_| "** redacted **");
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("policy", &set(&self.policy))
            .field("external_id", &set(&self.external_id))
            .field("endpoint", &self.endpoint.resolve())
            .field("timeout", &self.timeout)
            .field("source", &self.source)
            .finish()
    }
}

impl AssumeRoleProviderBuilder {
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

    /// The external id the role's trust policy asks for.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The STS endpoint (default `https://sts.aliyuncs.com`): host or URL.
    /// Wins over [`sts_region`](Self::sts_region).
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

    /// What `env` asks for: `ALIBABA_CLOUD_STS_ENDPOINT` replaces the
    /// endpoint; `ALIBABA_CLOUD_STS_REGION` and
    /// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` apply where
    /// [`sts_region`](Self::sts_region) and [`vpc`](Self::vpc) were not set,
    /// and `ALIBABA_CLOUD_ROLE_SESSION_NAME` where no session name was.
    pub fn configure_from(mut self, env: &Env) -> Self {
        self.endpoint.configure_from(env);
        if self.session_name.is_none() {
            self.session_name = env.get(SESSION_NAME_VAR);
        }
        self
    }

    /// Limit for each `AssumeRole` request (default 10 s).
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
    pub fn build(self) -> AssumeRoleProvider {
        let setup = crate::endpoint::endpoint_url(&self.endpoint.resolve())
            .map_err(|e| CredentialsError::invalid(PROVIDER, e.to_string()))
            .and_then(|base_url| {
                Ok(Setup {
                    base_url,
                    http: http_client(self.timeout, PROVIDER)?,
                    timeout: self.timeout,
                })
            });
        let session_name = self.session_name.unwrap_or_else(default_session_name);
        AssumeRoleProvider {
            source: self.source,
            role_arn: self.role_arn,
            session_name,
            duration: self.duration,
            policy: self.policy,
            external_id: self.external_id,
            setup,
            nonces: NonceSource::default(),
            cache: CredentialsCache::new(self.refresh_window),
        }
    }
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with the keys `source` provides.
    pub fn builder(
        role_arn: impl Into<String>,
        source: impl ProvideCredentials + 'static,
    ) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            source: Arc::new(source),
            role_arn: role_arn.into(),
            session_name: None,
            duration: DEFAULT_DURATION,
            policy: None,
            external_id: None,
            endpoint: StsEndpoint::default(),
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let setup = self.setup.as_ref().map_err(Clone::clone)?;
        let source = self.source.provide_credentials().await.map_err(|e| {
            CredentialsError::new(
                PROVIDER,
                format!("no source keys to assume `{}` with: {e}", self.role_arn),
            )
        })?;
        let nonce = self.nonces.next();
        let timestamp = signing::timestamp(SystemTime::now());
        let duration = self.duration.as_secs().to_string();
        let mut params: Vec<(&str, &str)> = vec![
            ("Action", "AssumeRole"),
            ("Version", API_VERSION),
            ("Format", "JSON"),
            ("AccessKeyId", source.access_key_id()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &nonce),
            ("Timestamp", &timestamp),
            ("RoleArn", &self.role_arn),
            ("RoleSessionName", &self.session_name),
            ("DurationSeconds", &duration),
        ];
        if let Some(token) = source.security_token() {
            params.push(("SecurityToken", token));
        }
        if let Some(policy) = &self.policy {
            params.push(("Policy", policy));
        }
        if let Some(external_id) = &self.external_id {
            params.push(("ExternalId", external_id));
        }
        let signed = signing::sign_params("GET", source.access_key_secret(), params);
        let request = setup
            .http
            .get(format!("{}?{}", setup.base_url, signed.query));
        let (status, body) =
            sts_endpoint::send(PROVIDER, request, &setup.base_url, setup.timeout).await?;
        let result = sts_endpoint::parse_answer(PROVIDER, &self.role_arn, status, &body);
        // An error message may quote the string-to-sign, which holds the
        // source's security token.
        result.map_err(|mut error| {
            if let Some(token) = source.security_token() {
                error.message = redact(&error.message, token);
            }
            error
        })
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| Box::pin(self.fetch())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_policy_and_the_external_id() {
        let builder = AssumeRoleProvider::builder("arn", Credentials::new("a", "hidden-secret"))
            .policy("{\"Statement\":\"hidden-policy\"}")
            .external_id("hidden-external-id");
        let shown = format!("{builder:?} {builder:#?} {:?}", builder.clone().build());
        for secret in ["hidden-policy", "hidden-external-id", "hidden-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("arn"), "{shown}");
    }
}
