//! STS, the security token service (version 2015-04-01): `AssumeRole`, a
//! signed call, and `AssumeRoleWithOIDC`, an unsigned one whose proof is an
//! OIDC token from one of the configured issuers. Both issue temporary keys
//! that the emulator then accepts for E-HPC calls until they expire. Faults
//! set for either action apply before its parameters are looked at.

use crate::state::{AccessKey, Fault, State};
use crate::wire::answer::{Outcome, Rejection};
use crate::wire::request::{self as rpc, RpcRequest};
use crate::wire::timestamp;
use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The API version STS requests carry; the router sends them here by it.
pub(crate) const VERSION: &str = "2015-04-01";

/// Lifetimes `DurationSeconds` may ask for (STS's default bounds).
const MIN_DURATION: u64 = 900;
const MAX_DURATION: u64 = 3600;

/// The actions STS serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Signed with the caller's access key.
    AssumeRole,
    /// Not signed: the OIDC token is the proof.
    AssumeRoleWithOidc,
}

impl Action {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::AssumeRole => "AssumeRole",
            Action::AssumeRoleWithOidc => "AssumeRoleWithOIDC",
        }
    }

    /// Whether the gateway checks the request's signature.
    pub(crate) fn is_signed(self) -> bool {
        self == Action::AssumeRole
    }
}

/// The check before the gateway's: the action is one STS serves.
pub(crate) fn admit(request: &RpcRequest) -> Result<Action, Rejection> {
    match rpc::required(request, "Action")? {
        "AssumeRole" => Ok(Action::AssumeRole),
        "AssumeRoleWithOIDC" => Ok(Action::AssumeRoleWithOidc),
        action => Err(Rejection::new(
            404,
            "InvalidAction.NotFound",
            format!("The action `{action}` does not exist in Sts {VERSION}."),
        )),
    }
}

/// Answers an admitted request that passed the gateway's checks.
pub(crate) async fn handle(
    state: &State,
    action: Action,
    request: &RpcRequest,
    request_id: &str,
) -> Outcome {
    let reject = |rejection: Rejection| Outcome::rejection(&rejection, request_id, &request.host);
    let fault = state.faults().take(action.name());
    match fault {
        None => {}
        Some(Fault::Delay { millis }) => tokio::time::sleep(Duration::from_millis(millis)).await,
        Some(Fault::DropConnection) => return Outcome::Drop,
        Some(Fault::Body { status, body }) => {
            let (content_type, bytes) = body.content(request_id);
            return Outcome::raw(status, request_id, content_type, bytes);
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
                "Request was denied due to user flow control.",
            ))
        }
        Some(Fault::ServiceUnavailable) => {
            return reject(Rejection::new(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            ))
        }
        // `ServiceError` is refused when set: STS has no spec of codes.
        Some(_) => {
            return reject(Rejection::new(
                500,
                "InternalError",
                "The request processing has failed due to some unknown error.",
            ))
        }
    }
    let answered = match action {
        Action::AssumeRole => assume_role(state, request),
        Action::AssumeRoleWithOidc => assume_role_with_oidc(state, request),
    };
    match answered {
        Ok(mut body) => {
            body["RequestId"] = Value::String(request_id.to_string());
            Outcome::success(request_id, &body)
        }
        Err(rejection) => reject(rejection),
    }
}

fn assume_role(state: &State, request: &RpcRequest) -> Result<Value, Rejection> {
    let role_arn = rpc::required(request, "RoleArn")?;
    let role_name = role_name(role_arn)?;
    let session = session_name(request)?;
    let duration = duration(request)?;
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

/// Checks the provider ARN and the token's issuer and expiry; the token is
/// a JWT whose signature is not checked (the emulator holds no keys of an
/// identity provider).
fn assume_role_with_oidc(state: &State, request: &RpcRequest) -> Result<Value, Rejection> {
    let role_arn = rpc::required(request, "RoleArn")?;
    let provider_arn = rpc::required(request, "OIDCProviderArn")?;
    let token = rpc::required(request, "OIDCToken")?;
    role_name(role_arn)?;
    let provider_ok = provider_arn
        .strip_prefix("acs:ram::")
        .and_then(|rest| rest.split_once(":oidc-provider/"))
        .is_some_and(|(account, name)| {
            !account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()
        });
    if !provider_ok {
        return Err(Rejection::new(
            400,
            "InvalidParameter.OIDCProviderArn",
            "The OIDCProviderArn is not of the form acs:ram::<account>:oidc-provider/<name>.",
        ));
    }
    let claims = token_claims(token).ok_or_else(|| {
        Rejection::new(
            400,
            "InvalidParameter.OIDCToken",
            "The OIDCToken is not a JWT with a JSON payload.",
        )
    })?;
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .filter(|iss| state.oidc_issuers.iter().any(|known| known == iss))
        .ok_or_else(|| {
            Rejection::new(
                400,
                "AuthenticationFail.OIDCToken.IssuerInvalid",
                "The issuer of the OIDCToken is not the one of the OIDC provider.",
            )
        })?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if claims
        .get("exp")
        .and_then(Value::as_u64)
        .is_some_and(|exp| exp <= now)
    {
        return Err(Rejection::new(
            400,
            "AuthenticationFail.OIDCToken.Expired",
            "The OIDCToken has expired.",
        ));
    }
    let subject = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let session = session_name(request)?;
    let duration = duration(request)?;
    // The role's keys act for the role: every pod assuming it reaches the
    // same resources.
    let (key, expiration) = state.issued.issue(role_arn, Duration::from_secs(duration));
    Ok(json!({
        "AssumedRoleUser": {
            "Arn": format!("{role_arn}/{session}"),
            "AssumedRoleId": format!("3{}:{session}", &key.id[4..20]),
        },
        "OIDCTokenInfo": {
            "Issuer": issuer,
            "Subject": subject,
        },
        "Credentials": credentials_json(&key, expiration),
    }))
}

/// The payload of a JWT `header.payload.signature`.
fn token_claims(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(claims) => Some(claims),
        _ => None,
    }
}

/// An unsigned JWT from `issuer` for `subject`, valid for `lifetime`.
pub(crate) fn oidc_token(issuer: &str, subject: &str, lifetime: Duration) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let exp = (SystemTime::now() + lifetime)
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let header = engine.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = engine.encode(
        json!({"iss": issuer, "sub": subject, "aud": "sts.aliyuncs.com", "exp": exp}).to_string(),
    );
    format!("{header}.{payload}.")
}

fn role_name(role_arn: &str) -> Result<&str, Rejection> {
    role_arn
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
        })
}

fn session_name(request: &RpcRequest) -> Result<&str, Rejection> {
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
    Ok(session)
}

fn duration(request: &RpcRequest) -> Result<u64, Rejection> {
    Ok(match request.param("DurationSeconds") {
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
    })
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
