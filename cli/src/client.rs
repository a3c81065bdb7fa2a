//! The SDK client, configured from the global flags over the SDK's own
//! defaults (environment, profile, credentials chain).

use crate::failure::{code, Failure};
use clap::ArgMatches;
use ehpc_sdk::credentials::Env;
use ehpc_sdk::{Client, RetryConfig, SignatureVersion};
use std::time::Duration;

/// `endpoint` replaces `--endpoint` (a dry run sends elsewhere).
pub fn build(matches: &ArgMatches, endpoint: Option<String>) -> Result<Client, Failure> {
    let profile = matches.get_one::<String>("profile").cloned();
    // `--profile` is the profile variable the SDK's chain already reads.
    let env = Env::from_fn(move |name| match (&profile, name) {
        (Some(profile), "ALIBABA_CLOUD_PROFILE") => Some(profile.clone()),
        _ => std::env::var(name).ok(),
    });
    let mut builder = Client::builder().environment(env);
    if let Some(region) = matches.get_one::<String>("region") {
        builder = builder.region(region.clone());
    }
    if let Some(endpoint) = endpoint.or_else(|| matches.get_one::<String>("endpoint").cloned()) {
        builder = builder.endpoint(endpoint);
    }
    if let Some(version) = matches.get_one::<String>("signature-version") {
        builder = builder.signature_version(match version.as_str() {
            "v3" => SignatureVersion::V3,
            _ => SignatureVersion::V1,
        });
    }
    if let Some(seconds) = matches.get_one::<u64>("connect-timeout") {
        builder = builder.connect_timeout(Duration::from_secs(*seconds));
    }
    if let Some(seconds) = matches.get_one::<u64>("read-timeout") {
        builder = builder.read_timeout(Duration::from_secs(*seconds));
    }
    if let Some(attempts) = matches.get_one::<u32>("max-attempts") {
        builder = builder.retry_config(RetryConfig::standard().with_max_attempts(*attempts));
    }
    builder
        .build()
        .map_err(|e| Failure::new(code::CONFIG, format!("configuration: {e}")))
}
