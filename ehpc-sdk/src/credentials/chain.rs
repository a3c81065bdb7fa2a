//! Trying providers in order.

use super::cli_profile::DISABLED_VAR as CLI_DISABLED_VAR;
use super::imds::DISABLED_VAR as IMDS_DISABLED_VAR;
use super::{
    CliProfileProvider, CredentialsError, CredentialsUriProvider, EcsRamRoleProvider, Env,
    EnvironmentProvider, IniFileProvider, OidcRoleProvider, ProvideCredentials, ProvideFuture,
};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Providers tried in order: the first that yields wins and is kept for
/// later calls. As in the official SDKs, a provider whose source is
/// absent, broken or unsupported is passed over, with a `tracing` warning
/// naming it and saying why (never a secret); when none yields, the error
/// lists what each one tried.
///
/// [`stop_at_broken`](Self::stop_at_broken) makes a chain that passes over
/// only absent sources and stops at the first one that is there but
/// broken, so a typo in a file is never silently bypassed:
///
/// ```
/// use ehpc_sdk::credentials::{
///     CliProfileProvider, CredentialsChain, EcsRamRoleProvider, Env, EnvironmentProvider,
///     IniFileProvider, OidcRoleProvider,
/// };
///
/// let env = Env::from_vars([("HOME", "/nonexistent")]);
/// let strict = CredentialsChain::new()
///     .or_else(EnvironmentProvider::new(env.clone()))
///     .or_else(OidcRoleProvider::with_env(&env))
///     .or_else(CliProfileProvider::new(env.clone()))
///     .or_else(IniFileProvider::new(env.clone()))
///     .or_else(EcsRamRoleProvider::with_env(&env))
///     .stop_at_broken();
/// # let _ = strict;
/// ```
#[derive(Clone, Default)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
    winner: Arc<OnceLock<usize>>,
    stop_at_broken: bool,
}

impl CredentialsChain {
    /// An empty chain; add providers in the order they are asked.
    pub fn new() -> Self {
        CredentialsChain::default()
    }

    /// Adds `provider`, tried after those already added.
    pub fn or_else(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }

    /// Stops at the first provider whose source is present but fails
    /// (malformed file, refused request) instead of passing over it.
    pub fn stop_at_broken(mut self) -> Self {
        self.stop_at_broken = true;
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
                Err(error) if error.is_not_configured() => {
                    tracing::debug!(source = error.provider, reason = %error.message, "credentials source absent");
                    tried.push(error);
                }
                Err(error) if self.stop_at_broken => return Err(error),
                Err(error) => {
                    tracing::warn!(
                        source = error.provider,
                        reason = %error.message,
                        "credentials source passed over"
                    );
                    tried.push(error);
                }
            }
        }
        let mut error = CredentialsError::not_configured(
            "the credentials chain",
            "no source yielded credentials",
        );
        error.tried = tried;
        Err(error)
    }
}

impl fmt::Debug for CredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsChain")
            .field("providers", &self.providers)
            .field("winner", &self.winner.get())
            .field("stop_at_broken", &self.stop_at_broken)
            .finish()
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.provide())
    }
}

/// A source switched off by a variable: reported as absent.
#[derive(Debug)]
struct Disabled {
    provider: &'static str,
    variable: &'static str,
}

impl ProvideCredentials for Disabled {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let error = CredentialsError::not_configured(
            self.provider,
            format!("disabled by {}=true", self.variable),
        );
        Box::pin(async move { Err(error) })
    }
}

/// The chain of the official SDKs, in their order: environment variables,
/// the OIDC role of an RRSA pod, the CLI profile (`~/.aliyun/config.json`,
/// off with `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`), the INI credentials
/// file, the ECS instance's RAM role (off with
/// `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`), then
/// `ALIBABA_CLOUD_CREDENTIALS_URI`. Sources that are absent, broken or
/// unsupported are passed over (see [`CredentialsChain`]).
#[derive(Debug, Clone)]
pub struct DefaultChain {
    chain: CredentialsChain,
}

impl DefaultChain {
    /// The chain reading `env`.
    pub fn new(env: Env) -> Self {
        let mut chain = CredentialsChain::new()
            .or_else(EnvironmentProvider::new(env.clone()))
            .or_else(OidcRoleProvider::with_env(&env));
        chain = if env.is_true(CLI_DISABLED_VAR) {
            chain.or_else(Disabled {
                provider: super::cli_config::PROVIDER,
                variable: CLI_DISABLED_VAR,
            })
        } else {
            chain.or_else(CliProfileProvider::new(env.clone()))
        };
        chain = chain.or_else(IniFileProvider::new(env.clone()));
        chain = if env.is_true(IMDS_DISABLED_VAR) {
            chain.or_else(Disabled {
                provider: super::imds::PROVIDER,
                variable: IMDS_DISABLED_VAR,
            })
        } else {
            chain.or_else(EcsRamRoleProvider::with_env(&env))
        };
        chain = chain.or_else(CredentialsUriProvider::with_env(&env));
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
