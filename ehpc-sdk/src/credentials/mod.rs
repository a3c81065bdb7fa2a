//! Access keys and where they come from.
//!
//! Each provider works on its own and takes its inputs explicitly (an
//! [`Env`] to read variables from, paths, endpoints); `from_env`
//! constructors read the process environment. [`DefaultChain`] tries them
//! in the order of the official SDKs, passing over a source that is absent,
//! broken or unsupported (with a `tracing` warning saying why):
//!
//! 1. environment variables `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//!    `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional `ALIBABA_CLOUD_SECURITY_TOKEN`
//!    ([`EnvironmentProvider`]);
//! 2. the OIDC role of an RRSA pod, when `ALIBABA_CLOUD_ROLE_ARN`,
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE`
//!    are set ([`OidcRoleProvider`]);
//! 3. the CLI's `~/.aliyun/config.json` ([`CliProfileProvider`]);
//! 4. the INI file `~/.alibabacloud/credentials` ([`IniFileProvider`]);
//! 5. the instance's RAM role, from the metadata service ([`EcsRamRoleProvider`]);
//! 6. the URI in `ALIBABA_CLOUD_CREDENTIALS_URI` ([`CredentialsUriProvider`]).
//!
//! [`AssumeRoleProvider`] turns any of them into a role's temporary keys
//! through STS. Providers of temporary keys cache them and refresh shortly
//! before they expire, one refresh at a time for all callers.
//!
//! ```no_run
//! use ehpc_sdk::credentials::{DefaultChain, ProvideCredentials};
//!
//! # async fn run() -> Result<(), ehpc_sdk::CredentialsError> {
//! let chain = DefaultChain::from_env();
//! let credentials = chain.provide_credentials().await?;
//! println!("using access key {}", credentials.access_key_id());
//! # Ok(())
//! # }
//! ```

mod cache;
mod chain;
mod cli_config;
mod cli_modes;
mod cli_profile;
mod cloud_sso;
mod credentials_uri;
mod env;
mod environment;
mod external;
mod imds;
mod ini;
mod ini_file;
mod oidc;
mod sts;
mod sts_endpoint;
mod transport;

pub use chain::{CredentialsChain, DefaultChain};
pub use cli_profile::CliProfileProvider;
pub use credentials_uri::{CredentialsUriProvider, CredentialsUriProviderBuilder};
pub use env::Env;
pub use environment::EnvironmentProvider;
pub use external::ExternalProcessProvider;
pub use imds::{EcsRamRoleProvider, EcsRamRoleProviderBuilder, DEFAULT_IMDS_ENDPOINT};
pub use ini_file::IniFileProvider;
pub use oidc::{OidcRoleProvider, OidcRoleProviderBuilder};
pub use sts::{AssumeRoleProvider, AssumeRoleProviderBuilder};
pub use sts_endpoint::DEFAULT_STS_ENDPOINT;

pub(crate) use cli_profile::profile_region;
use transport::http_client;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// An access key pair, with a security token when the keys are temporary
/// (STS). `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    expiration: Option<SystemTime>,
}

impl Credentials {
    /// Long-term keys.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
            expiration: None,
        }
    }

    /// Adds the security token of temporary keys; it is sent and signed as
    /// `SecurityToken`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// When temporary keys stop working.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// The AccessKey id, sent in every request (`AccessKeyId`); not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret that signs requests; never sent, never printed by `Debug`.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS token of temporary credentials, sent as `SecurityToken`; `None` for long-term keys.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// When temporary credentials stop working; `None` for keys that do not expire.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"** redacted **")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Why no credentials could be had. The message names the file, variable
/// or endpoint involved and never holds a secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CredentialsError {
    /// The provider that failed, e.g. `environment`.
    pub provider: &'static str,
    /// What went wrong with it, for a person; never holds a secret.
    pub message: String,
    kind: ErrorKind,
    tried: Vec<CredentialsError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    /// The provider's source is absent: a chain moves on to the next.
    NotConfigured,
    /// The source is there but wrong: a malformed file, a missing field.
    Invalid,
    /// The source is right but did not deliver: a service refused or failed.
    Unavailable,
}

impl CredentialsError {
    /// A provider that failed to deliver.
    pub fn new(provider: &'static str, message: impl Into<String>) -> Self {
        Self::with_kind(provider, ErrorKind::Unavailable, message)
    }

    /// A provider whose source is absent; a chain tries the next one.
    pub fn not_configured(provider: &'static str, message: impl Into<String>) -> Self {
        Self::with_kind(provider, ErrorKind::NotConfigured, message)
    }

    /// A provider whose source is present but malformed or incomplete.
    pub fn invalid(provider: &'static str, message: impl Into<String>) -> Self {
        Self::with_kind(provider, ErrorKind::Invalid, message)
    }

    fn with_kind(provider: &'static str, kind: ErrorKind, message: impl Into<String>) -> Self {
        CredentialsError {
            provider,
            message: message.into(),
            kind,
            tried: Vec::new(),
        }
    }

    /// The provider's source is absent (no variable, no file).
    pub fn is_not_configured(&self) -> bool {
        self.kind == ErrorKind::NotConfigured
    }

    /// The provider's source is present but malformed or incomplete.
    pub fn is_invalid(&self) -> bool {
        self.kind == ErrorKind::Invalid
    }

    /// For a chain: what each provider answered, in order.
    pub fn tried(&self) -> &[CredentialsError] {
        &self.tried
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials from {}: {}", self.provider, self.message)?;
        for (index, tried) in self.tried.iter().enumerate() {
            let separator = if index == 0 { ": " } else { "; " };
            write!(f, "{separator}{}: {}", tried.provider, tried.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that hands out credentials for each request. Providers of
/// temporary keys cache them and refresh before they expire.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with: cached ones while they are valid, else fresh ones.
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let credentials = self.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Reads a configuration file; an absent file means the provider is not
/// configured, any other failure names the file.
fn read_config_file(
    provider: &'static str,
    path: &std::path::Path,
) -> Result<String, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(CredentialsError::not_configured(
                provider,
                format!("{} does not exist", path.display()),
            ))
        }
        Err(e) => Err(CredentialsError::invalid(
            provider,
            format!("{} cannot be read: {e}", path.display()),
        )),
    }
}

/// Replaces `secret` (raw and as it appears percent-encoded once or twice,
/// as in a string-to-sign) in `text`.
pub(crate) fn redact(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_string();
    }
    let once = crate::signing::percent_encode(secret);
    let twice = crate::signing::percent_encode(&once);
    let mut out = text.to_string();
    for form in [twice, once, secret.to_string()] {
        if out.contains(&form) {
            out = out.replace(&form, "** redacted **");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let credentials = Credentials::new("LTAIexample", "very-secret-value")
            .with_security_token("secret-token-value");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("LTAIexample"));
        assert!(!shown.contains("very-secret-value"));
        assert!(!shown.contains("secret-token-value"));
    }

    #[test]
    fn redaction_covers_encoded_forms() {
        let token = "CAIS/a+b=";
        let once = crate::signing::percent_encode(token);
        let twice = crate::signing::percent_encode(&once);
        let text = format!("raw {token} once {once} twice {twice}");
        let redacted = redact(&text, token);
        assert!(!redacted.contains(token));
        assert!(!redacted.contains(&once));
        assert!(!redacted.contains(&twice));
        assert_eq!(redacted.matches("** redacted **").count(), 3);
    }
}
