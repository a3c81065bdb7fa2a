//! A local E-HPC service for tests.
//!
//! The emulator is a real HTTP server speaking the E-HPC RPC protocol
//! (signature version 1.0, the common parameters, JSON answers). It learns
//! the operations from the same spec files the SDK is generated from: every
//! operation with a spec is served, its parameters are checked against the
//! spec, and its success answer is built from the spec's examples with a
//! fresh `RequestId`. Requests are checked as the service checks them, and
//! refused with the service's codes, statuses and error body.
//!
//! Tests can make calls of an action fail ([`Emulator::inject`]) and read
//! what was received ([`Emulator::requests`]).
//!
//! ```
//! use ehpc_emulator::{Emulator, Fault, Times};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! assert!(emulator.endpoint().starts_with("http://127.0.0.1:"));
//! assert!(emulator.operations().iter().any(|op| op == "StopVisualService"));
//!
//! // The next call of StopVisualService answers the documented
//! // ClusterNotFound error (HTTP 404, as its spec says).
//! emulator.inject(
//!     "StopVisualService",
//!     Fault::service_error("ClusterNotFound"),
//!     Times::Next(1),
//! )?;
//! // Codes an operation does not document are refused.
//! assert!(emulator
//!     .inject("StopVisualService", Fault::service_error("NoSuchCode"), Times::Always)
//!     .is_err());
//! assert!(emulator.requests().is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! Point a client at [`Emulator::endpoint`] with the key
//! [`DEFAULT_ACCESS_KEY_ID`] / [`DEFAULT_ACCESS_KEY_SECRET`], or configure
//! keys with [`EmulatorBuilder::access_key`].
//!
//! Handlers are mounted in one place, `router.rs`; its module docs say
//! how a further service (instance metadata, STS) is added.

mod answer;
mod body;
mod catalog;
mod control;
mod ehpc;
mod faults;
mod log;
mod metadata;
mod params;
mod router;
mod rpc;
mod server;
mod signature;
mod state;
mod sts;
mod timestamp;

pub use catalog::{Catalog, SpecError};
pub use control::PREFIX as CONTROL_PREFIX;
pub use faults::{BadBody, Fault, FaultError, Times};
pub use log::RequestRecord;
pub use metadata::{MetadataRecord, ECS_ROLE_NAME};
pub use rpc::{MAX_BODY_BYTES, MAX_QUERY_BYTES};
pub use server::{
    Emulator, EmulatorBuilder, StartError, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET,
};
pub use state::{AccessKey, MAX_CLOCK_SKEW};
