//! The `stop_visual_service` example against the emulator, with
//! credentials from one source at a time: environment variables only, a
//! CLI profile only, or a role to assume only. The example runs with an
//! emptied environment and a temporary home directory.

use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use std::path::PathBuf;
use std::process::Command;

fn example_binary() -> PathBuf {
    // Integration tests run from target/<profile>/deps; cargo builds the
    // package's examples next to it before running them.
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    deps.parent().unwrap().join("examples").join(format!(
        "stop_visual_service{}",
        std::env::consts::EXE_SUFFIX
    ))
}

/// A home directory of its own, removed afterwards.
struct Home(PathBuf);

impl Home {
    fn new(label: &str) -> Home {
        let path = std::env::temp_dir().join(format!(
            "ehpc-example-{label}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        ));
        std::fs::create_dir_all(path.join(".aliyun")).unwrap();
        Home(path)
    }

    fn profile(&self, profile: &str) {
        std::fs::write(self.0.join(".aliyun/config.json"), profile).unwrap();
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the example with only `vars` (and the home directory) set.
async fn run_example(
    emulator: &Emulator,
    home: &Home,
    vars: Vec<(&'static str, String)>,
) -> (bool, String) {
    let mut command = Command::new(example_binary());
    command
        .env_clear()
        .env("HOME", &home.0)
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .envs(vars)
        .args([
            "--cluster-id",
            "ehpc-hz-jeJki6****",
            "--cidr-ip",
            "192.168.0.0/24",
        ])
        .args(["--endpoint", &emulator.endpoint()]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn last_key_used(emulator: &Emulator) -> String {
    let calls: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("StopVisualService"))
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].status, Some(200));
    calls[0].param("AccessKeyId").unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn environment_variables_alone_suffice() {
    let emulator = Emulator::start().await.unwrap();
    let home = Home::new("env");
    let (ok, output) = run_example(
        &emulator,
        &home,
        vec![
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID.into()),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                DEFAULT_ACCESS_KEY_SECRET.into(),
            ),
        ],
    )
    .await;
    assert!(ok, "{output}");
    assert_eq!(last_key_used(&emulator), DEFAULT_ACCESS_KEY_ID);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_file_alone_suffices() {
    let emulator = Emulator::start().await.unwrap();
    let home = Home::new("profile");
    home.profile(&format!(
        r#"{{"current":"default","profiles":[{{"name":"default","mode":"AK",
            "access_key_id":"{DEFAULT_ACCESS_KEY_ID}","access_key_secret":"{DEFAULT_ACCESS_KEY_SECRET}",
            "region_id":"cn-hangzhou"}}]}}"#
    ));
    let (ok, output) = run_example(&emulator, &home, Vec::new()).await;
    assert!(ok, "{output}");
    assert_eq!(last_key_used(&emulator), DEFAULT_ACCESS_KEY_ID);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_to_assume_alone_suffices() {
    let emulator = Emulator::start().await.unwrap();
    let home = Home::new("role");
    home.profile(&format!(
        r#"{{"current":"operator","profiles":[{{"name":"operator","mode":"RamRoleArn",
            "access_key_id":"{DEFAULT_ACCESS_KEY_ID}","access_key_secret":"{DEFAULT_ACCESS_KEY_SECRET}",
            "ram_role_arn":"acs:ram::1234567890123456:role/hpc-operator"}}]}}"#
    ));
    let (ok, output) = run_example(
        &emulator,
        &home,
        vec![("ALIBABA_CLOUD_STS_ENDPOINT", emulator.endpoint())],
    )
    .await;
    assert!(ok, "{output}");
    assert!(last_key_used(&emulator).starts_with("STS."));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_any_source_the_error_lists_what_was_tried() {
    let emulator = Emulator::start().await.unwrap();
    let home = Home::new("none");
    let (ok, output) = run_example(&emulator, &home, Vec::new()).await;
    assert!(!ok);
    assert!(output.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{output}");
    assert!(output.contains("config.json does not exist"), "{output}");
    assert!(emulator.requests().is_empty());
}
