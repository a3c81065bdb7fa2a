//! Credentials and region from environment variables and configuration
//! files in temporary directories. Every input is passed explicitly
//! through an `Env`, so nothing here touches the process environment.

mod runtime_support;

use ehpc_sdk::credentials::{
    CliProfileProvider, CredentialsChain, DefaultChain, Env, EnvironmentProvider, IniFileProvider,
    ProvideCredentials,
};
use ehpc_sdk::{Client, ConfigError, CredentialsError};
use runtime_support::TempDir;

/// `vars` plus a home directory, with the metadata service left out.
fn env_with(home: &TempDir, vars: &[(&str, &str)]) -> Env {
    let mut all: Vec<(String, String)> = vec![
        ("HOME".into(), home.path().display().to_string()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED".into(), "true".into()),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Env::from_vars(all)
}

const PROFILES: &str = r#"{
  "current": "main",
  "profiles": [
    {"name": "main", "mode": "AK", "access_key_id": "LTAI-main", "access_key_secret": "main-secret", "region_id": "cn-hangzhou"},
    {"name": "temp", "mode": "StsToken", "access_key_id": "STS.temp", "access_key_secret": "temp-secret", "sts_token": "temp-token", "region_id": "cn-beijing"}
  ]
}"#;

async fn profile_error(contents: &str, vars: &[(&str, &str)]) -> (String, CredentialsError) {
    let home = TempDir::new("profile-error");
    let path = home.write(".aliyun/config.json", contents);
    let provider = CliProfileProvider::new(env_with(&home, vars));
    let error = provider.provide_credentials().await.unwrap_err();
    (path.display().to_string(), error)
}

#[tokio::test]
async fn environment_variables_come_first() {
    let home = TempDir::new("env-first");
    home.write(".aliyun/config.json", PROFILES);
    let env = env_with(
        &home,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token"),
        ],
    );
    let keys = DefaultChain::new(env).provide_credentials().await.unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-env");
    assert_eq!(keys.security_token(), Some("env-token"));
}

#[tokio::test]
async fn half_set_environment_keys_are_passed_over_and_reported() {
    let home = TempDir::new("env-half");
    home.write(".aliyun/config.json", PROFILES);
    let env = env_with(&home, &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")]);
    let keys = DefaultChain::new(env).provide_credentials().await.unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-main");

    let empty = TempDir::new("env-half-alone");
    let env = env_with(&empty, &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-env")]);
    let error = DefaultChain::new(env)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.tried()[0].is_invalid());
    assert!(
        error
            .to_string()
            .contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET is not"),
        "{error}"
    );
    let alone =
        EnvironmentProvider::new(Env::from_vars([("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")]));
    assert!(alone.credentials().unwrap_err().is_invalid());
}

#[tokio::test]
async fn the_cli_profile_is_current_unless_one_is_named() {
    let home = TempDir::new("profile");
    home.write(".aliyun/config.json", PROFILES);
    let keys = DefaultChain::new(env_with(&home, &[]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-main");
    assert_eq!(keys.security_token(), None);

    let named = env_with(&home, &[("ALIBABA_CLOUD_PROFILE", "temp")]);
    let keys = DefaultChain::new(named)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "STS.temp");
    assert_eq!(keys.security_token(), Some("temp-token"));
}

#[tokio::test]
async fn the_config_file_variable_points_elsewhere() {
    let home = TempDir::new("profile-elsewhere");
    let elsewhere = home.write("elsewhere/aliyun.json", PROFILES);
    let env = env_with(
        &home,
        &[(
            "ALIBABA_CLOUD_CONFIG_FILE",
            &elsewhere.display().to_string(),
        )],
    );
    let keys = CliProfileProvider::new(env)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-main");
}

#[tokio::test]
async fn a_malformed_config_file_is_named_with_the_position() {
    let (path, error) = profile_error("{\"profiles\": [ {\"name\": \"x\",, }", &[]).await;
    let text = error.to_string();
    assert!(error.is_invalid());
    assert!(text.contains(&path), "{text}");
    assert!(text.contains("line 1"), "{text}");

    let (path, error) = profile_error("\u{0}\u{ff}binary", &[]).await;
    assert!(error.to_string().contains(&path), "{error}");
}

#[tokio::test]
async fn an_unknown_profile_lists_the_known_ones() {
    let (path, error) = profile_error(PROFILES, &[("ALIBABA_CLOUD_PROFILE", "nope")]).await;
    let text = error.to_string();
    assert!(text.contains(&path), "{text}");
    assert!(
        text.contains("`nope`") && text.contains("main, temp"),
        "{text}"
    );
}

#[tokio::test]
async fn missing_or_unknown_modes_and_fields_are_named() {
    let cases = [
        (
            r#"{"current":"a","profiles":[{"name":"a","access_key_id":"i"}]}"#,
            "has no `mode`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"ChainableRamRoleArn"}]}"#,
            "lacks `source_profile`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"hidden-secret"}]}"#,
            "a `mode` this SDK does not know",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"External"}]}"#,
            "lacks `process_command`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"OIDC","ram_role_arn":"r"}]}"#,
            "lacks `oidc_provider_arn`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"i"}]}"#,
            "lacks `access_key_secret`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"StsToken","access_key_id":"i","access_key_secret":"hidden-secret"}]}"#,
            "lacks `sts_token`",
        ),
        (
            r#"{"current":"a","profiles":[{"name":"a","mode":"RamRoleArn","access_key_id":"i","access_key_secret":"hidden-secret"}]}"#,
            "lacks `ram_role_arn`",
        ),
    ];
    for (contents, expected) in cases {
        let (path, error) = profile_error(contents, &[]).await;
        let text = error.to_string();
        assert!(
            text.contains(&path) && text.contains("profile `a`"),
            "{text}"
        );
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("hidden-secret"), "{text}");
    }
}

