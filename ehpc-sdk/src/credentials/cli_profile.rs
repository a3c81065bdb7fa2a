//! Credentials from a profile of the Alibaba Cloud CLI's `config.json`.

use super::{
    read_config_file, AssumeRoleProvider, Credentials, CredentialsError, EcsRamRoleProvider, Env,
    ProvideCredentials, ProvideFuture,
};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

const CONFIG_FILE_VAR: &str = "ALIBABA_CLOUD_CONFIG_FILE";
pub(crate) const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
const DEFAULT_PATH: &str = ".aliyun/config.json";
const MODES: &str = "AK, StsToken, RamRoleArn or EcsRamRole";

const PROVIDER: &str = "CLI profile";

/// A profile of the CLI's configuration file: `ALIBABA_CLOUD_CONFIG_FILE`,
/// else `~/.aliyun/config.json`; the profile named by `ALIBABA_CLOUD_PROFILE`,
/// else the file's `current`. Modes `AK`, `StsToken`, `RamRoleArn` (the
/// profile's keys assume `ram_role_arn` through STS) and `EcsRamRole` (the
/// instance's role `ram_role_name`).
///
/// The file is read when credentials are first asked for; a malformed
/// file, an unknown profile or a missing field is an error naming the file.
///
/// ```no_run
/// use ehpc_sdk::credentials::{CliProfileProvider, Env};
///
/// let provider = CliProfileProvider::new(Env::process())
///     .with_path("/etc/hpc/aliyun.json")
///     .with_profile("batch");
/// # let _ = provider;
/// ```
#[derive(Debug)]
pub struct CliProfileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile: Option<String>,
    resolved: OnceCell<Arc<dyn ProvideCredentials>>,
}

#[derive(Debug, Deserialize)]
struct ConfigFile {
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// The fields of a profile this provider uses; the CLI keeps more.
#[derive(Debug, Deserialize)]
pub(crate) struct Profile {
    name: String,
    mode: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    sts_token: Option<String>,
    region_id: Option<String>,
    ram_role_arn: Option<String>,
    ram_session_name: Option<String>,
    ram_role_name: Option<String>,
    expired_seconds: Option<u64>,
    sts_region: Option<String>,
}

impl CliProfileProvider {
    /// Finds the file and profile through `env`, which also configures the
    /// STS and metadata endpoints of the `RamRoleArn` and `EcsRamRole` modes.
    pub fn new(env: Env) -> Self {
        CliProfileProvider {
            env,
            path: None,
            profile: None,
            resolved: OnceCell::new(),
        }
    }

    /// [`new`](Self::new) with the process environment.
    pub fn from_env() -> Self {
        CliProfileProvider::new(Env::process())
    }

    /// Reads this file instead.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this profile instead.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    async fn resolve(&self) -> Result<&Arc<dyn ProvideCredentials>, CredentialsError> {
        self.resolved
            .get_or_try_init(|| async {
                let (path, profile) =
                    load_profile(&self.env, self.path.clone(), self.profile.clone())?;
                provider_for(&self.env, &path, profile)
            })
            .await
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.resolve().await?.provide_credentials().await })
    }
}

/// The region of the profile `env` selects, when it has one.
pub(crate) fn profile_region(env: &Env) -> Option<String> {
    let (_, profile) = load_profile(env, None, None).ok()?;
    profile.region_id.filter(|r| !r.is_empty())
}

fn load_profile(
    env: &Env,
    path: Option<PathBuf>,
    name: Option<String>,
) -> Result<(PathBuf, Profile), CredentialsError> {
    let path = path
        .or_else(|| env.file_path(CONFIG_FILE_VAR, DEFAULT_PATH))
        .ok_or_else(|| {
            CredentialsError::not_configured(
                PROVIDER,
                format!("neither {CONFIG_FILE_VAR} nor a home directory is set"),
            )
        })?;
    let text = read_config_file(PROVIDER, &path)?;
    let invalid =
        |what: String| CredentialsError::invalid(PROVIDER, format!("{}: {what}", path.display()));
    let file: ConfigFile = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("not a valid CLI configuration: {e}")))?;
    let name = name
        .or_else(|| env.get(PROFILE_VAR))
        .or(file.current)
        .unwrap_or_else(|| "default".to_string());
    let names: Vec<String> = file.profiles.iter().map(|p| p.name.clone()).collect();
    let profile = file
        .profiles
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| {
            invalid(format!(
                "no profile `{name}` (profiles in the file: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
    Ok((path, profile))
}

fn provider_for(
    env: &Env,
    path: &std::path::Path,
    profile: Profile,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let name = profile.name.as_str();
    let invalid = |what: String| {
        CredentialsError::invalid(
            PROVIDER,
            format!("{}: profile `{name}` {what}", path.display()),
        )
    };
    let mode = profile
        .mode
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| invalid(format!("has no `mode` (expected {MODES})")))?;
    let need = |field: &'static str, value: &Option<String>| {
        value
            .clone()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(format!("(mode {mode}) lacks `{field}`")))
    };
    let access_key = || -> Result<Credentials, CredentialsError> {
        Ok(Credentials::new(
            need("access_key_id", &profile.access_key_id)?,
            need("access_key_secret", &profile.access_key_secret)?,
        ))
    };
    Ok(match mode {
        "AK" => Arc::new(access_key()?),
        "StsToken" => {
            Arc::new(access_key()?.with_security_token(need("sts_token", &profile.sts_token)?))
        }
        "RamRoleArn" => {
            let source = access_key()?;
            let source = match profile.sts_token.clone().filter(|t| !t.is_empty()) {
                Some(token) => source.with_security_token(token),
                None => source,
            };
            let mut builder =
                AssumeRoleProvider::builder(need("ram_role_arn", &profile.ram_role_arn)?, source);
            if let Some(session) = profile.ram_session_name.clone().filter(|s| !s.is_empty()) {
                builder = builder.session_name(session);
            }
            if let Some(seconds) = profile.expired_seconds.filter(|s| *s > 0) {
                builder = builder.duration(Duration::from_secs(seconds));
            }
            if let Some(region) = profile.sts_region.clone().filter(|r| !r.is_empty()) {
                builder = builder.endpoint(format!("https://sts.{region}.aliyuncs.com"));
            }
            Arc::new(builder.configure_from(env).build())
        }
        "EcsRamRole" => {
            let mut builder = EcsRamRoleProvider::builder().configure_from(env);
            if let Some(role) = profile.ram_role_name.clone().filter(|r| !r.is_empty()) {
                builder = builder.role_name(role);
            }
            Arc::new(builder.build())
        }
        other => {
            return Err(invalid(format!(
                "has mode `{other}`, which is not supported (expected {MODES})"
            )))
        }
    })
}
