//! Temporary credentials from the metadata service and from STS, played by
//! the emulator, and what the client does with them.

mod runtime_support;

use ehpc_emulator::{Emulator, ECS_ROLE_NAME};
use ehpc_sdk::credentials::{
    AssumeRoleProvider, DefaultChain, EcsRamRoleProvider, Env, ProvideCredentials,
};
use ehpc_sdk::{Client, Credentials};
use runtime_support::{calls_of, emulator_key, stop_call, TempDir};
use std::sync::Arc;
use std::time::Duration;

const ROLE_ARN: &str = "acs:ram::1234567890123456:role/hpc-operator";

fn client_with(emulator: &Emulator, provider: impl ProvideCredentials + 'static) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials_provider(provider)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_metadata_flow_yields_keys_the_service_accepts() {
    let emulator = Emulator::start().await.unwrap();
    let provider = EcsRamRoleProvider::builder()
        .endpoint(emulator.endpoint())
        .build();
    let client = client_with(&emulator, provider);
    stop_call(&client).send().await.unwrap();

    let metadata = emulator.metadata_requests();
    let steps: Vec<(&str, &str)> = metadata
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let role_path = format!("/latest/meta-data/ram/security-credentials/{ECS_ROLE_NAME}");
    assert_eq!(
        steps,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/ram/security-credentials/"),
            ("GET", role_path.as_str()),
        ]
    );
    assert!(metadata
        .iter()
        .skip(1)
        .all(|r| r.with_token && r.status == 200));
    let call = &calls_of(&emulator, "StopVisualService")[0];
    assert!(call.param("AccessKeyId").unwrap().starts_with("STS."));
    assert!(call.param("SecurityToken").is_some());
    assert_eq!(call.status, Some(200));
}

#[tokio::test]
async fn a_named_role_skips_the_lookup_and_an_unknown_role_is_an_error() {
    let emulator = Emulator::start().await.unwrap();
    let named = EcsRamRoleProvider::builder()
        .endpoint(emulator.endpoint())
        .role_name(ECS_ROLE_NAME)
        .build();
    named.provide_credentials().await.unwrap();
    assert_eq!(emulator.metadata_requests().len(), 2);

    let unknown = EcsRamRoleProvider::builder()
        .endpoint(emulator.endpoint())
        .role_name("NoSuchRole")
        .build();
    let error = unknown.provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("NoSuchRole"), "{error}");
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let emulator = Emulator::start().await.unwrap();
    let provider = Arc::new(
        EcsRamRoleProvider::builder()
            .endpoint(emulator.endpoint())
            .build(),
    );
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let provider = Arc::clone(&provider);
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().access_key_id().to_string());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every caller got the same keys");
    let token_requests = emulator
        .metadata_requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(token_requests, 1);
}

#[tokio::test]
async fn assumed_role_keys_are_cached_until_the_refresh_window() {
    let emulator = Emulator::start().await.unwrap();
    let provider = |window: u64| {
        AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
            .endpoint(emulator.endpoint())
            .duration(Duration::from_secs(900))
            .refresh_window(Duration::from_secs(window))
            .build()
    };
    // 900 s of life, replaced with 600 s left: the second call is cached.
    let cached = provider(600);
    let first = cached.provide_credentials().await.unwrap();
    let second = cached.provide_credentials().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);

    // A window longer than the keys live: they are refreshed at half
    // their life, not on every call.
    emulator.clear_requests();
    let eager = provider(1000);
    let first = eager.provide_credentials().await.unwrap();
    let second = eager.provide_credentials().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);
}

#[tokio::test]
async fn assume_role_is_a_signed_call_and_its_keys_work_until_they_expire() {
    let emulator = Emulator::start().await.unwrap();
    let provider = AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
        .endpoint(emulator.endpoint())
        .session_name("nightly")
        .build();
    let keys = provider.provide_credentials().await.unwrap();
    assert!(keys.expiration().is_some());
    let sts = &calls_of(&emulator, "AssumeRole")[0];
    assert_eq!(sts.param("Version"), Some("2015-04-01"));
    assert_eq!(sts.param("RoleArn"), Some(ROLE_ARN));
    assert_eq!(sts.param("RoleSessionName"), Some("nightly"));
    assert!(sts.param("Signature").is_some());
    assert_eq!(sts.status, Some(200));

    let client = client_with(&emulator, keys);
    stop_call(&client).send().await.unwrap();
    emulator.expire_temporary_keys();
    let error = stop_call(&client).send().await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidSecurityToken.Expired"));
}

