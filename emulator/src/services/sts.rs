//! STS, the security token service: `AssumeRole` (version 2015-04-01)
//! issues temporary keys that the emulator then accepts for E-HPC calls
//! until they expire.

use crate::state::{AccessKey, State};
use crate::wire::answer::{Outcome, Rejection};
use crate::wire::request::{self as rpc, RpcRequest};
use crate::wire::timestamp;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

/// The API version STS requests carry; the router sends them here by it.
pub(crate) const VERSION: &str = "2015-04-01";

/// Lifetimes `DurationSeconds` may ask for (STS's default bounds).
const MIN_DURATION: u64 = 900;
const MAX_DURATION: u64 = 3600;

/// The check before the gateway's: the action is one STS serves.
pub(crate) fn admit(request: &RpcRequest) -> Result<(), Rejection> {
    let action = rpc::required(request, "Action")?;
    if action != "AssumeRole" {
        return Err(Rejection::new(
            404,
            "InvalidAction.NotFound",
            format!("The action `{action}` does not exist in Sts {VERSION}."),
        ));
    }
    Ok(())
}

/// Answers an admitted request that passed the gateway's checks.
pub(crate) async fn handle(state: &State, request: &RpcRequest, request_id: &str) -> Outcome {
    match assume_role(state, request) {
        Ok(mut body) => {
            body["RequestId"] = Value::String(request_id.to_string());
            Outcome::success(request_id, &body)
        }
        Err(rejection) => Outcome::rejection(&rejection, request_id, &request.host),
    }
}

fn assume_role(state: &State, request: &RpcRequest) -> Result<Value, Rejection> {
    let role_arn = rpc::required(request, "RoleArn")?;
    let role_name = role_arn
        .strip_prefix("acs:ram::")
        .and_then(|rest| rest.split_once(":role/"))
        .filter(|(account, role)| {
            !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()) && !role.is_empty()
        })
        .map(|(_, role)| role)
        .ok_or_else(|| {
            Rejection::new(
                400,
                "InvalidParameter.RoleArn",
                format!(
                    "The RoleArn `{role_arn}` is not of the form acs:ram::<account>:role/<name>."
                ),
            )
        })?;
    let session = rpc::required(request, "RoleSessionName")?;
    let session_ok = (2..=64).contains(&session.len())
        && session
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'-' | b'_'));
    if !session_ok {
        return Err(Rejection::new(
            400,
            "InvalidParameter.RoleSessionName",
            "The RoleSessionName must be 2 to 64 letters, digits or `.@-_`.",
        ));
    }
    let duration = match request.param("DurationSeconds") {
        None => MAX_DURATION,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|d| (MIN_DURATION..=MAX_DURATION).contains(d))
            .ok_or_else(|| {
                Rejection::new(
                    400,
                    "InvalidParameter.DurationSeconds",
                    format!("The DurationSeconds `{text}` is not within {MIN_DURATION} to {MAX_DURATION}."),
                )
            })?,
    };
    let caller = rpc::required(request, "AccessKeyId")?;
    let (key, expiration) = state.issued.issue(caller, Duration::from_secs(duration));
    Ok(json!({
        "AssumedRoleUser": {
            "Arn": format!("{role_arn}/{session}"),
            "AssumedRoleId": format!("3{}:{session}", &key.id[4..20]),
        },
        "Credentials": credentials_json(&key, expiration),
        "RoleName": role_name,
    }))
}

/// The `Credentials` object STS and the metadata service answer.
pub(crate) fn credentials_json(key: &AccessKey, expiration: SystemTime) -> Value {
    json!({
        "AccessKeyId": key.id,
        "AccessKeySecret": key.secret,
        "SecurityToken": key.security_token,
        "Expiration": timestamp::format(expiration),
    })
}
