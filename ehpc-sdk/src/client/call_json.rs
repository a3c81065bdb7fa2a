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
    /// the versions, or the version's actions, this build has.
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
        crate::generated::call_json::call(self, version, action, params).await
    }
}
