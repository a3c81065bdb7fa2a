//! The provider each mode of a CLI profile stands for.

use super::cli_config::{ConfigFile, Profile, PROVIDER};
use super::{
    AssumeRoleProvider, Credentials, CredentialsError, EcsRamRoleProvider, Env,
    ExternalProcessProvider, OidcRoleProvider, ProvideCredentials,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const MODES: &str =
    "AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, External, CloudSSO or OAuth";

/// The provider of profile `name` in `file`; `ChainableRamRoleArn`
/// profiles are followed through their `source_profile`.
pub(crate) fn provider_for(
    env: &Env,
    path: &Path,
    file: &ConfigFile,
    name: &str,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let mut visited = Vec::new();
    build(env, path, file, name, &mut visited)
}

fn build(
    env: &Env,
    path: &Path,
    file: &ConfigFile,
    name: &str,
    visited: &mut Vec<String>,
) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
    let file_error =
        |what: String| CredentialsError::invalid(PROVIDER, format!("{}: {what}", path.display()));
    if visited.iter().any(|seen| seen == name) {
        visited.push(name.to_string());
        return Err(file_error(format!(
            "the `source_profile` chain loops: {}",
            visited.join(" -> ")
        )));
    }
    visited.push(name.to_string());
    let profile = file
        .profiles
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = file.profiles.iter().map(|p| p.name.as_str()).collect();
            file_error(format!(
                "no profile `{name}` (profiles in the file: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
    let invalid = |what: String| file_error(format!("profile `{name}` {what}"));
    let mode = profile
        .mode
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| invalid(format!("has no `mode` (expected {MODES})")))?;
    let fields = Fields {
        profile,
        mode,
        invalid: &invalid,
    };
    Ok(match mode {
        "AK" => Arc::new(fields.access_key()?),
        "StsToken" => Arc::new(
            fields
                .access_key()?
                .with_security_token(fields.need("sts_token", &profile.sts_token)?),
        ),
        "RamRoleArn" => {
            let mut source = fields.access_key()?;
            if let Some(token) = some(&profile.sts_token) {
                source = source.with_security_token(token);
            }
            Arc::new(assume_role(env, &fields, source)?)
        }
        "ChainableRamRoleArn" => {
            let source_name = fields.need("source_profile", &profile.source_profile)?;
            let source = build(env, path, file, &source_name, visited)?;
            Arc::new(assume_role(env, &fields, source)?)
        }
        "EcsRamRole" => {
            let mut builder = EcsRamRoleProvider::builder().configure_from(env);
            if let Some(role) = some(&profile.ram_role_name) {
                builder = builder.role_name(role);
            }
            Arc::new(builder.build())
        }
        "OIDC" => {
            let mut builder = OidcRoleProvider::builder(
                fields.need("ram_role_arn", &profile.ram_role_arn)?,
                fields.need("oidc_provider_arn", &profile.oidc_provider_arn)?,
                fields.need("oidc_token_file", &profile.oidc_token_file)?,
            );
            if let Some(session) = some(&profile.ram_session_name) {
                builder = builder.session_name(session);
            }
            if let Some(seconds) = profile.expired_seconds.filter(|s| *s > 0) {
                builder = builder.duration(Duration::from_secs(seconds));
            }
            if let Some(policy) = some(&profile.policy) {
                builder = builder.policy(policy);
            }
            if let Some(region) = some(&profile.sts_region) {
                builder = builder.sts_region(region);
            }
            if let Some(vpc) = profile.enable_vpc {
                builder = builder.vpc(vpc);
            }
            Arc::new(builder.configure_from(env).build())
        }
        "External" => Arc::new(ExternalProcessProvider::new(
            fields.need("process_command", &profile.process_command)?,
        )),
        "CloudSSO" => {
            let (Some(url), Some(account), Some(config), Some(token), Some(expires)) = (
                some(&profile.cloud_sso_sign_in_url),
                some(&profile.cloud_sso_account_id),
                some(&profile.cloud_sso_access_config),
                some(&profile.access_token),
                profile.cloud_sso_access_token_expire,
            ) else {
                return Err(invalid(format!(
                    "(mode CloudSSO) lacks the sign-in the CLI stores; {}",
                    super::cloud_sso::SIGN_IN_AGAIN
                )));
            };
            Arc::new(
                super::cloud_sso::CloudSsoProvider::new(&url, account, config, token, expires)
                    .map_err(&invalid)?,
            )
        }
        "OAuth" => {
            return Err(invalid(
                "has mode OAuth, whose token exchange this SDK does not run; it needs \
                 `aliyun configure` in another mode (AK, RamRoleArn, EcsRamRole, OIDC, External, \
                 CloudSSO), or credentials from another source"
                    .to_string(),
            ))
        }
        _ => {
            return Err(invalid(format!(
                "has a `mode` this SDK does not know (expected {MODES})"
            )))
        }
    })
}

struct Fields<'a> {
    profile: &'a Profile,
    mode: &'a str,
    invalid: &'a dyn Fn(String) -> CredentialsError,
}

