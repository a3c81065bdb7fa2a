//! Async Rust SDK for Alibaba Cloud E-HPC (Elastic High Performance
//! Computing), API version 2018-04-12.
//!
//! ```no_run
//! use ehpc_sdk::{Client, Credentials};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
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
//! Operations live in [`operation`], one module each with the request and
//! its builder, the response, the error enum and the call. The runtime
//! around them (signing, credentials, endpoints, errors) is hand-written;
//! everything under `operation` is generated from `specs/`.
//!
//! With the `serde-requests` feature (off by default), every request type
//! and the parameter types inside it implement `serde::Deserialize` and
//! `serde::Serialize` using the parameters' wire names (`ClusterId`, …):
//! a request can be read from JSON, where a missing required parameter or
//! an unknown name is an error and absent optional ones are unset.
//! Deserializing does not check limits (bounds, item counts, enums).

mod client;
mod config;
pub mod credentials;
mod endpoint;
mod error;
mod retry;
#[rustfmt::skip]
mod generated;
#[doc(hidden)]
pub mod operation_support;
pub mod signing;
#[doc(hidden)]
pub mod wire;

pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT};
pub use config::CallOptions;
pub use credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
pub use endpoint::ConfigError;
pub use error::{
    Error, InvalidRequest, ResponseError, ServiceError, TransportError, BODY_PREFIX_LIMIT,
    THROTTLING_CODES,
};
pub use generated::*;
pub use retry::{RetryConfig, DEFAULT_BASE_DELAY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY};

/// The README's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The runtime guide's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/runtime.md")]
pub struct RuntimeGuideDoctests;
