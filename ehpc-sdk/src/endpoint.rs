//! Choosing the endpoint: an explicit one, else the region's.

use crate::generated::endpoints::{ENDPOINT_RULE, REGIONAL_ENDPOINTS, VPC_ENDPOINT_RULE};
use std::fmt;

/// Why a client could not be configured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither a region nor an endpoint was given.
    MissingRegion,
    InvalidRegion(String),
    InvalidEndpoint {
        endpoint: String,
        reason: String,
    },
    MissingCredentials,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingRegion => write!(
                f,
                "no region or endpoint configured: set one on the client builder \
                 (e.g. `.region(\"cn-hangzhou\")`), or with `Client::from_env()` set \
                 ALIBABA_CLOUD_REGION_ID or `region_id` in the CLI profile"
            ),
            ConfigError::InvalidRegion(region) => write!(
                f,
                "`{region}` is not a region id (lower-case letters, digits and `-`, e.g. cn-hangzhou)"
            ),
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint `{endpoint}`: {reason}")
            }
            ConfigError::MissingCredentials => write!(
                f,
                "no credentials configured: set them on the client builder, or use \
                 `Client::from_env()` for the default chain"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

pub(crate) fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 64
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The host for `region`: the table's, else the regional rule's.
pub fn region_host(region: &str, vpc: bool) -> Result<String, ConfigError> {
    if !is_region(region) {
        return Err(ConfigError::InvalidRegion(region.to_string()));
    }
    if vpc {
        return Ok(VPC_ENDPOINT_RULE.replace("{region}", region));
    }
    Ok(REGIONAL_ENDPOINTS
        .binary_search_by(|(r, _)| (*r).cmp(region))
        .map(|index| REGIONAL_ENDPOINTS[index].1.to_string())
        .unwrap_or_else(|_| ENDPOINT_RULE.replace("{region}", region)))
}

/// Parses an explicit endpoint: `host`, `host:port`, or a URL with scheme
/// `https` or `http`. Without a scheme HTTPS is used. Returns the base URL
/// ending in `/`.
pub fn endpoint_url(endpoint: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidEndpoint {
        endpoint: endpoint.to_string(),
        reason: reason.to_string(),
    };
    let with_scheme = if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        format!("https://{endpoint}")
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("the scheme must be https or http"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "give only scheme, host and port; RPC calls go to `/`",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the endpoint"));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_hosts() {
        assert_eq!(
            region_host("cn-hangzhou", false).unwrap(),
            "ehpc.cn-hangzhou.aliyuncs.com"
        );
        // Not in the table: the regional rule.
        assert_eq!(
            region_host("me-east-1", false).unwrap(),
            "ehpc.me-east-1.aliyuncs.com"
        );
        assert_eq!(
            region_host("cn-hangzhou", true).unwrap(),
            "ehpc-vpc.cn-hangzhou.aliyuncs.com"
        );
        assert!(matches!(
            region_host("CN hangzhou", false),
            Err(ConfigError::InvalidRegion(_))
        ));
    }

    #[test]
    fn endpoints_default_to_https() {
        assert_eq!(
            endpoint_url("ehpc.example.com").unwrap(),
            "https://ehpc.example.com/"
        );
        assert_eq!(
            endpoint_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080/"
        );
        assert!(endpoint_url("ftp://x").is_err());
        assert!(endpoint_url("https://x/path").is_err());
        assert!(endpoint_url("").is_err());
    }
}
