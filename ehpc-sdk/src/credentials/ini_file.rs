//! Credentials from the shared INI file `~/.alibabacloud/credentials`.

use super::cli_profile::PROFILE_VAR;
use super::{
    read_config_file, AssumeRoleProvider, Credentials, CredentialsError, EcsRamRoleProvider, Env,
    ProvideCredentials, ProvideFuture,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::OnceCell;

const FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
const DEFAULT_PATH: &str = ".alibabacloud/credentials";
const TYPES: &str = "access_key, ecs_ram_role or ram_role_arn";

const PROVIDER: &str = "credentials file";

/// A section of the INI credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`,
/// else `~/.alibabacloud/credentials`; the section named by
/// `ALIBABA_CLOUD_PROFILE`, else `default`.
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
        let path = self
            .path
            .clone()
            .or_else(|| self.env.file_path(FILE_VAR, DEFAULT_PATH))
            .ok_or_else(|| {
                CredentialsError::not_configured(
                    PROVIDER,
                    format!("neither {FILE_VAR} nor a home directory is set"),
                )
            })?;
        let text = read_config_file(PROVIDER, &path)?;
        let invalid =
            |what: String| CredentialsError::invalid(PROVIDER, format!("{}{what}", path.display()));
        let sections =
            parse_ini(&text).map_err(|(line, what)| invalid(format!(":{line}: {what}")))?;
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

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.resolve().await?.provide_credentials().await })
    }
}

type Section = HashMap<String, String>;

/// Sections of `key = value` lines; `#` and `;` start comment lines.
/// Errors carry the 1-based line number.
fn parse_ini(text: &str) -> Result<HashMap<String, Section>, (usize, String)> {
    let mut sections: HashMap<String, Section> = HashMap::new();
    let mut current: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let number = index + 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .ok_or((
                    number,
                    "a section header must look like `[name]`".to_string(),
                ))?;
            sections.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or((number, "expected `key = value` or `[section]`".to_string()))?;
        let key = key.trim();
        if key.is_empty() {
            return Err((number, "a key is missing before `=`".to_string()));
        }
        let section = current
            .as_ref()
            .ok_or((number, format!("`{key}` comes before any `[section]`")))?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.to_string(), value.to_string());
    }
    Ok(sections)
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
        "ecs_ram_role" => {
            let mut builder = EcsRamRoleProvider::builder().configure_from(env);
            if let Some(role) = get("role_name") {
                builder = builder.role_name(role);
            }
            Arc::new(builder.build())
        }
        other => {
            return Err(invalid(format!(
                "has type `{other}`, which is not supported (expected {TYPES})"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_parses_sections_comments_and_quotes() {
        let sections = parse_ini(
            "# keys\n[default]\ntype = access_key\naccess_key_id = \"id\"\n\n; other\n[b]\nx=1\n",
        )
        .unwrap();
        assert_eq!(sections["default"]["access_key_id"], "id");
        assert_eq!(sections["b"]["x"], "1");
    }

    #[test]
    fn ini_errors_name_the_line() {
        assert_eq!(parse_ini("[default]\njunk\n").unwrap_err().0, 2);
        assert_eq!(parse_ini("key = 1\n").unwrap_err().0, 1);
        assert_eq!(parse_ini("[default\n").unwrap_err().0, 1);
        assert_eq!(parse_ini("[a]\n = 1\n").unwrap_err().0, 2);
    }
}
