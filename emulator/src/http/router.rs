//! Which handler answers a request.
//!
//! By path: the control API under `/__emulator/`, services that are not
//! RPC (an instance metadata service under `/latest/`), then RPC at `/`.
//! An RPC request is read, admitted by [`crate::dispatch`] (which finds the
//! service and operation by `Version` and `Action`), checked by the
//! gateway ([`rpc::check_format`], [`rpc::authenticate`]), answered by its
//! service, and logged with its answer.

use crate::dispatch;
use crate::http::control;
use crate::http::rpc;
use crate::services::{credentials_uri, metadata};
use crate::state::{Refusal, RequestRecord, Scope, State};
use crate::wire::answer::{self, Body, ConnectionDropped, Outcome, Rejection};
use crate::wire::request::RpcRequest;
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, CONNECTION};
use hyper::{Request, Response};
use std::sync::Arc;

/// Largest request head (request line and headers) served; a larger one
/// gets 431 and the connection is closed. hyper's own buffer limit is set
/// to this too, but it may read somewhat more before refusing, so the size
/// is also checked here, exactly.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The size of the head as sent: request line, header lines, blank line.
fn head_size<B>(request: &Request<B>) -> usize {
    let target = request
        .uri()
        .path_and_query()
        .map_or(1, |p| p.as_str().len());
    let line = request.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + ": ".len() + value.len() + 2)
        .sum();
    line + headers + 2
}

pub(crate) async fn route(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let size = head_size(&request);
    if size > MAX_HEAD_BYTES {
        let mut response = answer::raw(
            431,
            None,
            "text/plain",
            format!("the request head is {size} bytes; at most {MAX_HEAD_BYTES} are served\n")
                .into_bytes(),
        );
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        return Ok(response);
    }
    let path = request.uri().path();
    if path.starts_with(control::PREFIX) {
        return Ok(control::handle(&state, request).await);
    }
    // Services that are not RPC, by path:
    if path.starts_with(metadata::PREFIX) {
        return metadata::handle(&state, request).await;
    }
    if path.starts_with(credentials_uri::PREFIX) {
        return credentials_uri::handle(&state, request).await;
    }
    let rpc = match rpc::read(request, state.limits.body_read_timeout).await {
        Ok(rpc) => rpc,
        Err((rpc, rejection)) => {
            let outcome = Outcome::rejection(&rejection, &state.ids.next(), &rpc.host);
            return finish(&state, &rpc, outcome);
        }
    };
    let request_id = state.ids.next();
    let admitted = dispatch::admit(&state, &rpc).and_then(|call| {
        rpc::check_format(&rpc)?;
        if call.is_signed() {
            rpc::authenticate(&state, &rpc)?;
        }
        Ok(call)
    });
    let outcome = match admitted {
        Ok(call) => match flow_control(&state, &rpc) {
            Ok(()) => dispatch::call(&state, call, &rpc, &request_id).await,
            Err(refusal) => throttled(refusal, &request_id, &rpc.host),
        },
        Err(rejection) => Outcome::rejection(&rejection, &request_id, &rpc.host),
    };
    finish(&state, &rpc, outcome)
}

/// The gateway's flow control, after authentication (the limits are the
/// caller's) and before the operation runs, so a refused call changes
/// nothing.
fn flow_control(state: &State, rpc: &RpcRequest) -> Result<(), Refusal> {
    let Some(action) = rpc.param("Action") else {
        return Ok(());
    };
    // Temporary keys count against the account they act for.
    let key = rpc.access_key_id().unwrap_or_default();
    let account = state.issued.account_of(key);
    let account = account.as_deref().unwrap_or(key);
    let region = rpc.param("RegionId").unwrap_or_default();
    state
        .flow()
        .admit(account, region, action, std::time::Instant::now())
}

/// The gateway's refusal: its body, and `x-acs-retry-after` with the
/// milliseconds until the bucket holds a token again.
fn throttled(refusal: Refusal, request_id: &str, host: &str) -> Outcome {
    let rejection = match refusal.scope {
        Scope::User => Rejection::new(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        ),
        Scope::Api => Rejection::new(
            400,
            "Throttling.Api",
            "Request was denied due to api flow control.",
        ),
    };
    let mut outcome = Outcome::rejection(&rejection, request_id, host);
    if let Outcome::Answer { response, .. } = &mut outcome {
        let millis = refusal.retry_after.as_micros().div_ceil(1000).max(1);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(millis as u64));
    }
    outcome
}

/// Header the gateway puts the wait before a retry in, in milliseconds.
const RETRY_AFTER: HeaderName = HeaderName::from_static("x-acs-retry-after");

/// Logs an RPC request with its answer and hands the answer to hyper.
fn finish(
    state: &State,
    rpc: &RpcRequest,
    outcome: Outcome,
) -> Result<Response<Body>, ConnectionDropped> {
    let mut record = RequestRecord {
        method: rpc.method.clone(),
        action: rpc.param("Action").map(str::to_string),
        params: rpc.params.clone(),
        headers: rpc
            .headers
            .iter()
            .filter(|(name, _)| {
                name.starts_with("x-acs-") || name == "authorization" || name == "content-type"
            })
            .cloned()
            .collect(),
        received: rpc.received,
        status: None,
        code: None,
        request_id: None,
    };
    let result = match outcome {
        Outcome::Answer {
            response,
            code,
            request_id,
        } => {
            record.status = Some(response.status().as_u16());
            record.code = code;
            record.request_id = request_id;
            Ok(response)
        }
        Outcome::Drop => Err(ConnectionDropped),
    };
    state.log().push(record);
    result
}
