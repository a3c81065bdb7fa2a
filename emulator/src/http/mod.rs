//! The HTTP and gateway layer: which handler a path goes to, reading RPC
//! parameters from the query or form body, the gateway's checks
//! (signatures 1.0 and V3, timestamp, nonce, access key), the control API, and the log
//! of what was answered. Below it, [`crate::dispatch`] picks the service.

pub(crate) mod caller;
pub(crate) mod control;
pub(crate) mod router;
pub(crate) mod rpc;
pub(crate) mod signature;
pub(crate) mod signature_v3;
