//! Trying providers in order.

use super::imds::DISABLED_VAR;
use super::{
    CliProfileProvider, CredentialsError, EcsRamRoleProvider, Env, EnvironmentProvider,
    IniFileProvider, ProvideCredentials, ProvideFuture,
};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Providers tried in order: the first that yields wins and is kept for
/// later calls. A provider whose source is absent (no variable, no file)
/// passes to the next; one whose source is malformed stops the chain with
/// its error, so a broken file is never silently bypassed. When none
/// yields, the error lists what each one tried.
///
/// ```
/// use ehpc_sdk::credentials::{CredentialsChain, Env, EnvironmentProvider, IniFileProvider};
///
/// let env = Env::from_vars([("HOME", "/nonexistent")]);
/// let chain = CredentialsChain::new()
///     .or_else(EnvironmentProvider::new(env.clone()))
///     .or_else(IniFileProvider::new(env));
/// # let _ = chain;
/// ```
#[derive(Clone, Default)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    winner: Arc<OnceLock<usize>>,
}

impl CredentialsChain {
    pub fn new() -> Self {
        CredentialsChain::default()
    }

    /// Adds `provider`, tried after those already added.
    pub fn or_else(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }

    async fn provide(&self) -> Result<super::Credentials, CredentialsError> {
        if let Some(&index) = self.winner.get() {
            return self.providers[index].provide_credentials().await;
        }
        let mut tried = Vec::with_capacity(self.providers.len());
        for (index, provider) in self.providers.iter().enumerate() {
            match provider.provide_credentials().await {
                Ok(credentials) => {
                    let _ = self.winner.set(index);
                    tracing::debug!(provider = ?provider, "credentials provider chosen");
                    return Ok(credentials);
                }
                Err(error) if error.is_not_configured() => tried.push(error),
                Err(error) => return Err(error),
            }
        }
        let mut error =
            CredentialsError::not_configured("the credentials chain", "no provider is configured");
        error.tried = tried;
        Err(error)
    }
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsChain")
            .field("providers", &self.providers)
            .field("winner", &self.winner.get())
            .finish()
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.provide())
    }
}

/// The chain of the official SDKs: environment variables, the CLI profile
/// (`~/.aliyun/config.json`), the INI credentials file
/// (`~/.alibabacloud/credentials`), then the ECS instance's RAM role (left
/// out when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`).
#[derive(Debug, Clone)]
pub struct DefaultChain {
    chain: CredentialsChain,
}

impl DefaultChain {
    /// The chain reading `env`.
    pub fn new(env: Env) -> Self {
        let mut chain = CredentialsChain::new()
            .or_else(EnvironmentProvider::new(env.clone()))
            .or_else(CliProfileProvider::new(env.clone()))
            .or_else(IniFileProvider::new(env.clone()));
        if !env.is_true(DISABLED_VAR) {
            chain = chain.or_else(EcsRamRoleProvider::with_env(&env));
        }
        DefaultChain { chain }
    }

    /// The chain reading the process environment.
    pub fn from_env() -> Self {
        DefaultChain::new(Env::process())
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.chain.provide_credentials()
    }
}
