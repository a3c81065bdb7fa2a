//! Standard against adaptive retries under a `CreateJob` limit: 200 tasks
//! submit jobs to one cluster of an in-process emulator limited to 50,
//! 100 and 500 calls a second, and a Markdown table of the ratios is
//! printed (BENCHMARKS.md keeps one).
//!
//! ```text
//! cargo run --release -p ehpc-sdk --example load [CALLS]
//! ```
//!
//! `CALLS` per run, 1,000 unless given.

#[path = "support/load.rs"]
mod load;

use ehpc_sdk::RetryConfig;
use load::{Failure, Load};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Failure> {
    let calls = match std::env::args().nth(1) {
        Some(text) => text
            .parse()
            .map_err(|_| format!("`{text}` is not a number of calls"))?,
        None => 1000,
    };
    println!("| limit /s | mode | succeeded | throughput ÷ limit | throttled attempts | attempts a call | p99 latency |");
    println!("|---|---|---|---|---|---|---|");
    for limit in [50.0, 100.0, 500.0] {
        for (mode, retry) in [
            ("standard", RetryConfig::standard()),
            ("adaptive", RetryConfig::adaptive()),
        ] {
            let report = load::run(&Load {
                limit,
                tasks: 200,
                calls,
                retry,
            })
            .await?;
            println!(
                "| {limit} | {mode} | {:.1}% | {} | {:.1}% | {:.2} | {:.2} s |",
                100.0 * report.success_ratio(),
                report
                    .throughput_ratio()
                    .map_or("– (over in under 3 s)".to_string(), |r| format!("{r:.2}")),
                100.0 * report.throttled_ratio(),
                report.attempts_per_call(),
                report.p99().as_secs_f64()
            );
        }
    }
    Ok(())
}
