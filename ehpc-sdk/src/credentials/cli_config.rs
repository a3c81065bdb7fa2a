//! The Alibaba Cloud CLI's `config.json` as this crate reads it: the file
//! and the fields of its profiles, shared by the provider that finds a
//! profile and the providers its modes stand for.

use serde::Deserialize;

/// The name credentials errors give the CLI profile source.
pub(crate) const PROVIDER: &str = "CLI profile";

#[derive(Debug, Deserialize)]
pub(crate) struct ConfigFile {
    pub(crate) current: Option<String>,
    #[serde(default)]
    pub(crate) profiles: Vec<Profile>,
}

/// The fields of a profile the providers use; the CLI keeps more.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct Profile {
    pub(crate) name: String,
    pub(crate) mode: Option<String>,
    pub(crate) access_key_id: Option<String>,
    pub(crate) access_key_secret: Option<String>,
    pub(crate) sts_token: Option<String>,
    pub(crate) region_id: Option<String>,
    pub(crate) ram_role_arn: Option<String>,
    pub(crate) ram_session_name: Option<String>,
    pub(crate) ram_role_name: Option<String>,
    pub(crate) expired_seconds: Option<u64>,
    pub(crate) external_id: Option<String>,
    pub(crate) policy: Option<String>,
    pub(crate) source_profile: Option<String>,
    pub(crate) oidc_provider_arn: Option<String>,
    pub(crate) oidc_token_file: Option<String>,
    pub(crate) process_command: Option<String>,
    pub(crate) sts_region: Option<String>,
    pub(crate) enable_vpc: Option<bool>,
    pub(crate) cloud_sso_sign_in_url: Option<String>,
    pub(crate) cloud_sso_account_id: Option<String>,
    pub(crate) cloud_sso_access_config: Option<String>,
    pub(crate) access_token: Option<String>,
    pub(crate) cloud_sso_access_token_expire: Option<u64>,
}
