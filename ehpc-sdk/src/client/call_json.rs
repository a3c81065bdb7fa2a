//! Calls by version and action name, for tools and scripts that do not know
//! the operation when they are compiled.

use super::Client;
use crate::error::{Error, ServiceError};

impl Client {
    /// Calls `action` of API `version` with `params`, a JSON object keyed by
    /// the parameters' wire names (`{"ClusterId": "ehpc-hz-1", "JobSpec":
    /// {"CommandLine": "sleep 1"}}`), and returns the answer as JSON.
    ///
    /// The parameters become the operation's typed request (a missing
    /// required parameter or an unknown name is refused), are checked as
    /// the request's `build()` checks them, and are sent the way a typed
    /// call sends them: same signing, retries, timeouts and errors. The
    /// answer is the typed response written back as JSON (wire names, the
    /// wrappers the service uses, fields the spec does not know kept). A
    /// service error keeps its code, message, request id and HTTP status.
    /// An unknown version or action is an [`Error::InvalidRequest`] naming
    /// the APIs, or the API's actions, this build has. API versions are
    /// unique across the products of this build; a version two products
    /// shared would be refused as ambiguous, naming them: use
    /// [`call_product_json`](Self::call_product_json) then.
    ///
    /// Needs the `serde-requests` feature.
    ///
    /// ```no_run
    /// # async fn run(client: ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let answer = client
    ///     .call_json("2024-07-30", "ListClusters", serde_json::json!({"PageSize": 10}))
    ///     .await?;
    /// println!("{}", answer["TotalCount"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_json(
        &self,
        version: &str,
        action: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, Error<ServiceError>> {
        crate::generated::call_json::call(self, None, version, action, params).await
    }

    /// [`call_json`](Self::call_json) for the API of `product` (`EHPC`,
    /// `EhpcInstant`) and `version`.
    ///
    /// Needs the `serde-requests` feature.
    ///
    /// ```no_run
    /// # async fn run(client: ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let answer = client
    ///     .call_product_json("EHPC", "2024-07-30", "ListClusters", serde_json::json!({}))
    ///     .await?;
    /// println!("{}", answer["TotalCount"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_product_json(
        &self,
        product: &str,
        version: &str,
        action: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, Error<ServiceError>> {
        crate::generated::call_json::call(self, Some(product), version, action, params).await
    }
}
