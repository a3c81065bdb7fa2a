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

use crate::state::{Fault, State, Times};
use crate::wire::answer::{self, Body};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde::Deserialize;
use serde_json::{json, Value};

/// Path prefix of the control API; no RPC request uses it.
pub const PREFIX: &str = "/__emulator/";

const MAX_CONTROL_BODY: usize = 64 * 1024;

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
        (Method::POST, "faults") => {
            let body = match Limited::new(request.into_body(), MAX_CONTROL_BODY)
                .collect()
                .await
            {
                Ok(body) => body.to_bytes(),
                Err(_) => return problem(413, "the body is too large".into()),
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

fn ok(body: Value) -> Response<Body> {
    answer::json(200, None, &body)
}

fn problem(status: u16, message: String) -> Response<Body> {
    answer::json(status, None, &json!({ "error": message }))
}
