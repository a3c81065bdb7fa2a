//! The RAM role of an ECS instance, from the instance metadata service.

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::{http_client, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use serde::Deserialize;
use std::time::Duration;

/// Where the metadata service answers on every ECS instance.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://100.100.100.200";

/// Overrides the metadata service's address (e.g. to an emulator).
const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_IMDS_ENDPOINT";
/// Names the role instead of asking the metadata service.
const ROLE_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` leaves the metadata service out of the default chain.
pub(crate) const DISABLED_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";

const TOKEN_PATH: &str = "latest/api/token";
const ROLE_PATH: &str = "latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// Lifetime asked for the metadata session token (the service's maximum).
const TOKEN_TTL_SECONDS: u32 = 21_600;
/// The service is local to the instance: answers come fast or not at all.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

const PROVIDER: &str = "ECS RAM role";

/// Temporary keys of the RAM role attached to the ECS instance, through the
/// metadata service's token-protected flow: a session token from
/// `PUT /latest/api/token`, then the role's keys from
/// `GET /latest/meta-data/ram/security-credentials/<role>`. Keys are cached
/// and refreshed 180 s before they expire.
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
    cache: CredentialsCache,
}

#[derive(Debug)]
struct Setup {
    base_url: String,
    http: reqwest::Client,
}

/// Configures an [`EcsRamRoleProvider`].
#[derive(Debug, Clone)]
pub struct EcsRamRoleProviderBuilder {
    endpoint: String,
    role_name: Option<String>,
    timeout: Duration,
    refresh_window: Duration,
}

impl Default for EcsRamRoleProviderBuilder {
    fn default() -> Self {
        EcsRamRoleProviderBuilder {
            endpoint: DEFAULT_IMDS_ENDPOINT.to_string(),
            role_name: None,
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

    /// The address and role `env` asks for: `ALIBABA_CLOUD_IMDS_ENDPOINT`
    /// and `ALIBABA_CLOUD_ECS_METADATA`; unchanged when unset.
    pub fn configure_from(mut self, env: &Env) -> Self {
        if let Some(endpoint) = env.get(ENDPOINT_VAR) {
            self.endpoint = endpoint;
        }
        if let Some(role) = env.get(ROLE_VAR) {
            self.role_name = Some(role);
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
                })
            });
        EcsRamRoleProvider {
            setup,
            role_name: self.role_name,
            cache: CredentialsCache::new(self.refresh_window),
        }
    }
}

impl EcsRamRoleProvider {
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
        let unreachable = |e: reqwest::Error| {
            CredentialsError::not_configured(
                PROVIDER,
                format!(
                    "the metadata service at {} could not be reached (not on ECS?): {}",
                    setup.base_url,
                    e.without_url()
                ),
            )
        };
        let token_answer = setup
            .http
            .put(format!("{}{TOKEN_PATH}", setup.base_url))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string())
            .send()
            .await
            .map_err(unreachable)?;
        let token = read_text(token_answer, "the session token").await?;
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => {
                let answer = setup
                    .http
                    .get(format!("{}{ROLE_PATH}", setup.base_url))
                    .header(TOKEN_HEADER, &token)
                    .send()
                    .await
                    .map_err(unreachable)?;
                let listing = read_text(answer, "the role name").await?;
                listing
                    .lines()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        CredentialsError::invalid(
                            PROVIDER,
                            "no RAM role is attached to the instance",
                        )
                    })?
            }
        };
        let answer = setup
            .http
            .get(format!(
                "{}{ROLE_PATH}{}",
                setup.base_url,
                crate::signing::percent_encode(&role)
            ))
            .header(TOKEN_HEADER, &token)
            .send()
            .await
            .map_err(unreachable)?;
        let body = read_text(answer, &format!("the keys of role `{role}`")).await?;
        parse_role_credentials(&role, &body)
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| Box::pin(self.fetch())))
    }
}

async fn read_text(answer: reqwest::Response, what: &str) -> Result<String, CredentialsError> {
    let status = answer.status();
    let text = answer.text().await.map_err(|e| {
        CredentialsError::new(
            PROVIDER,
            format!("reading {what} failed: {}", e.without_url()),
        )
    })?;
    if !status.is_success() {
        return Err(CredentialsError::new(
            PROVIDER,
            format!(
                "the metadata service refused {what} (HTTP {})",
                status.as_u16()
            ),
        ));
    }
    Ok(text.trim().to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentials {
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

fn parse_role_credentials(role: &str, body: &str) -> Result<Credentials, CredentialsError> {
    let failed = |what: String| CredentialsError::new(PROVIDER, format!("role `{role}`: {what}"));
    let parsed: RoleCredentials = serde_json::from_str(body)
        .map_err(|e| failed(format!("the answer is not the expected JSON: {e}")))?;
    if let Some(code) = parsed.code.as_deref().filter(|code| *code != "Success") {
        return Err(failed(format!(
            "the metadata service answered code `{code}`"
        )));
    }
    let missing = |field: &str| failed(format!("the answer lacks `{field}`"));
    let expiration_text = parsed.expiration.ok_or_else(|| missing("Expiration"))?;
    let expiration = crate::signing::parse_timestamp(&expiration_text).ok_or_else(|| {
        failed(format!(
            "`Expiration` is not a UTC time: `{expiration_text}`"
        ))
    })?;
    Ok(Credentials::new(
        parsed.access_key_id.ok_or_else(|| missing("AccessKeyId"))?,
        parsed
            .access_key_secret
            .ok_or_else(|| missing("AccessKeySecret"))?,
    )
    .with_security_token(
        parsed
            .security_token
            .ok_or_else(|| missing("SecurityToken"))?,
    )
    .with_expiration(expiration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_answers_parse_and_failures_name_the_problem() {
        let credentials = parse_role_credentials(
            "role",
            r#"{"Code":"Success","AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(credentials.security_token(), Some("t"));
        assert!(credentials.expiration().is_some());

        let failed = parse_role_credentials("role", r#"{"Code":"Failed"}"#).unwrap_err();
        assert!(failed.message.contains("Failed"), "{failed}");
        let missing = parse_role_credentials(
            "role",
            r#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap_err();
        assert!(missing.message.contains("SecurityToken"), "{missing}");
        assert!(parse_role_credentials("role", "<html>").is_err());
    }
}