#[tokio::test]
async fn sts_refusals_name_the_code_and_never_show_the_token() {
    let emulator = Emulator::start().await.unwrap();
    let bad_arn = AssumeRoleProvider::builder("not-an-arn", emulator_key())
        .endpoint(emulator.endpoint())
        .build();
    let error = bad_arn.provide_credentials().await.unwrap_err();
    assert!(
        error.to_string().contains("InvalidParameter.RoleArn"),
        "{error}"
    );

    // Temporary source keys with a wrong secret: the service's message
    // quotes its string-to-sign, which holds the security token.
    let real = AssumeRoleProvider::builder(ROLE_ARN, emulator_key())
        .endpoint(emulator.endpoint())
        .build()
        .provide_credentials()
        .await
        .unwrap();
    let token = real.security_token().unwrap().to_string();
    let wrong = Credentials::new(real.access_key_id(), "wrong-secret").with_security_token(&token);
    let chained = AssumeRoleProvider::builder(ROLE_ARN, wrong)
        .endpoint(emulator.endpoint())
        .build();
    let error = chained.provide_credentials().await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("SignatureDoesNotMatch"), "{shown}");
    assert!(!shown.contains(&token), "{shown}");
    assert!(!shown.contains("wrong-secret"));

    // The same holds for an E-HPC call signed with such keys.
    let client = client_with(
        &emulator,
        Credentials::new(real.access_key_id(), "wrong-secret").with_security_token(&token),
    );
    let error = stop_call(&client).send().await.unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    let shown = format!("{error} {error:#} {error:?}");
    assert!(!shown.contains(&token), "{shown}");
}

/// An environment with nothing but `vars`, and no metadata service unless
/// one is named.
fn isolated_env(home: &TempDir, vars: &[(&str, String)]) -> Env {
    let mut all: Vec<(String, String)> = vec![
        ("HOME".into(), home.path().display().to_string()),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED".into(), "true".into()),
    ];
    all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.clone())));
    Env::from_vars(all)
}

#[tokio::test]
async fn a_ram_role_arn_profile_assumes_its_role_for_the_call() {
    let emulator = Emulator::start().await.unwrap();
    let home = TempDir::new("role-profile");
    home.write(
        ".aliyun/config.json",
        format!(
            r#"{{"current": "ops", "profiles": [{{"name": "ops", "mode": "RamRoleArn",
                "access_key_id": "{}", "access_key_secret": "{}",
                "ram_role_arn": "{ROLE_ARN}", "ram_session_name": "ops-session",
                "region_id": "cn-shanghai"}}]}}"#,
            ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
            ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET
        ),
    );
    let env = isolated_env(
        &home,
        &[("ALIBABA_CLOUD_STS_ENDPOINT", emulator.endpoint())],
    );
    let client = Client::builder()
        .environment(env)
        .endpoint(emulator.endpoint())
        .build()
        .unwrap();
    assert_eq!(client.region(), Some("cn-shanghai"));
    stop_call(&client).send().await.unwrap();
    let sts = calls_of(&emulator, "AssumeRole");
    assert_eq!(sts.len(), 1);
    assert_eq!(sts[0].param("RoleSessionName"), Some("ops-session"));
    let call = &calls_of(&emulator, "StopVisualService")[0];
    assert!(call.param("AccessKeyId").unwrap().starts_with("STS."));
    assert_eq!(call.param("RegionId"), Some("cn-shanghai"));
}

#[tokio::test]
async fn ini_role_sections_assume_roles_and_use_the_instance_role() {
    let emulator = Emulator::start().await.unwrap();
    let home = TempDir::new("role-ini");
    home.write(
        ".alibabacloud/credentials",
        format!(
            "[default]\ntype = ram_role_arn\naccess_key_id = {}\naccess_key_secret = {}\n\
             role_arn = {ROLE_ARN}\n\n[instance]\ntype = ecs_ram_role\n",
            ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
            ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET
        ),
    );
    let env = isolated_env(
        &home,
        &[("ALIBABA_CLOUD_STS_ENDPOINT", emulator.endpoint())],
    );
    let chain = DefaultChain::new(env);
    let keys = chain.provide_credentials().await.unwrap();
    assert!(keys.security_token().is_some());
    assert_eq!(calls_of(&emulator, "AssumeRole").len(), 1);

    let env = isolated_env(
        &home,
        &[
            ("ALIBABA_CLOUD_PROFILE", "instance".to_string()),
            ("ALIBABA_CLOUD_IMDS_ENDPOINT", emulator.endpoint()),
        ],
    );
    let client = Client::builder()
        .environment(env)
        .endpoint(emulator.endpoint())
        .build()
        .unwrap();
    stop_call(&client).send().await.unwrap();
    assert_eq!(emulator.metadata_requests().len(), 3);
}

#[tokio::test]
async fn the_chain_falls_back_to_the_metadata_service() {
    let emulator = Emulator::start().await.unwrap();
    let home = TempDir::new("imds-chain");
    let env = Env::from_vars([
        ("HOME", home.path().display().to_string()),
        ("ALIBABA_CLOUD_IMDS_ENDPOINT", emulator.endpoint()),
        ("ALIBABA_CLOUD_ECS_METADATA", ECS_ROLE_NAME.to_string()),
    ]);
    let client = Client::builder()
        .environment(env)
        .endpoint(emulator.endpoint())
        .build()
        .unwrap();
    stop_call(&client).send().await.unwrap();
    // The role was named: token, then keys.
    assert_eq!(emulator.metadata_requests().len(), 2);
}