impl Fields<'_> {
    fn need(&self, field: &str, value: &Option<String>) -> Result<String, CredentialsError> {
        some(value).ok_or_else(|| (self.invalid)(format!("(mode {}) lacks `{field}`", self.mode)))
    }

    fn access_key(&self) -> Result<Credentials, CredentialsError> {
        Ok(Credentials::new(
            self.need("access_key_id", &self.profile.access_key_id)?,
            self.need("access_key_secret", &self.profile.access_key_secret)?,
        ))
    }
}

fn some(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

fn assume_role(
    env: &Env,
    fields: &Fields<'_>,
    source: impl ProvideCredentials + 'static,
) -> Result<AssumeRoleProvider, CredentialsError> {
    let profile = fields.profile;
    let mut builder =
        AssumeRoleProvider::builder(fields.need("ram_role_arn", &profile.ram_role_arn)?, source);
    if let Some(session) = some(&profile.ram_session_name) {
        builder = builder.session_name(session);
    }
    if let Some(seconds) = profile.expired_seconds.filter(|s| *s > 0) {
        builder = builder.duration(Duration::from_secs(seconds));
    }
    if let Some(external_id) = some(&profile.external_id) {
        builder = builder.external_id(external_id);
    }
    if let Some(policy) = some(&profile.policy) {
        builder = builder.policy(policy);
    }
    if let Some(region) = some(&profile.sts_region) {
        builder = builder.sts_region(region);
    }
    if let Some(vpc) = profile.enable_vpc {
        builder = builder.vpc(vpc);
    }
    Ok(builder.configure_from(env).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(profile: serde_json::Value, vars: &[(&str, &str)]) -> String {
        let file: ConfigFile =
            serde_json::from_value(serde_json::json!({"profiles": [profile]})).unwrap();
        let env = Env::from_vars(vars.iter().copied());
        let built = provider_for(&env, Path::new("config.json"), &file, "p").unwrap();
        format!("{built:?}")
    }

    #[test]
    fn role_profiles_call_the_sts_endpoint_of_their_region() {
        let role = serde_json::json!({"name": "p", "mode": "RamRoleArn", "access_key_id": "i",
            "access_key_secret": "s", "ram_role_arn": "arn", "sts_region": "cn-beijing", "enable_vpc": true});
        let shown = provider(role.clone(), &[("ALIBABA_CLOUD_STS_REGION", "cn-shanghai")]);
        assert!(
            shown.contains("https://sts-vpc.cn-beijing.aliyuncs.com/"),
            "{shown}"
        );
        let shown = provider(
            role,
            &[("ALIBABA_CLOUD_STS_ENDPOINT", "http://127.0.0.1:9")],
        );
        assert!(shown.contains("http://127.0.0.1:9"), "{shown}");
        let oidc = serde_json::json!({"name": "p", "mode": "OIDC", "ram_role_arn": "arn",
            "oidc_provider_arn": "provider", "oidc_token_file": "/t"});
        let shown = provider(
            oidc,
            &[
                ("ALIBABA_CLOUD_STS_REGION", "cn-shanghai"),
                ("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"),
            ],
        );
        assert!(
            shown.contains("https://sts-vpc.cn-shanghai.aliyuncs.com/"),
            "{shown}"
        );
    }
}
