//! The HTTP control API, and the binary that serves it.

mod support;

use ehpc_emulator::Emulator;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use support::*;

async fn control(addr: SocketAddr, method: &str, resource: &str, body: &str) -> Answer {
    let request = format!(
        "{method} /__emulator/{resource} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes()).await.unwrap()
}

#[tokio::test]
async fn faults_and_the_log_over_http() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let operations = control(addr, "GET", "operations", "").await.json();
    assert!(operations
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "StopVisualService"));

    let fault = r#"{"action":"StopVisualService","fault":{"kind":"service_error","code":"ClusterNotFound"},"times":1}"#;
    assert_eq!(control(addr, "POST", "faults", fault).await.status, 200);
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "ClusterNotFound")
    );
    assert_eq!(
        get(addr, &signed("GET", SECRET, stop_visual_service()))
            .await
            .status,
        200
    );

    let always = r#"{"action":"StopVisualService","fault":{"kind":"throttling"}}"#;
    assert_eq!(control(addr, "POST", "faults", always).await.status, 200);
    for _ in 0..2 {
        let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
        assert_eq!(answer.code(), "Throttling.User");
    }
    assert_eq!(control(addr, "DELETE", "faults", "").await.status, 200);
    assert_eq!(
        get(addr, &signed("GET", SECRET, stop_visual_service()))
            .await
            .status,
        200
    );

    let undocumented =
        r#"{"action":"StopVisualService","fault":{"kind":"service_error","code":"Nope"}}"#;
    let refused = control(addr, "POST", "faults", undocumented).await;
    assert_eq!(refused.status, 400);
    assert!(refused.json()["error"].as_str().unwrap().contains("Nope"));
    assert_eq!(control(addr, "POST", "faults", "{").await.status, 400);
    assert_eq!(control(addr, "GET", "nothing", "").await.status, 404);

    let log = control(addr, "GET", "requests", "").await.json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 5, "control requests are not logged");
    assert_eq!(log[0]["action"], "StopVisualService");
    assert_eq!(log[0]["status"], 404);
    assert_eq!(log[0]["code"], "ClusterNotFound");
    assert_eq!(log[0]["params"]["Port"], "12016");
    assert_eq!(control(addr, "DELETE", "requests", "").await.status, 200);
    assert!(emulator.requests().is_empty());
}

/// Kills the child when the test ends, pass or fail.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_and_serves_the_configured_keys() {
    let child = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--access-key",
            "bin-key:bin-secret",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let stdout = running.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line `{line}`"));
    let addr: SocketAddr = url.parse().unwrap();
    assert!(addr.ip().is_loopback());

    let mut params = stop_visual_service();
    set(&mut params, "AccessKeyId", "bin-key");
    assert_eq!(
        get(addr, &signed("GET", "bin-secret", params)).await.status,
        200
    );
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(answer.code(), "InvalidAccessKeyId.NotFound");
}

