//! E-HPC itself: every operation its specs define, with the service's
//! checks, the faults a test asked for, and answers built from the specs.

mod body;
mod params;
mod shape;
mod stateful;

pub(crate) use stateful::STATEFUL;

use crate::spec::Catalog;
use crate::state::{Fault, State};
use crate::wire::answer::{Outcome, Rejection};
use crate::wire::request::{self as rpc, RpcRequest};
use codegen::model::Operation;
use std::time::Duration;

/// Answers an admitted request that passed the gateway's checks.
pub(crate) async fn handle(
    state: &State,
    operation: &Operation,
    request: &RpcRequest,
    request_id: &str,
) -> Outcome {
    let reject = |rejection: Rejection| Outcome::rejection(&rejection, request_id, &request.host);
    let fault = state.faults().take(&operation.name);
    match fault {
        None => {}
        Some(Fault::Delay { millis }) => tokio::time::sleep(Duration::from_millis(millis)).await,
        Some(Fault::DropConnection) => return Outcome::Drop,
        Some(Fault::Body { status, body }) => {
            let (content_type, bytes) = body.content(request_id);
            return Outcome::raw(status, request_id, content_type, bytes);
        }
        Some(Fault::ServiceError { code }) => {
            return reject(documented(&state.catalog, operation, &code))
        }
        Some(Fault::Error {
            status,
            code,
            message,
        }) => return reject(Rejection::new(status, &code, message)),
        Some(Fault::Throttling) => {
            return reject(Rejection::new(
                400,
                "Throttling.User",
                "Too many requests from this user in a short time; slow down and retry.",
            ))
        }
        Some(Fault::InternalError) => {
            return reject(Rejection::new(
                500,
                "InternalError",
                "The request failed because of an internal error of the service.",
            ))
        }
        Some(Fault::ServiceUnavailable) => {
            return reject(Rejection::new(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable; retry later.",
            ))
        }
    }
    if let Err(rejection) = params::check(operation, &request.params) {
        return reject(rejection);
    }
    let example = body::success(operation, request_id);
    if !state.limits.stateful {
        return Outcome::success(request_id, &example);
    }
    // Temporary keys reach the resources of the account they act for.
    let key = request.access_key_id().unwrap_or_default();
    let account = state
        .issued
        .account_of(key)
        .unwrap_or_else(|| key.to_string());
    let call = stateful::Call {
        account,
        request,
        example,
        now: state.clock.now(),
        task_id: state.ids.next(),
    };
    let example = call.example.clone();
    let answer = stateful::answer(
        &mut state.model(),
        &operation.version,
        &operation.name,
        call,
    );
    match answer {
        None => Outcome::success(request_id, &example),
        Some(Ok(body)) => Outcome::success(request_id, &body),
        Some(Err((code, error))) => {
            let mut rejection = documented(&state.catalog, operation, code);
            rejection.message = format!("{} ({error})", rejection.message);
            reject(rejection)
        }
    }
}

/// The checks before the gateway's: action and version known.
pub(crate) fn admit<'a>(
    state: &'a State,
    request: &RpcRequest,
) -> Result<&'a Operation, Rejection> {
    let action = rpc::required(request, "Action")?;
    let version = rpc::required(request, "Version")?;
    let catalog = &state.catalog;
    let served = || catalog.versions().collect::<Vec<_>>().join(", ");
    if catalog.versions().all(|v| v != version) {
        return Err(Rejection::new(
            400,
            "InvalidVersion",
            format!(
                "The Version `{version}` is not served for {}; use one of {}.",
                catalog.product(),
                served()
            ),
        ));
    }
    let operation = catalog.operation_in(version, action).ok_or_else(|| {
        let elsewhere: Vec<&str> = catalog
            .versions()
            .filter(|v| catalog.operation_in(v, action).is_some())
            .collect();
        let hint = if elsewhere.is_empty() {
            String::new()
        } else {
            format!(" It exists in {}.", elsewhere.join(", "))
        };
        Rejection::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "The action `{action}` does not exist in {} {version}.{hint}",
                catalog.product_of(version),
            ),
        )
    })?;
    Ok(operation)
}

/// A documented error of the operation, as its spec gives it; for a code
/// its table lacks, as another operation of the same version documents it
/// (most 2024-07-30 operations have no table; the service answers the
/// same codes with the same statuses throughout).
fn documented(catalog: &Catalog, operation: &Operation, code: &str) -> Rejection {
    let siblings = catalog
        .operation_names_in(&operation.version)
        .filter_map(|name| catalog.operation_in(&operation.version, name));
    let found = std::iter::once(operation)
        .chain(siblings)
        .find_map(|op| op.errors.iter().find(|e| e.code == code));
    match found {
        Some(error) => Rejection::new(error.status, &error.code, error.message.clone()),
        // Faults are checked when set; a spec served since then may differ.
        None => Rejection::new(
            400,
            code,
            format!("{code} (not documented for this action)"),
        ),
    }
}
