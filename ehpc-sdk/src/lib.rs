//! Async Rust SDK for Alibaba Cloud E-HPC (Elastic High Performance
//! Computing): API versions 2018-04-12 (E-HPC 1.0 clusters) and 2024-07-30
//! (E-HPC 2.0 clusters), and E-HPC Instant 2023-07-01 (serverless jobs
//! without a cluster), on one client.
//!
//! Every operation of the three APIs is a typed request, response and error
//! enum generated from the specs in `specs/`, described field by field; the
//! runtime around them (signing, credentials, endpoints, retries, paging,
//! waiting) is shared and hand-written. This page is a guide: each section
//! has an example that compiles, and links to the reference.
//!
//! - [Getting started](#getting-started)
//! - [Credentials](#credentials)
//! - [Choosing an API version](#choosing-an-api-version)
//! - [Errors](#errors)
//! - [Retries and timeouts](#retries-and-timeouts)
//! - [Paginators](#paginators)
//! - [Waiters](#waiters)
//! - [Calls by name](#calls-by-name)
//! - [Testing against the emulator](#testing-against-the-emulator)
//! - [Cargo features](#cargo-features)
//!
//! # Getting started
//!
//! Build one [`Client`] per application and clone it freely: clones share
//! the connection pool, the credentials cache and the retry budget. Each API
//! version is a cheap handle on it; each operation a method of the handle
//! that returns a call to fill in and `send`.
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::Client;
//!
//! // Region and credentials from the environment and profile files, as the
//! // official Alibaba Cloud SDKs find them.
//! let client = Client::from_env()?;
//! let ehpc = client.v2024_07_30();
//! let page = ehpc.list_clusters().page_size(20).send().await?;
//! for cluster in &page.clusters {
//!     println!(
//!         "{} {}",
//!         cluster.cluster_id.as_deref().unwrap_or_default(),
//!         cluster.cluster_status.as_deref().unwrap_or_default()
//!     );
//! }
//! println!("request id {}", page.request_id);
//! # Ok(())
//! # }
//! ```
//!
//! Required parameters are checked by `send` before anything goes on the
//! wire, and so are the bounds the specs state; a refused request is
//! [`Error::InvalidRequest`], naming the parameter.
//!
//! # Credentials
//!
//! [`Client::from_env`] walks the chain of the official SDKs: the
//! `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
//! variables (with `ALIBABA_CLOUD_SECURITY_TOKEN` for temporary keys), the
//! RRSA role of a pod on ACK (`ALIBABA_CLOUD_ROLE_ARN`,
//! `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`), the
//! profiles of `~/.aliyun/config.json` (`ALIBABA_CLOUD_PROFILE` picks one),
//! `~/.alibabacloud/credentials`, the ECS instance's RAM role and
//! `ALIBABA_CLOUD_CREDENTIALS_URI`. The first source that yields wins;
//! temporary keys are refreshed before they expire. Any source can also be
//! given directly; [`credentials`] has them all.
//!
//! ```no_run
//! use ehpc_sdk::credentials::{AssumeRoleProvider, EnvironmentProvider};
//! use ehpc_sdk::{Client, Credentials};
//!
//! # fn run() -> Result<(), ehpc_sdk::ConfigError> {
//! // Fixed keys, for a script.
//! let plain = Client::builder()
//!     .region("cn-hangzhou")
//!     .credentials(Credentials::new("<access key id>", "<access key secret>"))
//!     .build()?;
//!
//! // A RAM role assumed with the keys of the environment.
//! let role = AssumeRoleProvider::builder(
//!     "acs:ram::123456789012****:role/hpc-operator",
//!     EnvironmentProvider::from_env(),
//! )
//! .session_name("nightly-jobs")
//! .build();
//! let as_role = Client::builder()
//!     .region("cn-hangzhou")
//!     .credentials_provider(role)
//!     .build()?;
//! # let _ = (plain, as_role);
//! # Ok(())
//! # }
//! ```
//!
//! `Debug` of credentials and of every request holding a password prints
//! them redacted; no secret reaches a log, a span or an error message.
//!
//! # Choosing an API version
//!
//! E-HPC 2.0 clusters are driven with 2024-07-30
//! ([`v2024_07_30`], handle `client.v2024_07_30()`), E-HPC 1.0 clusters
//! with 2018-04-12 ([`v2018_04_12`], handle `client.v2018_04_12()`, also
//! reachable from the crate root as [`operation`] and `client.<action>()`).
//! Jobs without a cluster go to E-HPC Instant, a product of its own with its
//! own endpoints and regions ([`instant::v2023_07_01`], handle
//! `client.instant_v2023_07_01()`); a client of a region Instant does not
//! serve still calls E-HPC, and its Instant calls fail with
//! [`Error::Config`] naming the regions Instant serves.
//! Each version module opens with its operations grouped by resource, its
//! waiters and its paginators. A request belongs to one version and always
//! carries that version's `Version`; the versions of a product share one
//! endpoint per region.
//!
//! ```no_run
//! # #[cfg(all(feature = "v2018-04-12", feature = "v2024-07-30"))]
//! # async fn run(client: &ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let old = client.v2018_04_12().list_clusters().send().await?;
//! let new = client.v2024_07_30().list_clusters().send().await?;
//! println!("{} E-HPC 1.0 and {} E-HPC 2.0 clusters", old.clusters.len(), new.clusters.len());
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! A call fails with [`Error<E>`](Error), where `E` is the operation's own
//! enum of the codes its spec documents (`DeleteClusterError`, each variant
//! described), with `Unhandled` for the rest. Every service error keeps the
//! code, the message, the HTTP status and the request id to quote to
//! support; `Display` prints them, `{:#}` adds the chain of causes.
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run(client: &ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::v2024_07_30::operation::delete_cluster::DeleteClusterError;
//! use ehpc_sdk::Error;
//!
//! match client.v2024_07_30().delete_cluster().cluster_id("ehpc-hz-FYUr32****").send().await {
//!     Ok(answer) => println!("deleting ({})", answer.request_id),
//!     // Already gone: nothing to do.
//!     Err(Error::Service(DeleteClusterError::ClusterNotFound(_))) => {}
//!     Err(Error::Service(other)) => {
//!         let details = other.details();
//!         eprintln!(
//!             "{} (HTTP {}): {}; request id {}",
//!             details.code(),
//!             details.status(),
//!             details.message(),
//!             details.request_id().unwrap_or("none")
//!         );
//!     }
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Retries and timeouts
//!
//! Retries are on by default ([`RetryConfig::standard`]): up to 3 attempts
//! with exponential backoff and full jitter, each signed afresh, for
//! connection failures, throttling, 5xx answers and codes a spec marks
//! retryable. A timeout after the request was sent is retried only for
//! operations that only read or are idempotent. Throttling
//! ([`Error::is_throttled`]) backs off from 1 s, or for as long as the
//! service's `x-acs-retry-after` says. A retry budget per region, shared
//! by the client's clones, keeps a failing service from a storm of retries.
//! Timeouts (connect 5 s, read 10 s, attempt and whole operation) are set on
//! the builder or per call with [`CallOptions`].
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::{CallOptions, Client, RetryConfig};
//! use std::time::Duration;
//!
//! let client = Client::builder()
//!     .region("cn-hangzhou")
//!     .retry_config(RetryConfig::standard().with_max_attempts(5))
//!     .build()?;
//! let job = client
//!     .v2024_07_30()
//!     .get_job()
//!     .cluster_id("ehpc-hz-FYUr32****")
//!     .job_id("1.manager")
//!     .with_options(CallOptions::new().with_operation_timeout(Duration::from_secs(20)))
//!     .send()
//!     .await?;
//! # let _ = job;
//! # Ok(())
//! # }
//! ```
//!
//! # Paginators
//!
//! An operation that lists page by page (`PageNumber` or `NextToken`) has
//! `into_paginator()`: a stream of pages or of items that stops at the last
//! page, each page an ordinary call with its retries. An answer that would
//! make it loop ends the stream with [`Error::Paging`]. See [`paginate`].
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run(client: &ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let mut jobs = client
//!     .v2024_07_30()
//!     .list_jobs()
//!     .cluster_id("ehpc-hz-FYUr32****")
//!     .into_paginator()
//!     .page_size(50)
//!     .items();
//! while let Some(job) = jobs.next().await {
//!     let spec = job?.job_spec.unwrap_or_default();
//!     println!("{} {}", spec.id.unwrap_or_default(), spec.state.unwrap_or_default());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Waiters
//!
//! Operations that start something slow (creating a cluster, adding nodes,
//! a job) are followed by a waiter: `wait_until_<state>()` on the version
//! handle polls with growing pauses until a success state, and fails with
//! [`wait::WaitError::Failed`] on a failure state (carrying it and the
//! answer) or [`wait::WaitError::TimedOut`]. Each version module lists its
//! waiters and what they poll.
//!
//! ```no_run
//! # #[cfg(feature = "v2024-07-30")]
//! # async fn run(client: &ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_sdk::wait::WaitError;
//! use std::time::Duration;
//!
//! let waited = client
//!     .v2024_07_30()
//!     .wait_until_cluster_running()
//!     .cluster_id("ehpc-hz-FYUr32****")
//!     .max_wait(Duration::from_secs(1800))
//!     .wait()
//!     .await;
//! match waited {
//!     Ok(cluster) => println!("running ({})", cluster.request_id),
//!     Err(WaitError::Failed { state, .. }) => println!("ended {state}"),
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Calls by name
//!
//! With the `serde-requests` feature, `Client::call_json(version, action,
//! params)` calls any operation with its parameters as JSON under their wire
//! names, checked as the typed builders check, and returns the answer as
//! JSON: the path for tools that take operations from configuration.
//!
//! ```no_run
//! # #[cfg(all(feature = "serde-requests", feature = "v2024-07-30"))]
//! # async fn run(client: &ehpc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let answer = client
//!     .call_json("2024-07-30", "ListNodes", serde_json::json!({"ClusterId": "ehpc-hz-FYUr32****"}))
//!     .await?;
//! println!("{} nodes", answer["TotalCount"]);
//! # Ok(())
//! # }
//! ```
//!
//! # Testing against the emulator
//!
//! The `ehpc-emulator` crate is a local E-HPC built from the same specs: it
//! checks signatures and parameters as the service does, keeps clusters,
//! nodes, queues, users and jobs with their lifecycles on a clock a test
//! moves, and injects faults. Add it as a dev-dependency and point the
//! client at it:
//!
//! ```
//! # #[cfg(feature = "v2024-07-30")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
//! use ehpc_sdk::{Client, Credentials};
//!
//! let emulator = Emulator::start().await?;
//! let client = Client::builder()
//!     .endpoint(emulator.endpoint())
//!     .credentials(Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET))
//!     .build()?;
//! let page = client.v2024_07_30().list_clusters().send().await?;
//! assert!(page.clusters.is_empty(), "a new emulator has no clusters");
//! assert_eq!(emulator.requests().len(), 1);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "v2024-07-30"))]
//! # fn main() {}
//! ```
//!
//! Waiters take their time from a [`wait::WaitClock`]; one that moves the
//! emulator's clock instead of sleeping makes a half-hour wait take
//! milliseconds: `test_util::EmulatorClock` (feature `test-util`) is one,
//! and the `workflow` example of this crate uses it.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `v2018-04-12` | yes | [`v2018_04_12`]: E-HPC 1.0 clusters, also at the crate root |
//! | `v2024-07-30` | yes | [`v2024_07_30`]: E-HPC 2.0 clusters |
//! | `instant-v2023-07-01` | yes | [`instant::v2023_07_01`]: E-HPC Instant, serverless jobs |
//! | `rustls` | yes | TLS through rustls with the WebPKI roots |
//! | `native-tls` | no | TLS through the platform's library |
//! | `serde-requests` | no | request types read from and written as JSON with wire names; `Client::call_json` |
//! | `test-util` | no | `test_util::EmulatorClock`, a waiter clock that moves `ehpc-emulator`'s clock over HTTP |
//!
//! Items behind a feature say which in their docs.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

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
pub use retry::{
    RetryConfig, DEFAULT_BASE_DELAY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY,
    DEFAULT_THROTTLING_BASE_DELAY, MAX_RETRY_AFTER,
};
pub use signing::SignatureVersion;

/// The README's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The runtime guide's code samples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/runtime.md")]
pub struct RuntimeGuideDoctests;
