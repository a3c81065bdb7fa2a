//! Credentials from a profile of the Alibaba Cloud CLI's `config.json`.

use super::cli_config::{ConfigFile, PROVIDER};
use super::transport::json_problem;
use super::{read_config_file, CredentialsError, Env, ProvideCredentials, ProvideFuture};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::OnceCell;

const CONFIG_FILE_VAR: &str = "ALIBABA_CLOUD_CONFIG_FILE";
pub(crate) const PROFILE_VAR: &str = "ALIBABA_CLOUD_PROFILE";
/// `true` leaves the CLI profile out of the default chain.
pub(crate) const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
const DEFAULT_PATH: &str = ".aliyun/config.json";

/// A profile of the CLI's configuration file: `ALIBABA_CLOUD_CONFIG_FILE`,
/// else `~/.aliyun/config.json`; the profile named by `ALIBABA_CLOUD_PROFILE`,
/// else the file's `current`. Every mode `aliyun configure` writes:
///
/// - `AK`, `StsToken`: the profile's keys;
/// - `RamRoleArn`: the profile's keys assume `ram_role_arn` through STS
///   (with `ram_session_name`, `expired_seconds`, `external_id`, `policy`);
/// - `ChainableRamRoleArn`: the credentials of `source_profile` (itself any
///   mode, chains of them allowed, loops refused) assume `ram_role_arn`;
/// - `EcsRamRole`: the instance's role `ram_role_name`;
/// - `OIDC`: `ram_role_arn` assumed with the token in `oidc_token_file`
///   through `oidc_provider_arn`;
/// - `External`: the keys `process_command` prints;
/// - `CloudSSO`: the keys of `cloud_sso_access_config` in account
///   `cloud_sso_account_id`, from the portal of `cloud_sso_sign_in_url`, with
///   the `access_token` the CLI stored when it signed in; once that token
///   has expired, an error saying the profile needs `aliyun configure`;
/// - `OAuth`: an error saying the profile needs `aliyun configure` in
///   another mode.
///
/// The role modes call the STS endpoint of `sts_region` (its VPC endpoint
/// with `enable_vpc`), else of `ALIBABA_CLOUD_STS_REGION`, else the global
/// one; `ALIBABA_CLOUD_STS_ENDPOINT` overrides them all.
///
/// The file is read when credentials are first asked for; a malformed
/// file, an unknown profile or a missing field is an error naming the file
/// and never quoting its values.
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
                let (path, file, name) =
                    load_file(&self.env, self.path.clone(), self.profile.clone())?;
                super::cli_modes::provider_for(&self.env, &path, &file, &name)
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
    if env.is_true(DISABLED_VAR) {
        return None;
    }
    let (_, file, name) = load_file(env, None, None).ok()?;
    let profile = file.profiles.into_iter().find(|p| p.name == name)?;
    profile.region_id.filter(|r| !r.is_empty())
}

/// The file's path, its content and the name of the selected profile.
fn load_file(
    env: &Env,
    path: Option<PathBuf>,
    name: Option<String>,
) -> Result<(PathBuf, ConfigFile, String), CredentialsError> {
    let path = path
        .or_else(|| env.file_path(CONFIG_FILE_VAR, DEFAULT_PATH))
        .ok_or_else(|| {
            CredentialsError::not_configured(
                PROVIDER,
                format!("neither {CONFIG_FILE_VAR} nor a home directory is set"),
            )
        })?;
    let text = read_config_file(PROVIDER, &path)?;
    let file: ConfigFile = serde_json::from_str(&text).map_err(|e| {
        CredentialsError::invalid(
            PROVIDER,
            format!("{}: {}", path.display(), json_problem(&e)),
        )
    })?;
    let name = name
        .or_else(|| env.get(PROFILE_VAR))
        .or_else(|| file.current.clone().filter(|c| !c.is_empty()))
        .unwrap_or_else(|| "default".to_string());
    Ok((path, file, name))
}
