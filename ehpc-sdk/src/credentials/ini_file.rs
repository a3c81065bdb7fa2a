//! Credentials from the shared INI file `~/.alibabacloud/credentials`.

use super::cli_profile::PROFILE_VAR;
use super::ini::{self, Section};
use super::{
    read_config_file, AssumeRoleProvider, Credentials, CredentialsError, EcsRamRoleProvider, Env,
    OidcRoleProvider, ProvideCredentials, ProvideFuture,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::OnceCell;

const FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// The file's name for the Go and Node SDKs, tried first.
const DEFAULT_PATH: &str = ".alibabacloud/credentials";
/// The file's name for the Python SDK, tried when the first is absent.
const PYTHON_PATH: &str = ".alibabacloud/credentials.ini";
const TYPES: &str = "access_key, ecs_ram_role, ram_role_arn or oidc_role_arn";

const PROVIDER: &str = "credentials file";

/// A section of the INI credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`,
/// else `~/.alibabacloud/credentials`, else `~/.alibabacloud/credentials.ini`;
/// the section named by `ALIBABA_CLOUD_PROFILE`, else `default`. Types
/// `access_key`, `ecs_ram_role`, `ram_role_arn` and `oidc_role_arn`. Lines
/// follow the usual INI conventions: `key = value` or `key: value`, `#`
/// and `;` comments, also after a value, values in quotes.
///
/// ```ini
/// [default]
/// type = access_key
/// access_key_id = LTAI****
/// access_key_secret = ****
///
/// [operator]
/// type = ram_role_arn
/// access_key_id = LTAI****
/// access_key_secret = ****
/// role_arn = acs:ram::123456789012****:role/hpc-operator
/// role_session_name = nightly
///
/// [on-ecs]
/// type = ecs_ram_role
/// role_name = EcsRamRoleForHpc
///
/// [pod]
/// type = oidc_role_arn
/// role_arn = acs:ram::123456789012****:role/hpc-pod
/// oidc_provider_arn = acs:ram::123456789012****:oidc-provider/ack-rrsa
/// oidc_token_file_path = /var/run/secrets/tokens/oidc-token
/// ```
#[derive(Debug)]
pub struct IniFileProvider {
    env: Env,
    path: Option<PathBuf>,
    section: Option<String>,
    resolved: OnceCell<Arc<dyn ProvideCredentials>>,
}

impl IniFileProvider {
    /// Finds the file and section through `env`, which also configures the
    /// STS and metadata endpoints of the role types.
    pub fn new(env: Env) -> Self {
        IniFileProvider {
            env,
            path: None,
            section: None,
            resolved: OnceCell::new(),
        }
    }

    /// [`new`](Self::new) with the process environment.
    pub fn from_env() -> Self {
        IniFileProvider::new(Env::process())
    }

    /// Reads this file instead.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this section instead.
    pub fn with_section(mut self, section: impl Into<String>) -> Self {
        self.section = Some(section.into());
        self
    }

    async fn resolve(&self) -> Result<&Arc<dyn ProvideCredentials>, CredentialsError> {
        self.resolved
            .get_or_try_init(|| async { self.load() })
            .await
    }

    fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let (path, text) = self.read_file()?;
        let invalid =
            |what: String| CredentialsError::invalid(PROVIDER, format!("{}{what}", path.display()));
        let sections = ini::parse(&text)
            .map_err(|error| invalid(format!(":{}: {}", error.line, error.what)))?;
        let name = self
            .section
            .clone()
            .or_else(|| self.env.get(PROFILE_VAR))
            .unwrap_or_else(|| "default".to_string());
        let section = sections.get(&name).ok_or_else(|| {
            let mut names: Vec<&str> = sections.keys().map(String::as_str).collect();
            names.sort_unstable();
            invalid(format!(
                ": no section `[{name}]` (sections in the file: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
        provider_for(&self.env, &path, &name, section)
    }
}

impl IniFileProvider {
    /// The file named by the provider or `ALIBABA_CLOUD_CREDENTIALS_FILE`;
    /// else the first of the two default names that exists.
    fn read_file(&self) -> Result<(PathBuf, String), CredentialsError> {
        if let Some(path) = self
            .path
            .clone()
            .or_else(|| self.env.get(FILE_VAR).map(PathBuf::from))
        {
            let text = read_config_file(PROVIDER, &path)?;
            return Ok((path, text));
        }
        let home = self.env.home_dir().ok_or_else(|| {
            CredentialsError::not_configured(
                PROVIDER,
                format!("neither {FILE_VAR} nor a home directory is set"),
            )
        })?;
        let first = home.join(DEFAULT_PATH);
        match read_config_file(PROVIDER, &first) {
            Err(error) if error.is_not_configured() => {
                let second = home.join(PYTHON_PATH);
                match read_config_file(PROVIDER, &second) {
                    Ok(text) => Ok((second, text)),
                    Err(error) if error.is_not_configured() => {
                        Err(CredentialsError::not_configured(
                            PROVIDER,
                            format!(
                                "neither {} nor {} exists",
                                first.display(),
                                second.display()
                            ),
                        ))
                    }
                    Err(error) => Err(error),
                }
            }
            other => other.map(|text| (first, text)),
        }
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.resolve().await?.provide_credentials().await })
    }
}

fn provider_for(
    env: &Env,
    path: &Path,
    name: &str,
    section: &Section,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let invalid = |what: String| {
        CredentialsError::invalid(
            PROVIDER,
            format!("{}: section `[{name}]` {what}", path.display()),
        )
    };
    let get = |key: &str| section.get(key).filter(|v| !v.is_empty()).cloned();
    let kind = get("type").ok_or_else(|| invalid(format!("has no `type` (expected {TYPES})")))?;
    let need =
        |key: &'static str| get(key).ok_or_else(|| invalid(format!("(type {kind}) lacks `{key}`")));
    Ok(match kind.as_str() {
        "access_key" => Arc::new(Credentials::new(
            need("access_key_id")?,
            need("access_key_secret")?,
        )),
        "ram_role_arn" => {
            let source = Credentials::new(need("access_key_id")?, need("access_key_secret")?);
            let mut builder = AssumeRoleProvider::builder(need("role_arn")?, source);
            if let Some(session) = get("role_session_name") {
                builder = builder.session_name(session);
            }
            if let Some(policy) = get("policy") {
                builder = builder.policy(policy);
            }
            Arc::new(builder.configure_from(env).build())
        }
        "oidc_role_arn" => {
            let mut builder = OidcRoleProvider::builder(
                need("role_arn")?,
                need("oidc_provider_arn")?,
                need("oidc_token_file_path")?,
            );
            if let Some(session) = get("role_session_name") {
                builder = builder.session_name(session);
            }
            if let Some(policy) = get("policy") {
                builder = builder.policy(policy);
            }
            Arc::new(builder.configure_from(env).build())
        }
        "ecs_ram_role" => {
            let mut builder = EcsRamRoleProvider::builder().configure_from(env);
            if let Some(role) = get("role_name") {
                builder = builder.role_name(role);
            }
            Arc::new(builder.build())
        }
        _ => {
            return Err(invalid(format!(
                "has a `type` this SDK does not know (expected {TYPES})"
            )))
        }
    })
}
