//! Choosing the endpoint of each product: an explicit one, else the
//! region's.

use crate::generated::endpoints::{ProductEndpoints, PRODUCTS};
use std::fmt;

/// Why a client could not be configured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither a region nor an endpoint was given.
    MissingRegion,
    /// The region is not a region id (lower-case letters, digits and `-`).
    InvalidRegion(String),
    /// The explicit endpoint cannot be used.
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// No credentials or credentials provider was given, and no environment to find them in.
    MissingCredentials,
    /// A product code this build does not know.
    UnknownProduct(String),
    /// The product has no endpoint in the client's region.
    UnsupportedRegion {
        /// Product code, `EhpcInstant`.
        product: String,
        /// The client's region.
        region: String,
        /// The regions the product serves.
        regions: Vec<String>,
    },
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
            ConfigError::UnknownProduct(product) => write!(
                f,
                "`{product}` is not a product of this build; known: {}",
                PRODUCTS
                    .iter()
                    .map(|p| p.product)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ConfigError::UnsupportedRegion {
                product,
                region,
                regions,
            } => write!(
                f,
                "{product} is not served in region `{region}`; it is in {}; build a client \
                 for one of those (or give an explicit endpoint)",
                regions.join(", ")
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

/// The host of `product` for `region`: the table's, else the regional
/// rule's, unless the product serves its listed regions only.
pub fn region_host(
    product: &ProductEndpoints,
    region: &str,
    vpc: bool,
) -> Result<String, ConfigError> {
    if !is_region(region) {
        return Err(ConfigError::InvalidRegion(region.to_string()));
    }
    let listed = product
        .regional
        .binary_search_by(|(r, _)| (*r).cmp(region))
        .map(|index| product.regional[index].1);
    if listed.is_err() && product.listed_regions_only {
        return Err(ConfigError::UnsupportedRegion {
            product: product.product.to_string(),
            region: region.to_string(),
            regions: product
                .regional
                .iter()
                .map(|(r, _)| r.to_string())
                .collect(),
        });
    }
    if vpc {
        return Ok(product.vpc_rule.replace("{region}", region));
    }
    Ok(listed
        .map(str::to_string)
        .unwrap_or_else(|_| product.rule.replace("{region}", region)))
}

/// Where the requests of one product go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `https://host/`, ending in `/`.
    pub(crate) base_url: String,
    /// `host[:port]` of `base_url`, as the `host` header carries it.
    pub(crate) host: String,
}

impl Endpoint {
    fn new(base_url: String) -> Result<Endpoint, ConfigError> {
        // The `host` header V3 signs: what the HTTP client sends, the port
        // only when it is not the scheme's default.
        let host = reqwest::Url::parse(&base_url)
            .ok()
            .and_then(|url| {
                let host = url.host_str()?.to_string();
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .ok_or_else(|| ConfigError::InvalidEndpoint {
                endpoint: base_url.clone(),
                reason: "the URL names no host".to_string(),
            })?;
        Ok(Endpoint { base_url, host })
    }
}

/// The endpoint of every product, resolved when the client is built. A
/// product the region lacks keeps its error, returned by its calls.
#[derive(Debug)]
pub(crate) struct Endpoints {
    /// In the order of the generated table; product codes are few.
    products: Vec<(&'static str, Result<Endpoint, ConfigError>)>,
}

impl Endpoints {
    /// An explicit endpoint for every product, else each product's host in
    /// `region`; fails when no product can be reached.
    pub(crate) fn resolve(
        explicit: Option<&str>,
        region: Option<&str>,
        vpc: bool,
    ) -> Result<Endpoints, ConfigError> {
        let shared = match (explicit, region) {
            (Some(endpoint), _) => Some(Endpoint::new(endpoint_url(endpoint)?)?),
            (None, Some(_)) => None,
            (None, None) => return Err(ConfigError::MissingRegion),
        };
        let mut products = Vec::with_capacity(PRODUCTS.len());
        for product in PRODUCTS {
            let resolved = match (&shared, region) {
                (Some(endpoint), _) => Ok(endpoint.clone()),
                (None, Some(region)) => region_host(product, region, vpc)
                    .and_then(|host| Endpoint::new(format!("https://{host}/"))),
                (None, None) => Err(ConfigError::MissingRegion),
            };
            products.push((product.product, resolved));
        }
        // A region no product serves is refused at once; one that only
        // some serve fails the calls of the others.
        if let Some((_, Err(error))) = products.first() {
            if products.iter().all(|(_, resolved)| resolved.is_err()) {
                return Err(error.clone());
            }
        }
        Ok(Endpoints { products })
    }

    /// The endpoint of `product`, or why the client has none. Every
    /// operation's product is in the generated table.
    pub(crate) fn get(&self, product: &str) -> Result<&Endpoint, &ConfigError> {
        self.products
            .iter()
            .find(|(p, _)| *p == product)
            .map(|(_, resolved)| resolved.as_ref())
            .expect("every operation's product has an endpoint entry")
    }

    /// The first product's endpoint that resolved: the client's endpoint
    /// as it was when it spoke one product.
    pub(crate) fn first(&self) -> Option<&Endpoint> {
        self.products.iter().find_map(|(_, r)| r.as_ref().ok())
    }
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

    fn product(code: &str) -> &'static ProductEndpoints {
        PRODUCTS.iter().find(|p| p.product == code).unwrap()
    }

    #[test]
    fn regions_map_to_hosts() {
        let ehpc = product("EHPC");
        assert_eq!(
            region_host(ehpc, "cn-hangzhou", false).unwrap(),
            "ehpc.cn-hangzhou.aliyuncs.com"
        );
        // Not in the table: the regional rule.
        assert_eq!(
            region_host(ehpc, "xx-nowhere-1", false).unwrap(),
            "ehpc.xx-nowhere-1.aliyuncs.com"
        );
        assert_eq!(
            region_host(ehpc, "cn-hangzhou", true).unwrap(),
            "ehpc-vpc.cn-hangzhou.aliyuncs.com"
        );
        assert!(matches!(
            region_host(ehpc, "CN hangzhou", false),
            Err(ConfigError::InvalidRegion(_))
        ));
    }

    const LISTED: ProductEndpoints = ProductEndpoints {
        product: "Listed",
        rule: "listed.{region}.example.com",
        vpc_rule: "listed-vpc.{region}.example.com",
        regional: &[
            ("cn-beijing", "listed.cn-beijing.example.com"),
            ("cn-hangzhou", "listed.cn-hangzhou.example.com"),
        ],
        listed_regions_only: true,
    };

    #[test]
    fn a_product_of_listed_regions_refuses_the_others_naming_its_regions() {
        assert_eq!(
            region_host(&LISTED, "cn-hangzhou", false).unwrap(),
            "listed.cn-hangzhou.example.com"
        );
        assert_eq!(
            region_host(&LISTED, "cn-beijing", true).unwrap(),
            "listed-vpc.cn-beijing.example.com"
        );
        let error = region_host(&LISTED, "eu-central-1", false).unwrap_err();
        assert_eq!(
            error,
            ConfigError::UnsupportedRegion {
                product: "Listed".into(),
                region: "eu-central-1".into(),
                regions: vec!["cn-beijing".into(), "cn-hangzhou".into()],
            }
        );
        assert!(error
            .to_string()
            .contains("it is in cn-beijing, cn-hangzhou"));
    }

    #[test]
    fn an_explicit_endpoint_serves_every_product() {
        let endpoints = Endpoints::resolve(Some("http://127.0.0.1:9"), None, false).unwrap();
        for product in PRODUCTS {
            let endpoint = endpoints.get(product.product).unwrap();
            assert_eq!(endpoint.base_url, "http://127.0.0.1:9/");
            assert_eq!(endpoint.host, "127.0.0.1:9");
        }
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