#[tokio::test]
async fn the_ini_file_gives_access_keys_by_section() {
    let home = TempDir::new("ini");
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = access_key\naccess_key_id = LTAI-ini\naccess_key_secret = ini-secret\n\n\
         [other]\ntype = access_key\naccess_key_id = LTAI-other\naccess_key_secret = other-secret\n",
    );
    let keys = DefaultChain::new(env_with(&home, &[]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-ini");
    let keys = IniFileProvider::new(env_with(&home, &[("ALIBABA_CLOUD_PROFILE", "other")]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-other");
}

#[tokio::test]
async fn ini_problems_name_the_file_and_what_is_wrong() {
    let cases = [
        ("[default]\ntype = access_key\nthis line is wrong\n", ":3:"),
        ("[default\n", ":1:"),
        ("[other]\ntype = access_key\n", "no section `[default]`"),
        ("[default]\naccess_key_id = x\n", "has no `type`"),
        (
            "[default]\ntype = rsa_key_pair\n",
            "a `type` this SDK does not know",
        ),
        ("[default]\nhidden-secret\n", ":2: expected `key = value`"),
        (
            "[default]\ntype = oidc_role_arn\nrole_arn = r\n",
            "lacks `oidc_provider_arn`",
        ),
        (
            "[default]\ntype = access_key\naccess_key_secret = hidden-secret\n",
            "lacks `access_key_id`",
        ),
        (
            "[default]\ntype = ram_role_arn\naccess_key_id = i\naccess_key_secret = s\n",
            "lacks `role_arn`",
        ),
    ];
    for (contents, expected) in cases {
        let home = TempDir::new("ini-error");
        let path = home.write("creds.ini", contents);
        let env = env_with(
            &home,
            &[(
                "ALIBABA_CLOUD_CREDENTIALS_FILE",
                &path.display().to_string(),
            )],
        );
        let error = IniFileProvider::new(env)
            .provide_credentials()
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(error.is_invalid(), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("hidden-secret"), "{text}");
    }
}

#[tokio::test]
async fn a_broken_profile_is_passed_over_unless_the_chain_stops_at_broken() {
    let home = TempDir::new("broken-first");
    home.write(".aliyun/config.json", "not json with hidden-secret");
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = access_key\naccess_key_id = i\naccess_key_secret = s\n",
    );
    let keys = DefaultChain::new(env_with(&home, &[]))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(keys.access_key_id(), "i");

    let env = env_with(&home, &[]);
    let strict = CredentialsChain::new()
        .or_else(EnvironmentProvider::new(env.clone()))
        .or_else(CliProfileProvider::new(env.clone()))
        .or_else(IniFileProvider::new(env))
        .stop_at_broken();
    let error = strict.provide_credentials().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("config.json") && text.contains("line 1"),
        "{text}"
    );
    assert!(!text.contains("hidden-secret"), "{text}");
}

#[tokio::test]
async fn when_nothing_yields_the_error_lists_every_attempt() {
    let home = TempDir::new("nothing");
    let error = DefaultChain::new(env_with(&home, &[]))
        .provide_credentials()
        .await
        .unwrap_err();
    let providers: Vec<&str> = error.tried().iter().map(|e| e.provider).collect();
    assert_eq!(
        providers,
        [
            "environment",
            "OIDC role",
            "CLI profile",
            "credentials file",
            "ECS RAM role",
            "credentials URI"
        ]
    );
    let text = error.to_string();
    assert!(text.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{text}");
    assert!(
        text.contains(".aliyun/config.json does not exist"),
        "{text}"
    );
    assert!(
        text.contains(".alibabacloud/credentials.ini exists"),
        "{text}"
    );
}

#[test]
fn the_region_comes_from_the_builder_then_the_variable_then_the_profile() {
    let home = TempDir::new("region");
    home.write(".aliyun/config.json", PROFILES);
    let build = |env: Env| Client::builder().environment(env).build();

    let from_profile = build(env_with(&home, &[])).unwrap();
    assert_eq!(from_profile.region(), Some("cn-hangzhou"));
    assert_eq!(
        from_profile.endpoint(),
        "https://ehpc.cn-hangzhou.aliyuncs.com/"
    );

    let named_profile = build(env_with(&home, &[("ALIBABA_CLOUD_PROFILE", "temp")])).unwrap();
    assert_eq!(named_profile.region(), Some("cn-beijing"));

    let variable = build(env_with(
        &home,
        &[("ALIBABA_CLOUD_REGION_ID", "ap-southeast-1")],
    ))
    .unwrap();
    assert_eq!(variable.region(), Some("ap-southeast-1"));

    let explicit = Client::builder()
        .environment(env_with(
            &home,
            &[("ALIBABA_CLOUD_REGION_ID", "ap-southeast-1")],
        ))
        .region("cn-shenzhen")
        .vpc(true)
        .build()
        .unwrap();
    assert_eq!(explicit.region(), Some("cn-shenzhen"));
    assert_eq!(
        explicit.endpoint(),
        "https://ehpc-vpc.cn-shenzhen.aliyuncs.com/"
    );

    let malformed = build(env_with(
        &home,
        &[("ALIBABA_CLOUD_REGION_ID", "CN Hangzhou")],
    ));
    assert!(matches!(malformed, Err(ConfigError::InvalidRegion(_))));

    let empty = TempDir::new("no-region");
    let missing = build(env_with(&empty, &[])).unwrap_err();
    assert!(
        missing.to_string().contains("ALIBABA_CLOUD_REGION_ID"),
        "{missing}"
    );
}

/// Collects the warnings emitted, as text.
#[derive(Clone, Default)]
struct Warnings(std::sync::Arc<std::sync::Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Warnings {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = String::new();
        event.record(&mut Fields(&mut line));
        let mut text = self.0.lock().unwrap();
        text.push_str(&line);
        text.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_source_passed_over_is_a_warning_without_secrets() {
    let warnings = Warnings::default();
    let _guard = tracing::subscriber::set_default(warnings.clone());
    let home = TempDir::new("warned");
    home.write(
        ".aliyun/config.json",
        r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"i","access_key_secret":"hidden-secret","expired_seconds":"hidden-secret-2"}]}"#,
    );
    home.write(
        ".alibabacloud/credentials",
        "[default]\ntype = access_key\naccess_key_id = LTAI-ini\naccess_key_secret = hidden-secret-3\n",
    );
    let env = env_with(
        &home,
        &[("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "hidden-secret-4")],
    );
    let keys = DefaultChain::new(env).provide_credentials().await.unwrap();
    assert_eq!(keys.access_key_id(), "LTAI-ini");
    let text = warnings.0.lock().unwrap().clone();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("source=\"environment\""), "{text}");
    assert!(text.contains("source=\"CLI profile\""), "{text}");
    assert!(text.contains("does not have the expected fields"), "{text}");
    assert!(!text.contains("hidden-secret"), "{text}");
}
