//! Temporary keys served at a URI (`ALIBABA_CLOUD_CREDENTIALS_URI`).

use super::cache::{CredentialsCache, DEFAULT_REFRESH_WINDOW};
use super::transport::{describe, json_problem};
use super::{http_client, Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use serde::Deserialize;
use std::fmt;
use std::time::Duration;

pub(crate) const URI_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

const PROVIDER: &str = "credentials URI";

/// Keys from `GET <uri>`, answering `{"Code": "Success", "AccessKeyId",
/// "AccessKeySecret", "SecurityToken", "Expiration"}` (a local credentials
/// service, a sidecar). Cached and refreshed before they expire, once for
/// all callers.
///
/// ```no_run
/// use ehpc_sdk::credentials::CredentialsUriProvider;
///
/// let provider = CredentialsUriProvider::builder("http://127.0.0.1:8699/credentials").build();
/// # let _ = provider;
/// ```
pub struct CredentialsUriProvider {
    setup: Result<Setup, CredentialsError>,
    cache: CredentialsCache,
}

struct Setup {
    uri: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsUriProvider")
            .field("uri", &self.setup.as_ref().map(|s| shown_uri(&s.uri)).ok())
            .finish_non_exhaustive()
    }
}

/// Configures a [`CredentialsUriProvider`].
#[derive(Debug, Clone)]
pub struct CredentialsUriProviderBuilder {
    uri: Option<String>,
    timeout: Duration,
    refresh_window: Duration,
}

impl CredentialsUriProviderBuilder {
    /// Limit for each request (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry keys are replaced (default 180 s).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// The provider, which asks the URI on first use and again before the keys expire.
    pub fn build(self) -> CredentialsUriProvider {
        let setup = match self.uri {
            None => Err(CredentialsError::not_configured(
                PROVIDER,
                format!("{URI_VAR} is not set"),
            )),
            Some(uri) if !(uri.starts_with("http://") || uri.starts_with("https://")) => {
                Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{URI_VAR} is not an http:// or https:// URI"),
                ))
            }
            Some(uri) => http_client(self.timeout, PROVIDER).map(|http| Setup {
                uri,
                http,
                timeout: self.timeout,
            }),
        };
        CredentialsUriProvider {
            setup,
            cache: CredentialsCache::new(self.refresh_window),
        }
    }
}

impl CredentialsUriProvider {
    /// A provider asking `uri` (what `ALIBABA_CLOUD_CREDENTIALS_URI` holds) with HTTP GET.
    pub fn builder(uri: impl Into<String>) -> CredentialsUriProviderBuilder {
        CredentialsUriProviderBuilder {
            uri: Some(uri.into()),
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }

    /// The URI in `ALIBABA_CLOUD_CREDENTIALS_URI`; without it the provider
    /// reports that it is not configured.
    pub fn with_env(env: &Env) -> Self {
        CredentialsUriProviderBuilder {
            uri: env.get(URI_VAR),
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
        .build()
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let setup = self.setup.as_ref().map_err(Clone::clone)?;
        let shown = shown_uri(&setup.uri);
        let failed = |what: String| CredentialsError::new(PROVIDER, format!("{shown}: {what}"));
        let answer = setup
            .http
            .get(&setup.uri)
            .send()
            .await
            .map_err(|e| failed(describe(&e, setup.timeout)))?;
        let status = answer.status().as_u16();
        let body = answer.bytes().await.map_err(|e| {
            failed(format!(
                "reading the answer: {}",
                describe(&e, setup.timeout)
            ))
        })?;
        if !(200..300).contains(&status) {
            return Err(failed(format!("answered HTTP {status}")));
        }
        parse_keys(PROVIDER, &shown, &body)
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            if let Err(error) = &self.setup {
                return Err(error.clone());
            }
            self.cache.get_or_refresh(|| Box::pin(self.fetch())).await
        })
    }
}

/// The URI without its query, which may carry a secret.
fn shown_uri(uri: &str) -> String {
    uri.split(['?', '#']).next().unwrap_or(uri).to_string()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeysAnswer {
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

/// Keys of a `{"Code": "Success", "AccessKeyId", "AccessKeySecret",
/// "SecurityToken", "Expiration"}` answer (the metadata service's form).
pub(crate) fn parse_keys(
    provider: &'static str,
    what: &str,
    body: &[u8],
) -> Result<Credentials, CredentialsError> {
    let failed = |problem: String| CredentialsError::new(provider, format!("{what}: {problem}"));
    let parsed: KeysAnswer = serde_json::from_slice(body)
        .map_err(|e| failed(format!("the answer {}", json_problem(&e))))?;
    if let Some(code) = parsed.code.as_deref().filter(|code| *code != "Success") {
        let code: String = code.chars().take(64).collect();
        return Err(failed(format!("the answer has code `{code}`, not Success")));
    }
    let missing = |field: &str| failed(format!("the answer lacks `{field}`"));
    let expiration_text = parsed.expiration.ok_or_else(|| missing("Expiration"))?;
    let expiration = crate::signing::parse_timestamp(&expiration_text)
        .ok_or_else(|| failed("`Expiration` is not a UTC time".into()))?;
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
    fn keys_parse_and_failures_name_the_problem() {
        let keys = parse_keys(
            "test",
            "role",
            br#"{"Code":"Success","AccessKeyId":"STS.id","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(keys.security_token(), Some("t"));
        let failed = parse_keys("test", "role", br#"{"Code":"Failed"}"#).unwrap_err();
        assert!(failed.message.contains("Failed"), "{failed}");
        let missing = parse_keys(
            "test",
            "role",
            br#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap_err();
        assert!(missing.message.contains("SecurityToken"), "{missing}");
        assert!(parse_keys("test", "role", b"<html>").is_err());
    }

    #[test]
    fn the_shown_uri_has_no_query() {
        assert_eq!(shown_uri("http://h/c?token=abc"), "http://h/c");
    }
}
