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
use crate::services::metadata;
use crate::state::{RequestRecord, State};
use crate::wire::answer::{Body, ConnectionDropped, Outcome};
use crate::wire::request::RpcRequest;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::sync::Arc;

pub(crate) async fn route(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let path = request.uri().path();
    if path.starts_with(control::PREFIX) {
        return Ok(control::handle(&state, request).await);
    }
    // Services that are not RPC, by path:
    if path.starts_with(metadata::PREFIX) {
        return metadata::handle(&state, request).await;
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
        rpc::authenticate(&state, &rpc)?;
        Ok(call)
    });
    let outcome = match admitted {
        Ok(call) => dispatch::call(&state, call, &rpc, &request_id).await,
        Err(rejection) => Outcome::rejection(&rejection, &request_id, &rpc.host),
    };
    finish(&state, &rpc, outcome)
}

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
