//! What the STS providers share: which endpoint to call, the role session
//! name, sending a request, and reading its answer.

use super::transport::{describe, json_problem};
use super::{Credentials, CredentialsError, Env};
use serde::Deserialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The public STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.aliyuncs.com";

/// Overrides the STS endpoint (e.g. to an emulator); wins over every other
/// setting.
pub(crate) const ENDPOINT_VAR: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Uses the regional STS endpoint `sts.<region>.aliyuncs.com`.
pub(crate) const REGION_VAR: &str = "ALIBABA_CLOUD_STS_REGION";
/// With a region: the VPC endpoint `sts-vpc.<region>.aliyuncs.com`.
pub(crate) const VPC_VAR: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

pub(crate) const API_VERSION: &str = "2015-04-01";

/// Names the role session of both role providers when none is configured.
pub(crate) const SESSION_NAME_VAR: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// `ehpc-sdk-<unix time>`, when no session name is given.
pub(crate) fn default_session_name() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("ehpc-sdk-{now}")
}

/// How a provider finds STS: an explicit endpoint, else a region (and
/// whether to use its VPC endpoint), else the global endpoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct StsEndpoint {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) vpc: Option<bool>,
}

impl StsEndpoint {
    /// `ALIBABA_CLOUD_STS_ENDPOINT` replaces the endpoint; the region and
    /// VPC variables fill in what is not set yet (a profile's own
    /// `sts_region` and `enable_vpc` come first, as in the official SDKs).
    pub(crate) fn configure_from(&mut self, env: &Env) {
        if let Some(endpoint) = env.get(ENDPOINT_VAR) {
            self.endpoint = Some(endpoint);
        }
        if self.region.is_none() {
            self.region = env.get(REGION_VAR);
        }
        if self.vpc.is_none() && env.get(VPC_VAR).is_some() {
            self.vpc = Some(env.is_true(VPC_VAR));
        }
    }

    pub(crate) fn resolve(&self) -> String {
        if let Some(endpoint) = &self.endpoint {
            return endpoint.clone();
        }
        match &self.region {
            Some(region) if self.vpc == Some(true) => {
                format!("https://sts-vpc.{region}.aliyuncs.com")
            }
            Some(region) => format!("https://sts.{region}.aliyuncs.com"),
            None => DEFAULT_STS_ENDPOINT.to_string(),
        }
    }
}

/// Sends `request` and returns the status and body; a request that got no
/// answer says why.
pub(crate) async fn send(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    base_url: &str,
    timeout: Duration,
) -> Result<(u16, bytes::Bytes), CredentialsError> {
    let answer = request.send().await.map_err(|e| {
        CredentialsError::new(
            provider,
            format!("calling STS at {base_url}: {}", describe(&e, timeout)),
        )
    })?;
    let status = answer.status().as_u16();
    let body = answer.bytes().await.map_err(|e| {
        CredentialsError::new(
            provider,
            format!(
                "reading the answer of STS at {base_url}: {}",
                describe(&e, timeout)
            ),
        )
    })?;
    Ok((status, body))
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

/// The temporary keys of an STS answer, or what STS said instead.
pub(crate) fn parse_answer(
    provider: &'static str,
    role_arn: &str,
    status: u16,
    body: &[u8],
) -> Result<Credentials, CredentialsError> {
    let failed = |what: String| {
        CredentialsError::new(provider, format!("assuming `{role_arn}` failed: {what}"))
    };
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        failed(format!(
            "STS answered HTTP {status} with a body that {}",
            json_problem(&e)
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
    let expiration = crate::signing::parse_timestamp(&keys.expiration)
        .ok_or_else(|| failed("`Expiration` is not a UTC time".into()))?;
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
            "test",
            "arn",
            200,
            br#"{"RequestId":"r","Credentials":{"AccessKeyId":"STS.a","AccessKeySecret":"s","SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}}"#,
        )
        .unwrap();
        assert_eq!(ok.access_key_id(), "STS.a");
        let refused = parse_answer(
            "test",
            "arn",
            403,
            br#"{"RequestId":"r-1","Code":"NoPermission","Message":"You are not authorized"}"#,
        )
        .unwrap_err();
        let text = refused.to_string();
        assert!(
            text.contains("NoPermission") && text.contains("r-1") && text.contains("HTTP 403"),
            "{text}"
        );
        let proxy = parse_answer("test", "arn", 502, b"<html>bad gateway</html>").unwrap_err();
        assert!(proxy.to_string().contains("HTTP 502"), "{proxy}");
    }

    #[test]
    fn endpoints_global_regional_vpc_and_override() {
        let resolve = |vars: &[(&str, &str)], profile: StsEndpoint| {
            let mut endpoint = profile;
            endpoint.configure_from(&Env::from_vars(vars.iter().copied()));
            endpoint.resolve()
        };
        assert_eq!(resolve(&[], StsEndpoint::default()), DEFAULT_STS_ENDPOINT);
        assert_eq!(
            resolve(&[(REGION_VAR, "cn-shanghai")], StsEndpoint::default()),
            "https://sts.cn-shanghai.aliyuncs.com"
        );
        assert_eq!(
            resolve(
                &[(REGION_VAR, "cn-shanghai"), (VPC_VAR, "true")],
                StsEndpoint::default()
            ),
            "https://sts-vpc.cn-shanghai.aliyuncs.com"
        );
        let profile = StsEndpoint {
            region: Some("cn-beijing".into()),
            vpc: Some(false),
            ..StsEndpoint::default()
        };
        assert_eq!(
            resolve(
                &[(REGION_VAR, "cn-shanghai"), (VPC_VAR, "true")],
                profile.clone()
            ),
            "https://sts.cn-beijing.aliyuncs.com"
        );
        assert_eq!(
            resolve(&[(ENDPOINT_VAR, "http://127.0.0.1:9")], profile),
            "http://127.0.0.1:9"
        );
    }
}
