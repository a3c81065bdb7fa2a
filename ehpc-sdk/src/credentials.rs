//! Access keys and where they come from.

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

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

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

/// Why no credentials could be had.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CredentialsError {
    /// The provider that failed, e.g. `environment`.
    pub provider: &'static str,
    pub message: String,
}

impl CredentialsError {
    pub fn new(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError {
            provider,
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no credentials from {}: {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that hands out credentials for each request. Providers of
/// temporary keys cache them and refresh before they expire.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
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
}
