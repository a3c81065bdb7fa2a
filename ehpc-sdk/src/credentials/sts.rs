//! Role assumption through STS `AssumeRole`.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::{
    http_client, redact, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture,
};
use crate::signing::{self, NonceSource};
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The public STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com";

/// Overrides the STS endpoint (e.g. to an emulator).
const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Uses the regional STS endpoint `sts.<region>.aliyuncs.com`.
const REGION_VAR: &str = "ALIBABA_CLOUD_STS_REGION";
/// With a region: the VPC endpoint `sts-vpc.<region>.aliyuncs.com`.
const VPC_VAR: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

const API_VERSION: &str = "2015-04-01";
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

/// Configures an [`AssumeRoleProvider`].
#[derive(Debug, Clone)]
pub struct AssumeRoleProviderBuilder {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
    endpoint: String,
    timeout: Duration,
    refresh_window: Duration,
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
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The endpoint `env` asks for: `ALIBABA_CLOUD_STS_ENDPOINT`, else the
    /// region's from `ALIBABA_CLOUD_STS_REGION` (its VPC endpoint when
    /// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`); unchanged when neither
    /// is set.
    pub fn configure_from(mut self, env: &Env) -> Self {
        if let Some(endpoint) = env.get(ENDPOINT_VAR) {
            self.endpoint = endpoint;
        } else if let Some(region) = env.get(REGION_VAR) {
            let prefix = if env.is_true(VPC_VAR) {
                "sts-vpc"
            } else {
                "sts"
            };
            self.endpoint = format!("https://{prefix}.{region}.aliyuncs.com");
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
        let setup = crate::endpoint::endpoint_url(&self.endpoint)
            .map_err(|e| CredentialsError::invalid(PROVIDER, e.to_string()))
            .and_then(|base_url| {
                Ok(Setup {
                    base_url,
                    http: http_client(self.timeout, PROVIDER)?,
                })
            });
        let session_name = self.session_name.unwrap_or_else(|| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            format!("ehpc-sdk-{now}")
        });
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
            endpoint: DEFAULT_STS_ENDPOINT.to_string(),
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
        let answer = setup
            .http
            .get(format!("{}?{}", setup.base_url, signed.query))
            .send()
            .await
            .map_err(|e| {
                CredentialsError::new(
                    PROVIDER,
                    format!(
                        "calling STS at {} failed: {}",
                        setup.base_url,
                        e.without_url()
                    ),
                )
            })?;
        let status = answer.status().as_u16();
        let body = answer.bytes().await.map_err(|e| {
            CredentialsError::new(
                PROVIDER,
                format!("reading the STS answer failed: {}", e.without_url()),
            )
        })?;
        let result = parse_answer(&self.role_arn, status, &body);
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    credentials: Option<AnswerCredentials>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

fn parse_answer(role_arn: &str, status: u16, body: &[u8]) -> Result<Credentials, CredentialsError> {
    let failed = |what: String| {
        CredentialsError::new(PROVIDER, format!("assuming `{role_arn}` failed: {what}"))
    };
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        failed(format!(
            "STS answered HTTP {status} with a body that is not the expected JSON ({e})"
        ))
    })?;
    if !(200..300).contains(&status) {
        let mut what = format!(
            "{} (HTTP {status}): {}",
            answer.code.as_deref().unwrap_or("no error code"),
            answer.message.as_deref().unwrap_or("")
        );
        if let Some(id) = &answer.request_id {
            what.push_str(&format!(" (request id {id})"));
        }
        return Err(failed(what));
    }
    let keys = answer
        .credentials
        .ok_or_else(|| failed("the answer has no `Credentials`".into()))?;
    let expiration = signing::parse_timestamp(&keys.expiration).ok_or_else(|| {
        failed(format!(
            "`Expiration` is not a UTC time: `{}`",
            keys.expiration
        ))
    })?;
    Ok(Credentials::new(keys.access_key_id, keys.access_key_secret)
        .with_security_token(keys.security_token)
        .with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_and_errors_carry_code_and_request_id() {
        let ok = parse_answer(
            "arn",
            200,
            br#"{"RequestId":"r","Credentials":{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}"#,
        )
        .unwrap();
        assert_eq!(ok.access_key_id(), "STS.a");
        let refused = parse_answer(
            "arn",
            403,
            br#"{"RequestId":"r-1","Code":"NoPermission","Message":"You are not authorized"}"#,
        )
        .unwrap_err();
        let text = refused.to_string();
        assert!(
            text.contains("NoPermission") && text.contains("r-1"),
            "{text}"
        );
        assert!(parse_answer("arn", 502, b"<html>bad gateway</html>").is_err());
    }

    #[test]
    fn endpoint_follows_the_environment() {
        let builder = AssumeRoleProvider::builder("arn", Credentials::new("a", "b"));
        let regional = builder
            .clone()
            .configure_from(&Env::from_vars([(REGION_VAR, "cn-shanghai")]));
        assert_eq!(regional.endpoint, "https://sts.cn-shanghai.aliyuncs.com");
        let explicit = builder.configure_from(&Env::from_vars([
            (REGION_VAR, "cn-shanghai"),
            (ENDPOINT_VAR, "http://127.0.0.1:9"),
        ]));
        assert_eq!(explicit.endpoint, "http://127.0.0.1:9");
    }
}
