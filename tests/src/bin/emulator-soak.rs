//! `emulator-soak EMULATOR_BINARY [CALLS]`: starts the emulator binary on
//! loopback, sends it CALLS (default 100,000) well-formed calls through the
//! SDK, eight at a time, alternating signatures V1 and V3, and prints the
//! emulator's resident memory (VmRSS, Linux) as the run goes on. A
//! bounded load on 127.0.0.1 that stops by itself; the figures are a
//! measurement for the emulator's README, not a test.

use ehpc_sdk::{Client, Credentials, RetryConfig, SignatureVersion};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const CONCURRENCY: u64 = 8;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next() else {
        eprintln!("usage: emulator-soak EMULATOR_BINARY [CALLS]");
        return ExitCode::from(2);
    };
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let mut child = Command::new(&binary)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts");
    let pid = child.id();
    let mut first = String::new();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    output.read_line(&mut first).unwrap();
    // The emulator writes more; a closed pipe would stop it.
    std::thread::spawn(move || std::io::copy(&mut output, &mut std::io::sink()));
    let endpoint = first
        .trim()
        .strip_prefix("listening on ")
        .expect("the emulator prints its address")
        .to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = |version| {
            Client::builder()
                .endpoint(&endpoint)
                .credentials(Credentials::new(
                    ehpc_emulator::DEFAULT_ACCESS_KEY_ID,
                    ehpc_emulator::DEFAULT_ACCESS_KEY_SECRET,
                ))
                .signature_version(version)
                .retry_config(RetryConfig::disabled())
                .build()
                .unwrap()
        };
        let clients = Arc::new([client(SignatureVersion::V1), client(SignatureVersion::V3)]);
        let sent = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        println!("calls\tVmRSS (KiB)\tVmHWM (KiB)");
        println!("0\t{}\t{}", memory(pid, "VmRSS"), memory(pid, "VmHWM"));
        let step = calls / 10;
        let mut tasks = Vec::new();
        for worker in 0..CONCURRENCY {
            let (clients, sent, failed) = (clients.clone(), sent.clone(), failed.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let n = sent.fetch_add(1, Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    let client = &clients[((n + worker) % 2) as usize];
                    let answer = client
                        .stop_visual_service()
                        .cluster_id("ehpc-hz-jeJki6****")
                        .cidr_ip("192.168.0.0/24")
                        .port(12016)
                        .send()
                        .await;
                    if answer.is_err() {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                    if step > 0 && (n + 1) % step == 0 {
                        println!(
                            "{}\t{}\t{}",
                            n + 1,
                            memory(pid, "VmRSS"),
                            memory(pid, "VmHWM")
                        );
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        println!(
            "{calls} calls in {:.1} s, {} failed",
            started.elapsed().as_secs_f64(),
            failed.load(Ordering::Relaxed)
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    ExitCode::SUCCESS
}

/// A `Vm*` line of `/proc/PID/status`, in KiB.
fn memory(pid: u32, field: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "?".to_string())
}
