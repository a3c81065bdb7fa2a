//! An ECS instance metadata service in its token-protected mode: a
//! session token from `PUT /latest/api/token`, then, with the token, the
//! attached RAM role's name and its temporary keys under
//! `/latest/meta-data/ram/security-credentials/`. The keys are accepted
//! for E-HPC calls until they expire.
//!
//! With [`EndpointFault::RefuseToken`] set, the token request is refused
//! and reads without a token are served: the older, token-less flow. The
//! other faults apply to every request.

use crate::services::sts;
use crate::state::{lock, EndpointFault, MetadataRecord, State};
use crate::wire::answer::{self, Body, ConnectionDropped};
use crate::wire::timestamp;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::time::{Duration, SystemTime};

/// Path prefix of the metadata service; no RPC request uses it.
pub(crate) const PREFIX: &str = "/latest/";

/// The RAM role attached to the emulated instance.
pub const ECS_ROLE_NAME: &str = "EmulatorEcsRole";

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
const MAX_TOKEN_TTL: u64 = 21_600;
/// The account the instance's keys act for: every key the metadata service
/// hands out reaches the same resources.
const INSTANCE_ACCOUNT: &str = "ecs-instance";
/// The real service hands out keys valid for about six hours.
const KEY_LIFETIME: Duration = Duration::from_secs(6 * 3600);

pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (ttl, token) = (header(TTL_HEADER), header(TOKEN_HEADER));
    let fault = lock(&state.metadata.fault).clone();
    let (status, content_type, body) = match fault {
        Some(EndpointFault::DropConnection) => {
            record(state, method, path, token.is_some(), 0);
            return Err(ConnectionDropped);
        }
        Some(EndpointFault::Status(status)) => (
            status,
            "text/plain",
            format!("failing with {status} on request"),
        ),
        Some(EndpointFault::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            answer(state, &method, &path, ttl, token.as_deref(), false)
        }
        Some(EndpointFault::RefuseToken) => {
            answer(state, &method, &path, ttl, token.as_deref(), true)
        }
        None => answer(state, &method, &path, ttl, token.as_deref(), false),
    };
    record(state, method, path, token.is_some(), status);
    Ok(answer::raw(status, None, content_type, body.into_bytes()))
}

fn record(state: &State, method: String, path: String, with_token: bool, status: u16) {
    lock(&state.metadata.log).push(MetadataRecord {
        method,
        path,
        with_token,
        status,
    });
}

fn answer(
    state: &State,
    method: &str,
    path: &str,
    ttl: Option<String>,
    token: Option<&str>,
    token_less: bool,
) -> (u16, &'static str, String) {
    const TEXT: &str = "text/plain";
    let book = &state.metadata;
    if path == TOKEN_PATH {
        if token_less {
            return (403, TEXT, "session tokens are not issued here".into());
        }
        if method != "PUT" {
            return (405, TEXT, "the session token is issued by PUT".into());
        }
        let Some(ttl) = ttl
            .and_then(|t| t.trim().parse::<u64>().ok())
            .filter(|t| (1..=MAX_TOKEN_TTL).contains(t))
        else {
            return (
                400,
                TEXT,
                format!("{TTL_HEADER} must be 1 to {MAX_TOKEN_TTL}"),
            );
        };
        let token = book.random.next(56);
        let expiry = SystemTime::now() + Duration::from_secs(ttl);
        lock(&book.tokens).insert(token.clone(), expiry);
        return (200, TEXT, token);
    }
    let Some(role) = path.strip_prefix(ROLE_PATH) else {
        return (404, TEXT, format!("nothing is served at {path}"));
    };
    if method != "GET" {
        return (405, TEXT, "metadata is read with GET".into());
    }
    let now = SystemTime::now();
    let token_valid = token
        .and_then(|t| lock(&book.tokens).get(t).copied())
        .is_some_and(|expiry| expiry > now);
    // The token-less flow: no token at all, where the instance allows it.
    let allowed = token_valid || (token_less && token.is_none());
    if !allowed {
        return (401, TEXT, format!("a valid {TOKEN_HEADER} is required"));
    }
    match role {
        "" => (200, TEXT, ECS_ROLE_NAME.to_string()),
        ECS_ROLE_NAME => {
            let (key, expiration) = state.issued.issue(INSTANCE_ACCOUNT, KEY_LIFETIME);
            let mut body = sts::credentials_json(&key, expiration);
            body["Code"] = "Success".into();
            body["LastUpdated"] = timestamp::format(now).into();
            (200, "application/json", body.to_string())
        }
        other => (404, TEXT, format!("no RAM role `{other}` is attached")),
    }
}
