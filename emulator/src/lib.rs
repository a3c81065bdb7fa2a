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
//! # Layers
//!
//! Each layer imports only the layers below it:
//!
//! 1. [`Emulator`] and its builder (`server.rs`): the listener, the
//!    connections, the handle tests hold.
//! 2. `http/`: the HTTP and gateway layer. The router (which handler a
//!    path goes to), reading RPC parameters, the gateway's checks
//!    (signature, timestamp, nonce, access key), the control API under
//!    [`CONTROL_PREFIX`], and the request log.
//! 3. `dispatch.rs`: which service answers an RPC request, by its
//!    `Version` and `Action`.
//! 4. `services/`: E-HPC (`services/ehpc/`, with the operations of each
//!    API version that act on the resource model in
//!    `services/ehpc/stateful/`), STS, and the ECS instance metadata
//!    service.
//! 5. `state/`: what connections share: keys, faults, the request log,
//!    nonces, metadata-service sessions.
//! 6. `wire/` and `spec/`: the vocabulary of requests and answers, and the
//!    specs served; `model/`: the resources, their phases and refusals.
//!    They import nothing of the crate.

mod dispatch;
mod http;
mod model;
mod server;
mod services;
mod spec;
mod state;
mod wire;

pub use http::control::PREFIX as CONTROL_PREFIX;
pub use http::rpc::{MAX_BODY_BYTES, MAX_QUERY_BYTES};
pub use model::{JobOutcome, Settings, StartOutcome};
pub use server::{
    Emulator, EmulatorBuilder, StartError, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_OIDC_ISSUER,
};
pub use services::metadata::ECS_ROLE_NAME;
pub use spec::{Catalog, SpecError};
pub use state::{
    AccessKey, BadBody, EndpointFault, Fault, FaultError, FlowError, MetadataRecord, Qps,
    RequestRecord, StateError, Times, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_LOG_CAPACITY, MAX_BUCKETS, MAX_CLOCK_SKEW, MAX_FAULTS, MAX_FAULT_TEXT,
    MAX_ISSUED_KEYS, MAX_LOGGED_BYTES, MAX_LOGGED_VALUE, MAX_METADATA_TOKENS,
};

#[cfg(test)]
mod layering {
    use std::path::Path;

    /// The layers, top first; a module may use its own layer's modules and
    /// those of the layers after it.
    const LAYERS: &[&[&str]] = &[
        &["server"],
        &["http"],
        &["dispatch"],
        &["services"],
        &["state"],
        &["wire", "spec", "model"],
    ];

    fn rank(module: &str) -> Option<usize> {
        LAYERS.iter().position(|layer| layer.contains(&module))
    }

    fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_module_imports_only_downward() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut checked = 0;
        for file in files {
            let relative = file.strip_prefix(&src).unwrap();
            let top = relative.components().next().unwrap().as_os_str();
            let top = top.to_str().unwrap().trim_end_matches(".rs");
            let Some(own) = rank(top) else {
                continue; // lib.rs and main.rs stand above every layer
            };
            let text = std::fs::read_to_string(&file).unwrap();
            // Documentation may point anywhere; code may not.
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            for (line, at) in
                code.flat_map(|l| l.match_indices("crate::").map(move |(at, _)| (l, at)))
            {
                let used: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let Some(target) = rank(&used) else {
                    panic!("{}: `crate::{used}` is in no layer", relative.display());
                };
                assert!(
                    used == top || target > own,
                    "{} (layer {own}) uses crate::{used} (layer {target}), which is not below it",
                    relative.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} imports found");
    }
}
