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
        Err(Error::Paging(e)) => Err(Error::Paging(e)),
        Err(Error::Config(e)) => Err(Error::Config(e)),
    }
}

/// The product of the API a call by name goes to: `product` and `version`
/// when the product is given, else the one API of `version`. An unknown
/// or ambiguous API, or an action it lacks, is refused naming what exists.
pub(crate) fn find_api(
    apis: &[(&'static str, &str, &[&str])],
    product: Option<&str>,
    version: &str,
    action: &str,
) -> Result<&'static str, InvalidRequest> {
    let candidates: Vec<&(&'static str, &str, &[&str])> = apis
        .iter()
        .filter(|(p, v, _)| *v == version && product.is_none_or(|product| product == *p))
        .collect();
    let (found, _, actions) = match candidates.as_slice() {
        [one] => **one,
        [] => {
            let known: Vec<String> = apis.iter().map(|(p, v, _)| format!("{p} {v}")).collect();
            let wanted = match product {
                Some(product) => format!("{product} {version}"),
                None => format!("`{version}`"),
            };
            return Err(InvalidRequest::new(
                "Version",
                format!(
                    "{wanted} is not an API of this build; known: {}",
                    if known.is_empty() {
                        "none (enable a version feature)".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
        several => {
            let products: Vec<&str> = several.iter().map(|(p, _, _)| *p).collect();
            return Err(InvalidRequest::new(
                "Version",
                format!(
                    "API version {version} exists for several products ({}); name the product \
                     with `call_product_json`",
                    products.join(", ")
                ),
            ));
        }
    };
    if !actions.contains(&action) {
        return Err(InvalidRequest::new(
            "Action",
            format!(
                "`{action}` is not an action of {found} {version}; it has: {}",
                actions.join(", ")
            ),
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::find_api;

    const APIS: &[(&str, &str, &[&str])] = &[
        ("EHPC", "2024-07-30", &["ListClusters"]),
        ("Other", "2024-07-30", &["ListThings"]),
        ("EhpcInstant", "2023-07-01", &["CreateJob"]),
    ];

    #[test]
    fn a_version_finds_its_one_product() {
        assert_eq!(
            find_api(APIS, None, "2023-07-01", "CreateJob"),
            Ok("EhpcInstant")
        );
        assert_eq!(
            find_api(APIS, Some("EHPC"), "2024-07-30", "ListClusters"),
            Ok("EHPC")
        );
    }

    #[test]
    fn a_version_two_products_share_is_ambiguous_and_names_them() {
        let invalid = find_api(APIS, None, "2024-07-30", "ListClusters").unwrap_err();
        assert_eq!(invalid.parameter, "Version");
        assert!(
            invalid.reason.contains("(EHPC, Other)"),
            "{}",
            invalid.reason
        );
        assert!(
            invalid.reason.contains("call_product_json"),
            "{}",
            invalid.reason
        );
    }

    #[test]
    fn unknown_apis_and_actions_name_what_exists() {
        let invalid = find_api(APIS, Some("EHPC"), "2023-07-01", "CreateJob").unwrap_err();
        assert!(
            invalid.reason.starts_with("EHPC 2023-07-01 is not an API of this build; known: EHPC 2024-07-30, Other 2024-07-30, EhpcInstant 2023-07-01"),
            "{}",
            invalid.reason
        );
        let invalid = find_api(APIS, None, "2023-07-01", "ListClusters").unwrap_err();
        assert_eq!(invalid.parameter, "Action");
        assert!(
            invalid.reason.contains("it has: CreateJob"),
            "{}",
            invalid.reason
        );
    }
}
