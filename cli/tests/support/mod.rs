//! The emulator binary on a free port, `ehpc` run against it, and the
//! emulator's control API over plain HTTP.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

pub const EHPC: &str = env!("CARGO_BIN_EXE_ehpc");

/// The workspace's `target/<profile>/`, where `ehpc` was built.
fn bin_dir() -> PathBuf {
    PathBuf::from(EHPC)
        .parent()
        .expect("a directory")
        .to_path_buf()
}

/// The emulator binary, built first when this package is tested alone.
fn emulator_binary() -> PathBuf {
    let path = bin_dir().join("ehpc-emulator");
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "ehpc-emulator", "--bin", "ehpc-emulator"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the emulator builds");
    }
    path
}

/// A running `ehpc-emulator`, stopped when dropped.
pub struct Emulator {
    child: Child,
    pub endpoint: String,
    address: String,
}

impl Emulator {
    pub fn start(extra: &[&str]) -> Emulator {
        let mut child = Command::new(emulator_binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the emulator starts");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let endpoint = loop {
            let line = lines
                .next()
                .expect("the emulator prints its address")
                .expect("text");
            if let Some(address) = line.strip_prefix("listening on ") {
                break address.trim().to_string();
            }
        };
        // Keep reading so the emulator never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let address = endpoint.trim_start_matches("http://").to_string();
        Emulator {
            child,
            endpoint,
            address,
        }
    }

    /// Every lifecycle phase one second long, jobs ending as `job_outcome`.
    pub fn short_lifecycles(&self, job_outcome: &str) {
        let settings = format!(
            r#"{{"cluster_creating_seconds":1,"cluster_initializing_seconds":1,"node_installing_seconds":1,"node_initializing_seconds":1,"job_queued_seconds":1,"job_running_seconds":1,"job_outcome":"{job_outcome}"}}"#
        );
        self.control("PUT", "/__emulator/settings", &settings);
    }

    /// One request to the control API; the answer's body.
    pub fn control(&self, method: &str, path: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).expect("the emulator listens");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .expect("written");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        assert!(head.starts_with("HTTP/1.1 2"), "{method} {path}: {head}");
        body.to_string()
    }

    /// The actions of the requests the emulator logged.
    pub fn logged_actions(&self) -> Vec<String> {
        let log: serde_json::Value =
            serde_json::from_str(&self.control("GET", "/__emulator/requests", "")).expect("JSON");
        log.as_array()
            .expect("a list")
            .iter()
            .filter_map(|r| r["action"].as_str().map(str::to_string))
            .collect()
    }

    /// `ehpc` with the emulator's endpoint, region and key.
    pub fn ehpc(&self) -> Command {
        let mut command = ehpc();
        command
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-key")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
            .args(["--endpoint", &self.endpoint, "--region", "cn-hangzhou"]);
        command
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ehpc` with no credentials or configuration from this machine.
pub fn ehpc() -> Command {
    let mut command = Command::new(EHPC);
    let home = std::env::temp_dir().join("ehpc-cli-tests-home");
    std::fs::create_dir_all(&home).expect("a home");
    command
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    command
}

/// Runs `command` with `args`; its output.
pub fn run(mut command: Command, args: &[&str]) -> Output {
    command.args(args).output().expect("ehpc runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The exit code, with the output shown when it is not `expected`.
pub fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(
        output.status.code(),
        Some(expected),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Runs and expects exit 0 and a JSON answer.
pub fn json(command: Command, args: &[&str]) -> serde_json::Value {
    let output = run(command, args);
    assert_exit(&output, 0);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", stdout(&output)))
}

/// Expects exit `code` with every one of `texts` on stderr.
pub fn assert_failed(output: &Output, code: i32, texts: &[&str]) {
    assert_exit(output, code);
    let stderr = stderr(output);
    for text in texts {
        assert!(stderr.contains(text), "`{text}` not in:\n{stderr}");
    }
}
