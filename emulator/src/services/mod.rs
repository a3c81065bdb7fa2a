//! The services, each answering the requests the dispatcher hands it,
//! after the gateway's checks: E-HPC, STS, and an ECS instance metadata
//! service. They read and change the state below; they know nothing of
//! connections.

pub(crate) mod ehpc;
pub(crate) mod metadata;
pub(crate) mod sts;