#[test]
fn the_binary_refuses_bad_arguments() {
    for args in [
        &["--listen", "nowhere"][..],
        &["--access-key", "only-id"],
        &["--frobnicate"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
    }
}

/// Starts the binary with `args`, returning it and its address.
async fn start_binary(args: &[&str]) -> (Running, SocketAddr) {
    let child = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let stdout = running.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line `{line}`"))
        .parse()
        .unwrap();
    (running, addr)
}

#[cfg(unix)]
fn interrupt(running: &mut Running) {
    let status = Command::new("kill")
        .args(["-INT", &running.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(running.0.wait().unwrap().success());
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_keeps_its_resources_in_the_state_file() {
    let dir = std::env::temp_dir().join(format!("ehpc-emulator-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let path = file.to_str().unwrap();

    let (mut running, addr) = start_binary(&["--state", path]).await;
    let mut params = common("CreateCluster");
    params.push(("Name".into(), "kept".into()));
    let created = get(addr, &signed("GET", SECRET, params)).await.json();
    let id = created["ClusterId"].as_str().unwrap().to_string();
    interrupt(&mut running);
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(&id), "{saved}");

    // A second run starts from the file.
    let (mut running, addr) = start_binary(&["--state", path]).await;
    let mut params = common("DescribeCluster");
    params.push(("ClusterId".into(), id.clone()));
    let described = get(addr, &signed("GET", SECRET, params)).await.json();
    assert_eq!(described["ClusterInfo"]["Name"], "kept");
    interrupt(&mut running);

    // A broken file is refused with its place, and left as it is.
    std::fs::write(&file, "{\n  \"model\": 7\n}\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
        .args(["--state", path])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{path}:2:")), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\n  \"model\": 7\n}\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An unsigned STS `AssumeRoleWithOIDC` with `token`.
fn assume_role_with_oidc(token: &str) -> Vec<(String, String)> {
    [
        ("Action", "AssumeRoleWithOIDC"),
        ("Version", "2015-04-01"),
        ("Format", "JSON"),
        ("RoleArn", "acs:ram::1234567890123456:role/hpc"),
        (
            "OIDCProviderArn",
            "acs:ram::1234567890123456:oidc-provider/ack-rrsa",
        ),
        ("OIDCToken", token),
        ("RoleSessionName", "pod"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

#[tokio::test]
async fn the_binary_accepts_oidc_tokens_from_each_issuer_it_is_given() {
    let first = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com/c1";
    let second = "https://oidc-ack-cn-beijing.oss-cn-beijing-internal.aliyuncs.com/c2";
    let (_running, addr) = start_binary(&["--oidc-issuer", first, "--oidc-issuer", second]).await;
    let hour = std::time::Duration::from_secs(3600);
    for issuer in [first, second] {
        let token = Emulator::oidc_token_from(issuer, "system:serviceaccount:hpc:pod", hour);
        let answer = get(addr, &assume_role_with_oidc(&token)).await;
        assert_eq!(answer.status, 200, "{}", answer.json());
        assert_eq!(answer.json()["OIDCTokenInfo"]["Issuer"], issuer);
        assert!(answer.json()["Credentials"]["SecurityToken"].is_string());
    }
    for unknown in [
        "https://elsewhere.invalid",
        ehpc_emulator::DEFAULT_OIDC_ISSUER,
    ] {
        let token = Emulator::oidc_token_from(unknown, "pod", hour);
        let answer = get(addr, &assume_role_with_oidc(&token)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "AuthenticationFail.OIDCToken.IssuerInvalid"),
            "{unknown}"
        );
    }

    let help = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--oidc-issuer URL"), "{help}");
    assert!(help.contains(ehpc_emulator::DEFAULT_OIDC_ISSUER), "{help}");
}

#[tokio::test]
async fn the_builder_adds_oidc_issuers_and_the_single_issuer_replaces_them() {
    use ehpc_emulator::DEFAULT_OIDC_ISSUER as DEFAULT;
    let (a, b, c) = (
        "https://a.invalid",
        "https://b.invalid",
        "https://c.invalid",
    );
    let hour = std::time::Duration::from_secs(3600);
    for (builder, accepted, refused) in [
        // The default issuer alone, until one is added.
        (Emulator::builder(), &[DEFAULT][..], &[a][..]),
        (
            Emulator::builder().add_oidc_issuer(a).add_oidc_issuer(b),
            &[a, b],
            &[DEFAULT, c],
        ),
        (
            Emulator::builder().add_oidc_issuer(a).oidc_issuer(b),
            &[b],
            &[DEFAULT, a],
        ),
    ] {
        let emulator = builder.start().await.unwrap();
        for issuer in accepted.iter().chain(refused) {
            let token = Emulator::oidc_token_from(issuer, "pod", hour);
            let answer = get(emulator.addr(), &assume_role_with_oidc(&token)).await;
            assert_eq!(answer.status == 200, accepted.contains(issuer), "{issuer}");
        }
        // The emulator's own tokens come from the first issuer.
        let own = emulator.oidc_token("pod");
        let answer = get(emulator.addr(), &assume_role_with_oidc(&own)).await;
        assert_eq!(answer.json()["OIDCTokenInfo"]["Issuer"], accepted[0]);
    }
}

#[tokio::test]
async fn flow_control_is_set_over_http_with_the_settings() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let limit = r#"{"qps": {"StopVisualService": {"rate": 0.001, "burst": 1}}}"#;
    assert_eq!(control(addr, "PUT", "settings", limit).await.status, 200);
    let settings = control(addr, "GET", "settings", "").await.json();
    assert_eq!(settings["qps"]["StopVisualService"]["burst"], 1);
    assert_eq!(
        get(addr, &signed("GET", SECRET, stop_visual_service()))
            .await
            .status,
        200
    );
    let refused = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(refused.code(), "Throttling.User");

    // Settings without `qps` keep the limits; a refused document changes
    // nothing, and says what is wrong.
    let slower = r#"{"job_queued_seconds": 7}"#;
    assert_eq!(control(addr, "PUT", "settings", slower).await.status, 200);
    assert_eq!(emulator.settings().job_queued_seconds, 7);
    assert_eq!(emulator.qps()["StopVisualService"].burst(), 1);
    let unknown = r#"{"job_queued_seconds": 9, "qps": {"MakeCoffee": {"rate": 1}}}"#;
    let answer = control(addr, "PUT", "settings", unknown).await;
    assert_eq!(answer.status, 400);
    assert!(answer.json()["error"]
        .as_str()
        .unwrap()
        .contains("MakeCoffee"));
    assert_eq!(emulator.settings().job_queued_seconds, 7);
    let negative = r#"{"qps": {"StopVisualService": {"rate": -5}}}"#;
    assert_eq!(control(addr, "PUT", "settings", negative).await.status, 400);
    // `{}` lifts every limit.
    assert_eq!(
        control(addr, "PUT", "settings", r#"{"qps": {}}"#)
            .await
            .status,
        200
    );
    assert!(emulator.qps().is_empty());
}

#[tokio::test]
async fn the_binary_limits_what_qps_says() {
    let (_running, addr) = start_binary(&["--qps", "StopVisualService=0.001:2"]).await;
    for _ in 0..2 {
        let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
        assert_eq!(answer.status, 200);
    }
    let answer = get(addr, &signed("GET", SECRET, stop_visual_service())).await;
    assert_eq!(answer.code(), "Throttling.User");
    for bad in ["StopVisualService", "StopVisualService=0", "MakeCoffee=5"] {
        let output = Command::new(env!("CARGO_BIN_EXE_ehpc-emulator"))
            .args(["--qps", bad])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("error: "), "{bad}: {stderr}");
        assert_ne!(output.status.code(), Some(0), "{bad}");
    }
}
