//! The client: configuration, signing and sending.

use crate::config::CallOptions;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::endpoint::ConfigError;
use crate::error::{Error, ResponseError};
use crate::operation_support::{Operation, OperationInfo, Params};
use crate::retry::{Budgets, Jitter, Limiters, RetryConfig};
use crate::signing::{NonceSource, SignatureVersion};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

mod body;
mod builder;
#[cfg(feature = "serde-requests")]
mod call_json;
mod placement;
mod send;
mod sign_v3;

pub use body::DEFAULT_MAX_RESPONSE_BODY;
pub use builder::ClientBuilder;
use send::RawError;

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default limit between reads of an answer. With the connect timeout it
/// also makes the default attempt timeout, which bounds the whole answer.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// An E-HPC client. Build it once with [`Client::builder`] and clone it
/// freely: clones share one connection pool and configuration.
///
/// Each API version's operations are methods of its handle, e.g.
/// `client.v2024_07_30().list_clusters()` (and, for 2018-04-12, of the
/// client itself: `client.stop_visual_service()`), returning a call to fill
/// in and send.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Each product's base URL and host.
    endpoints: crate::endpoint::Endpoints,
    signature_version: SignatureVersion,
    region: Option<String>,
    credentials: Arc<dyn ProvideCredentials>,
    /// Fixed credentials and their signing state: no provider to ask per
    /// request.
    fixed_credentials: Option<(Credentials, Arc<send::PreparedSigning>)>,
    /// The signing state of the credentials a provider last handed out.
    signing_keys: send::SigningKeyCache,
    nonces: NonceSource,
    retry: RetryConfig,
    /// The most bytes of an answer's body read.
    max_response_body: usize,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    /// Retry budgets by region, shared by every clone.
    retry_budgets: Budgets,
    /// Rate limiters by region and action, used under
    /// [`RetryConfig::adaptive`].
    limiters: Limiters,
    /// Slots for requests in flight, when capped.
    in_flight: Option<tokio::sync::Semaphore>,
    jitter: Jitter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint())
            .field("region", &self.inner.region)
            .field("signature_version", &self.inner.signature_version)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("operation_timeout", &self.inner.operation_timeout)
            .field("max_response_body", &self.inner.max_response_body)
            .field(
                "max_in_flight",
                &self.inner.in_flight.as_ref().map(|_| "capped"),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client: region or endpoint, credentials, signature version, retries and timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment alone: region from
    /// `ALIBABA_CLOUD_REGION_ID` or the CLI profile, credentials from the
    /// [`DefaultChain`](crate::credentials::DefaultChain). Use [`ClientBuilder::from_env`] to set more.
    ///
    /// ```no_run
    /// use ehpc_sdk::Client;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::from_env()?;
    /// let answer = client
    ///     .stop_visual_service()
    ///     .cluster_id("ehpc-hz-jeJki6****")
    ///     .cidr_ip("192.168.0.0/24")
    ///     .port(12016)
    ///     .send()
    ///     .await?;
    /// println!("stopped ({})", answer.request_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env().build()
    }

    /// The base URL E-HPC requests go to, e.g.
    /// `https://ehpc.cn-hangzhou.aliyuncs.com/`.
    pub fn endpoint(&self) -> &str {
        self.inner
            .endpoints
            .first()
            .map(|endpoint| endpoint.base_url.as_str())
            .unwrap_or_default()
    }

    /// The base URL the requests of `product` go to (`EHPC`,
    /// `EhpcInstant`), or why this client has none: the product does not
    /// serve the client's region, or is not one this build knows.
    pub fn product_endpoint(&self, product: &str) -> Result<&str, ConfigError> {
        if !crate::generated::endpoints::PRODUCTS
            .iter()
            .any(|p| p.product == product)
        {
            return Err(ConfigError::UnknownProduct(product.to_string()));
        }
        self.inner
            .endpoints
            .get(product)
            .map(|endpoint| endpoint.base_url.as_str())
            .map_err(Clone::clone)
    }

    /// The endpoint of an operation's product.
    fn endpoint_of(&self, info: &OperationInfo) -> &crate::endpoint::Endpoint {
        self.inner
            .endpoints
            .get(info.product)
            .expect("`execute_with` refuses a product without an endpoint")
    }

    /// The region the client was built for, sent as `RegionId`; `None` with an explicit endpoint and no region.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Sends a request built on its own (`*Request::builder()...build()`).
    pub async fn execute<O: Operation>(&self, request: &O) -> Result<O::Output, Error<O::Error>> {
        self.execute_with(request, &CallOptions::default()).await
    }

    /// [`execute`](Self::execute) with options for this call.
    pub async fn execute_with<O: Operation>(
        &self,
        request: &O,
        options: &CallOptions,
    ) -> Result<O::Output, Error<O::Error>> {
        let info = O::INFO;
        if let Err(error) = self.inner.endpoints.get(info.product) {
            return Err(Error::Config(error.clone()));
        }
        let mut params = Params::new();
        request.encode(&mut params);
        match self.send(&info, &params, options).await {
            Ok(answer) => serde_json::from_slice(&answer.body).map_err(|error| {
                Error::Response(ResponseError::new(
                    info.action,
                    answer.status,
                    &answer.body,
                    answer.request_id,
                    Some(error),
                ))
            }),
            Err(RawError::Credentials(e)) => Err(Error::Credentials(e)),
            Err(RawError::Transport(e)) => Err(Error::Transport(e)),
            Err(RawError::Response(e)) => Err(Error::Response(e)),
            Err(RawError::Service(e)) => Err(Error::Service(O::Error::from(e))),
        }
    }
}
