//! What calls by action name (`Client::call_json`) build on: a request
//! read from JSON and checked, sent through the typed path.

use super::{Operation, OperationError};
use crate::error::{InvalidRequest, ServiceError};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// A request read from JSON, checked as its builder's `build()` checks.
pub trait CheckedRequest: Sized {
    fn checked(self) -> Result<Self, InvalidRequest>;
}

/// The service's error as it came, for calls whose operation is chosen at
/// run time ([`Client::call_json`](crate::Client::call_json)).
impl OperationError for ServiceError {
    fn details(&self) -> &ServiceError {
        self
    }
}

/// One `call_json` of a known operation: `params` (wire names) as `R`,
/// checked, sent as a typed call is, and the typed answer as JSON.
pub async fn call_json<R>(
    client: &crate::Client,
    params: Value,
) -> Result<Value, crate::Error<ServiceError>>
where
    R: Operation + CheckedRequest + DeserializeOwned,
    R::Output: Serialize,
{
    use crate::Error;
    let action = R::INFO.action;
    let request: R = serde_json::from_value(params).map_err(|error| {
        let mut invalid = InvalidRequest::new("", format!("does not fit the request: {error}"));
        invalid.operation = action;
        Error::InvalidRequest(invalid)
    })?;
    let request = request.checked().map_err(|mut invalid| {
        invalid.operation = action;
        Error::InvalidRequest(invalid)
    })?;
    match client.execute(&request).await {
        Ok(output) => serde_json::to_value(&output)
            .map_err(|error| unreachable!("response types always serialize: {error}")),
        Err(Error::Service(error)) => Err(Error::Service(error.details().clone())),
        Err(Error::InvalidRequest(e)) => Err(Error::InvalidRequest(e)),
        Err(Error::Credentials(e)) => Err(Error::Credentials(e)),
        Err(Error::Transport(e)) => Err(Error::Transport(e)),
        Err(Error::Response(e)) => Err(Error::Response(e)),
    }
}

/// The invalid request of a `call_json` whose version or action is not
/// compiled in, naming those that are.
pub(crate) fn unknown_call(
    versions: &[(&str, &[&str])],
    version: &str,
    action: &str,
) -> InvalidRequest {
    match versions.iter().find(|(v, _)| *v == version) {
        None => {
            let known: Vec<&str> = versions.iter().map(|(v, _)| *v).collect();
            InvalidRequest::new(
                "Version",
                format!(
                    "`{version}` is not an API version of this build; known: {}",
                    if known.is_empty() {
                        "none (enable a version feature)".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            )
        }
        Some((_, actions)) => InvalidRequest::new(
            "Action",
            format!(
                "`{action}` is not an action of API version {version}; it has: {}",
                actions.join(", ")
            ),
        ),
    }
}
