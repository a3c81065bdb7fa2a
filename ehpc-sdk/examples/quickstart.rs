//! Calls `StopVisualService` end to end without a cloud account: starts
//! the local E-HPC emulator in this process, calls it with the real client,
//! and prints what was sent and what came back.
//!
//! ```text
//! cargo run -p ehpc-sdk --example quickstart
//! ```

use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::{Client, Credentials};
use std::process::ExitCode;

/// Parameters that only prove the request's authenticity; not worth
/// printing (the secret itself never leaves the client).
const NOT_SHOWN: &[&str] = &["Signature", "SecurityToken"];

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start().await?;
    println!("E-HPC emulator listening on {}", emulator.endpoint());

    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .build()?;
    let result = client
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
        .send()
        .await;

    for request in emulator.requests() {
        println!(
            "\nsent: {} {}",
            request.method,
            request.action.as_deref().unwrap_or("(no action)")
        );
        for (name, value) in &request.params {
            if !NOT_SHOWN.contains(&name.as_str()) {
                println!("  {name} = {value}");
            }
        }
    }
    let answer = result?;
    println!("\nreceived: StopVisualService succeeded");
    println!("  Message   = {}", answer.message.as_deref().unwrap_or(""));
    println!("  RequestId = {}", answer.request_id());
    Ok(())
}
