//! Dispatch: which service answers an RPC request, by the `Version` it
//! speaks (STS speaks `2015-04-01`; everything else goes to E-HPC, which
//! refuses versions it does not serve).
//!
//! Dispatch happens in two steps around the gateway's checks, which the
//! HTTP layer above runs: [`admit`] finds the operation (unknown actions
//! and versions are refused before the signature is looked at), [`call`]
//! runs it once the request passed the gateway. A further RPC product is
//! one more variant of [`Call`] and one more line in each function.

use crate::services::{ehpc, sts};
use crate::state::State;
use crate::wire::answer::{Outcome, Rejection};
use crate::wire::request::RpcRequest;
use codegen::model::Operation;

/// An operation a service will answer.
pub(crate) enum Call<'a> {
    Ehpc(&'a Operation),
    Sts,
}

/// The operation `request` asks for, or the service's refusal.
pub(crate) fn admit<'a>(state: &'a State, request: &RpcRequest) -> Result<Call<'a>, Rejection> {
    if request.param("Version") == Some(sts::VERSION) {
        return sts::admit(request).map(|()| Call::Sts);
    }
    ehpc::admit(state, request).map(Call::Ehpc)
}

/// Runs an admitted operation; `request_id` is the answer's.
pub(crate) async fn call(
    state: &State,
    call: Call<'_>,
    request: &RpcRequest,
    request_id: &str,
) -> Outcome {
    match call {
        Call::Ehpc(operation) => ehpc::handle(state, operation, request, request_id).await,
        Call::Sts => sts::handle(state, request, request_id).await,
    }
}
