//! Which handler answers a request.
//!
//! Services are mounted here, each with one line:
//! - by path, before the RPC catch-all, for services that are not RPC
//!   (an instance metadata service answers under `/latest/`);
//! - by the `Version` parameter, for RPC products other than E-HPC (STS
//!   speaks `2015-04-01`); they call [`crate::rpc::authenticate`] for the
//!   gateway's checks and return an [`Outcome`], which is logged like any
//!   other RPC answer.

use crate::answer::{Body, Outcome};
use crate::control;
use crate::ehpc;
use crate::log::RequestRecord;
use crate::metadata;
use crate::rpc::{self, RpcRequest};
use crate::state::State;
use crate::sts;
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::fmt;
use std::sync::Arc;

/// Returned to hyper to close a connection without an answer.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

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
    let rpc = match rpc::read(request).await {
        Ok(rpc) => rpc,
        Err((rpc, rejection)) => {
            let outcome = Outcome::rejection(&rejection, &state.ids.next(), &rpc.host);
            return finish(&state, &rpc, outcome);
        }
    };
    // RPC products other than E-HPC, by the version they speak:
    if rpc.param("Version") == Some(sts::VERSION) {
        return finish(&state, &rpc, sts::handle(&state, &rpc).await);
    }
    let outcome = ehpc::handle(&state, &rpc).await;
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
