//! The control API over HTTP, for tests that run the emulator as a
//! separate process. Everything here is also a method of
//! [`crate::Emulator`].
//!
//! - `GET /__emulator/operations`: the served actions, a JSON array.
//! - `GET /__emulator/requests`, `DELETE /__emulator/requests`: the
//!   request log.
//! - `POST /__emulator/faults` with `{"action": "...", "fault": {...},
//!   "times": 3}` (`times` absent or `null`: every call);
//!   `DELETE /__emulator/faults`: clear them all.
//! - `POST /__emulator/clock` with `{"advance_seconds": N}`: moves the
//!   emulator's clock on; answers `{"now": ..., "advanced_seconds": ...}`.
//! - `GET /__emulator/state`, `PUT /__emulator/state`: every resource,
//!   the settings and the clock's advance, as JSON.
//! - `GET /__emulator/settings`, `PUT /__emulator/settings`: how long
//!   phases last, how jobs end, whether clusters and nodes end running or
//!   in exception, and the flow-control limits (`qps`, `api_qps`).

use crate::model::Settings;
use crate::state::{Fault, Qps, State, Times};
use crate::wire::answer::{self, Body};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Path prefix of the control API; no RPC request uses it.
pub const PREFIX: &str = "/__emulator/";

const MAX_CONTROL_BODY: usize = 64 * 1024;
/// State documents are larger than the other control bodies.
const MAX_STATE_BODY: usize = 64 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance_seconds: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    action: String,
    fault: Fault,
    #[serde(default)]
    times: Option<u32>,
}

pub(crate) async fn handle(state: &State, request: Request<Incoming>) -> Response<Body> {
    let resource = request.uri().path()[PREFIX.len()..].to_string();
    match (request.method().clone(), resource.as_str()) {
        (Method::GET, "operations") => {
            let names: Vec<&str> = state.catalog.operation_names().collect();
            ok(json!(names))
        }
        (Method::GET, "requests") => {
            let records: Vec<Value> = state.log().iter().map(|r| r.to_json()).collect();
            ok(Value::Array(records))
        }
        (Method::DELETE, "requests") => {
            state.log().clear();
            ok(json!({}))
        }
        (Method::DELETE, "faults") => {
            state.faults().clear();
            ok(json!({}))
        }
        (Method::POST, "clock") => {
            let body = match read_body(state, request, MAX_CONTROL_BODY).await {
                Ok(body) => body,
                Err(response) => return response,
            };
            let wanted: ClockRequest = match serde_json::from_slice(&body) {
                Ok(wanted) => wanted,
                Err(e) => return problem(400, format!("not a clock request: {e}")),
            };
            state.clock.advance(wanted.advance_seconds);
            ok(clock(state))
        }
        (Method::GET, "clock") => ok(clock(state)),
        (Method::GET, "state") => answer::raw(
            200,
            None,
            "application/json;charset=utf-8",
            state.dump().into_bytes(),
        ),
        (Method::PUT, "state") => {
            let body = match read_body(state, request, MAX_STATE_BODY).await {
                Ok(body) => body,
                Err(response) => return response,
            };
            let text = match std::str::from_utf8(&body) {
                Ok(text) => text,
                Err(_) => return problem(400, "the state is not UTF-8".into()),
            };
            match state.load(text) {
                Ok(()) => ok(json!({})),
                Err(e) => answer::json(
                    400,
                    None,
                    &json!({"error": e.to_string(), "line": e.line, "column": e.column}),
                ),
            }
        }
        (Method::GET, "settings") => ok(settings(state)),
        (Method::PUT, "settings") => {
            let body = match read_body(state, request, MAX_CONTROL_BODY).await {
                Ok(body) => body,
                Err(response) => return response,
            };
            match put_settings(state, &body) {
                Ok(()) => ok(settings(state)),
                Err(message) => problem(400, message),
            }
        }
        (Method::POST, "faults") => {
            let body = match read_body(state, request, MAX_CONTROL_BODY).await {
                Ok(body) => body,
                Err(response) => return response,
            };
            let wanted: FaultRequest = match serde_json::from_slice(&body) {
                Ok(wanted) => wanted,
                Err(e) => return problem(400, format!("not a fault request: {e}")),
            };
            let times = wanted.times.map_or(Times::Always, Times::Next);
            match state.inject(&wanted.action, wanted.fault, times) {
                Ok(()) => ok(json!({})),
                Err(e) => problem(400, e.to_string()),
            }
        }
        (method, _) => problem(
            404,
            format!("no control resource {method} {PREFIX}{resource}"),
        ),
    }
}

async fn read_body(
    state: &State,
    request: Request<Incoming>,
    limit: usize,
) -> Result<bytes::Bytes, Response<Body>> {
    let deadline = state.limits.body_read_timeout;
    let reading = Limited::new(request.into_body(), limit).collect();
    match tokio::time::timeout(deadline, reading).await {
        Ok(Ok(body)) => Ok(body.to_bytes()),
        Ok(Err(_)) => Err(problem(413, "the body is too large".into())),
        Err(_) => Err(problem(
            408,
            format!("the body did not arrive within {} ms", deadline.as_millis()),
        )),
    }
}

/// The settings with the flow-control limits, `qps` (per caller) and
/// `api_qps` (across accounts).
fn settings(state: &State) -> Value {
    let mut settings = json!(state.model().settings);
    let flow = state.flow();
    settings["qps"] = json!(flow.user_limits());
    settings["api_qps"] = json!(flow.api_limits());
    settings
}

/// Replaces the settings; the limits only when `qps` or `api_qps` is
/// given, so changing how long phases last keeps the limits. Nothing
/// changes when any part is refused.
fn put_settings(state: &State, body: &[u8]) -> Result<(), String> {
    let not_settings = |e: serde_json::Error| format!("not emulator settings: {e}");
    let mut fields: serde_json::Map<String, Value> =
        serde_json::from_slice(body).map_err(not_settings)?;
    let limits = |value: Option<Value>| {
        value
            .map(serde_json::from_value::<BTreeMap<String, Qps>>)
            .transpose()
            .map_err(not_settings)
    };
    let user = limits(fields.remove("qps"))?;
    let api = limits(fields.remove("api_qps"))?;
    let settings: Settings = serde_json::from_value(Value::Object(fields)).map_err(not_settings)?;
    if user.is_some() || api.is_some() {
        let (current_user, current_api) = {
            let flow = state.flow();
            (flow.user_limits().clone(), flow.api_limits().clone())
        };
        state
            .set_qps(user.unwrap_or(current_user), api.unwrap_or(current_api))
            .map_err(|e| e.to_string())?;
    }
    state.model().settings = settings;
    Ok(())
}

fn clock(state: &State) -> Value {
    json!({"now": state.clock.now(), "advanced_seconds": state.clock.advanced()})
}

fn ok(body: Value) -> Response<Body> {
    answer::json(200, None, &body)
}

fn problem(status: u16, message: String) -> Response<Body> {
    answer::json(status, None, &json!({ "error": message }))
}
