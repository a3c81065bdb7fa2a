//! Async Rust SDK for Alibaba Cloud E-HPC (Elastic High Performance
//! Computing), API versions 2018-04-12 (E-HPC 1.0 clusters) and 2024-07-30
//! (E-HPC 2.0 clusters).
//!
//! One [`Client`] holds the configuration, connection pool, credentials and
//! retry policy for both versions; each version is a module
//! (`ehpc_sdk::v2018_04_12`, `ehpc_sdk::v2024_07_30`, each under the Cargo
//! feature of the same name, `v2018-04-12` and `v2024-07-30`, both default)
//! with its operations, and a cheap per-version handle from the client:
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .region("cn-hangzhou")
//!     .credentials(Credentials::new("<access key id>", "<access key secret>"))
//!     .build()?;
//! let clusters = client.v2024_07_30().list_clusters().send().await?;
//! println!("{} clusters", clusters.clusters.len());
//! # Ok(())
//! # }
//! ```
//!
//! A request of one version always carries that version's `Version`. The
//! 2018-04-12 operations are also reachable from the crate root, as they
//! were before the crate spoke two versions:
//!
//! ```no_run
//! # #[cfg(feature = "v2018-04-12")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .region("cn-hangzhou")
//!     .credentials(Credentials::new("<access key id>", "<access key secret>"))
//!     .build()?;
//! let answer = client
//!     .stop_visual_service()
//!     .cluster_id("ehpc-hz-jeJki6****")
//!     .cidr_ip("192.168.0.0/24")
//!     .port(12016)
//!     .send()
//!     .await?;
//! println!("{} ({})", answer.message.unwrap_or_default(), answer.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! Operations live in each version's `operation` module, one module each
//! with the request and its builder, the response, the error enum and the
//! call. The runtime around them (signing, credentials, endpoints, errors)
//! is hand-written and shared; everything under the version modules is
//! generated from `specs/<version>/`.
//!
//! With the `serde-requests` feature (off by default), every request type
//! and the parameter types inside it implement `serde::Deserialize` and
//! `serde::Serialize` using the parameters' wire names (`ClusterId`, …):
//! a request can be read from JSON, where a missing required parameter or
//! an unknown name is an error and absent optional ones are unset.
//! Deserializing does not check limits (bounds, item counts, enums);
//! `Client::call_json` (same feature) calls an operation by version and
//! action name with such JSON, checked as the builders check.
//!
//! With the `test-util` feature (off by default, for tests), `test_util`
//! has `EmulatorClock`, a waiter clock that moves `ehpc-emulator`'s clock
//! over HTTP instead of sleeping.

mod client;
mod config;
pub mod credentials;
#[doc(hidden)]
pub mod decode;
mod endpoint;
mod error;
pub mod paginate;
mod paging_error;
mod retry;
#[rustfmt::skip]
mod generated;
#[doc(hidden)]
pub mod operation_support;
pub mod redact;
pub mod signing;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod wait;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_READ_TIMEOUT,
};
pub use config::CallOptions;
pub use credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
pub use endpoint::ConfigError;
pub use error::{
    Error, InvalidRequest, ResponseError, ServiceError, TransportError, BODY_PREFIX_LIMIT,
    THROTTLING_CODES,
};
pub use generated::*;
pub use retry::{RetryConfig, DEFAULT_BASE_DELAY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY};
pub use signing::SignatureVersion;

/// The README's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The runtime guide's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/runtime.md")]
pub struct RuntimeGuideDoctests;
