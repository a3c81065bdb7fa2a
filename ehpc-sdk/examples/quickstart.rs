//! One call of each API version end to end without a cloud account:
//! starts the local E-HPC emulator in this process, calls 2018-04-12
//! `StopVisualService` and 2024-07-30 `ListClusters` with one client, and
//! prints what was sent and what came back.
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
    // E-HPC 1.0 clusters: API version 2018-04-12.
    let stopped = client
        .v2018_04_12()
        .stop_visual_service()
        .cluster_id("ehpc-hz-jeJki6****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
        .send()
        .await;
    // E-HPC 2.0 clusters: API version 2024-07-30, through the same client.
    let listed = client
        .v2024_07_30()
        .list_clusters()
        .page_size(10)
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
    let stopped = stopped?;
    println!("\nreceived: StopVisualService (2018-04-12) succeeded");
    println!("  Message   = {}", stopped.message.as_deref().unwrap_or(""));
    println!("  RequestId = {}", stopped.request_id());
    let listed = listed?;
    println!("\nreceived: ListClusters (2024-07-30) succeeded");
    for cluster in &listed.clusters {
        println!(
            "  cluster   = {} ({})",
            cluster.cluster_id.as_deref().unwrap_or(""),
            cluster.cluster_name.as_deref().unwrap_or("")
        );
    }
    println!("  RequestId = {}", listed.request_id());
    Ok(())
}
