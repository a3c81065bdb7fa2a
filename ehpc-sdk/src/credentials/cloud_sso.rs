//! Keys of a CloudSSO access configuration, with the access token that
//! `aliyun configure --mode CloudSSO` stored after the browser sign-in.

use super::cache::CredentialsCache;
use super::transport::{describe, json_problem};
use super::{http_client, Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use serde::Deserialize;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const TIMEOUT: Duration = Duration::from_secs(10);
/// Keys are replaced 15 minutes before they expire, as the official SDKs do.
const REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

pub(crate) const PROVIDER: &str = "CloudSSO";

/// `POST <portal>/cloud-credentials` with the stored access token; valid
/// until the token expires, then the CLI must sign in again.
pub(crate) struct CloudSsoProvider {
    portal: String,
    account_id: String,
    access_config: String,
    access_token: String,
    token_expires: SystemTime,
    http: Result<reqwest::Client, CredentialsError>,
    cache: CredentialsCache,
}

impl fmt::Debug for CloudSsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudSsoProvider")
            .field("portal", &self.portal)
            .field("account_id", &self.account_id)
            .field("access_config", &self.access_config)
            .finish_non_exhaustive()
    }
}

/// The advice every CloudSSO failure that the SDK cannot mend ends with.
pub(crate) const SIGN_IN_AGAIN: &str =
    "it needs `aliyun configure --mode CloudSSO` to sign in again";

impl CloudSsoProvider {
    /// `token_expires` is the Unix time the CLI stored.
    pub(crate) fn new(
        sign_in_url: &str,
        account_id: String,
        access_config: String,
        access_token: String,
        token_expires: u64,
    ) -> Result<Self, String> {
        let portal = origin(sign_in_url)
            .ok_or("its `cloud_sso_sign_in_url` is not an http:// or https:// URL")?;
        let token_expires = UNIX_EPOCH + Duration::from_secs(token_expires);
        if token_expires <= SystemTime::now() {
            return Err(format!(
                "has a CloudSSO access token that expired; {SIGN_IN_AGAIN}"
            ));
        }
        Ok(CloudSsoProvider {
            portal,
            account_id,
            access_config,
            access_token,
            token_expires,
            http: http_client(TIMEOUT, PROVIDER),
            cache: CredentialsCache::new(REFRESH_WINDOW),
        })
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let http = self.http.as_ref().map_err(Clone::clone)?;
        if self.token_expires <= SystemTime::now() {
            return Err(CredentialsError::invalid(
                PROVIDER,
                format!("the CloudSSO access token expired; {SIGN_IN_AGAIN}"),
            ));
        }
        let url = format!("{}/cloud-credentials", self.portal);
        let failed = |what: String| CredentialsError::new(PROVIDER, format!("{url}: {what}"));
        let body = serde_json::json!({
            "AccountId": self.account_id,
            "AccessConfigurationId": self.access_config,
        });
        let answer = http
            .post(&url)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .bearer_auth(&self.access_token)
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| failed(describe(&e, TIMEOUT)))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| failed(format!("reading the answer: {}", describe(&e, TIMEOUT))))?;
        if status == 401 || status == 403 {
            return Err(failed(format!(
                "the portal refused the access token (HTTP {status}); {SIGN_IN_AGAIN}"
            )));
        }
        if status != 200 {
            return Err(failed(format!("answered HTTP {status}")));
        }
        parse(&bytes).map_err(failed)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    cloud_credential: Option<CloudCredential>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CloudCredential {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

fn parse(body: &[u8]) -> Result<Credentials, String> {
    let answer: Answer =
        serde_json::from_slice(body).map_err(|e| format!("the answer {}", json_problem(&e)))?;
    let keys = answer
        .cloud_credential
        .ok_or("the answer has no `CloudCredential`")?;
    let expiration = crate::signing::parse_timestamp(&keys.expiration)
        .ok_or("`Expiration` is not a UTC time")?;
    Ok(Credentials::new(keys.access_key_id, keys.access_key_secret)
        .with_security_token(keys.security_token)
        .with_expiration(expiration))
}

/// `scheme://host[:port]` of an http(s) URL: the portal's API lives at its
/// root, whatever path the sign-in URL has.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

impl ProvideCredentials for CloudSsoProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.cache.get_or_refresh(|| Box::pin(self.fetch())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_is_the_sign_in_url_origin() {
        assert_eq!(
            origin("https://signin-cn-shanghai.alibabacloudsso.com/a/login").as_deref(),
            Some("https://signin-cn-shanghai.alibabacloudsso.com")
        );
        assert_eq!(origin("ftp://x/y"), None);
    }

    #[test]
    fn answers_parse_without_quoting_values() {
        let keys = parse(br#"{"CloudCredential":{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}"#).unwrap();
        assert_eq!(keys.security_token(), Some("t"));
        let error = parse(br#"{"CloudCredential":{"AccessKeyId":"hidden-secret"}}"#).unwrap_err();
        assert!(!error.contains("hidden-secret"), "{error}");
    }
}
