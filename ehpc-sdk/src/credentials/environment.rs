//! Credentials from environment variables.

use super::{Credentials, CredentialsError, Env, ProvideCredentials, ProvideFuture};

pub(crate) const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub(crate) const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub(crate) const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

const PROVIDER: &str = "environment";

/// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
/// and, for temporary keys, `ALIBABA_CLOUD_SECURITY_TOKEN`, at each call.
///
/// ```
/// use ehpc_sdk::credentials::{Env, EnvironmentProvider};
///
/// let provider = EnvironmentProvider::new(Env::from_vars([
///     ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example"),
///     ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret"),
/// ]));
/// let credentials = provider.credentials().unwrap();
/// assert_eq!(credentials.access_key_id(), "LTAI-example");
/// ```
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Keys from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and `ALIBABA_CLOUD_SECURITY_TOKEN` of `env`.
    pub fn new(env: Env) -> Self {
        EnvironmentProvider { env }
    }

    /// Reads the process environment.
    pub fn from_env() -> Self {
        EnvironmentProvider::new(Env::process())
    }

    /// The credentials the variables hold now.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.get(ACCESS_KEY_ID);
        let secret = self.env.get(ACCESS_KEY_SECRET);
        let credentials = match (id, secret) {
            (Some(id), Some(secret)) => Credentials::new(id, secret),
            (None, None) => {
                return Err(CredentialsError::not_configured(
                    PROVIDER,
                    format!("{ACCESS_KEY_ID} and {ACCESS_KEY_SECRET} are not set"),
                ))
            }
            (Some(_), None) => {
                return Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{ACCESS_KEY_ID} is set but {ACCESS_KEY_SECRET} is not"),
                ))
            }
            (None, Some(_)) => {
                return Err(CredentialsError::invalid(
                    PROVIDER,
                    format!("{ACCESS_KEY_SECRET} is set but {ACCESS_KEY_ID} is not"),
                ))
            }
        };
        Ok(match self.env.get(SECURITY_TOKEN) {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let result = self.credentials();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_optional_token() {
        let provider = EnvironmentProvider::new(Env::from_vars([
            (ACCESS_KEY_ID, "id"),
            (ACCESS_KEY_SECRET, "secret"),
            (SECURITY_TOKEN, "token"),
        ]));
        let credentials = provider.credentials().unwrap();
        assert_eq!(credentials.access_key_id(), "id");
        assert_eq!(credentials.access_key_secret(), "secret");
        assert_eq!(credentials.security_token(), Some("token"));
    }

    #[test]
    fn absent_keys_are_not_configured_and_half_set_keys_are_invalid() {
        let none = EnvironmentProvider::new(Env::from_vars([(ACCESS_KEY_ID, "")]));
        assert!(none.credentials().unwrap_err().is_not_configured());
        let half = EnvironmentProvider::new(Env::from_vars([(ACCESS_KEY_ID, "id")]));
        let error = half.credentials().unwrap_err();
        assert!(error.is_invalid());
        assert!(error.message.contains(ACCESS_KEY_SECRET), "{error}");
    }
}
