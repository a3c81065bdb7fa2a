//! An E-HPC 1.0 cluster's whole life (API version 2018-04-12) against the
//! in-process emulator: create a cluster, wait until it runs, add compute
//! nodes and wait for them, submit a job, wait for it to finish, read its
//! log, delete the cluster and wait until it is gone.
//!
//! The cluster and its nodes are waited for with the generated waiters,
//! whose time comes from an [`EmulatorClock`] that moves the emulator's
//! clock on instead of sleeping. 2018-04-12 has no operation that reports
//! one job's state, so the job is followed by listing the cluster's jobs
//! page by page, moving the clock on between polls. The E-HPC 2.0 version
//! of this workflow is the `workflow` example.
//!
//! ```text
//! cargo run -p ehpc-sdk --example workflow_2018_04_12
//! ```

use base64::Engine as _;
use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::{Client, Credentials};
use std::process::ExitCode;
use std::time::Duration;

/// How long the workflow waits between polls for the job.
const POLL: Duration = Duration::from_secs(10);
/// Polls before giving up on a state.
const MAX_POLLS: u32 = 40;

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

type Failure = Box<dyn std::error::Error>;

async fn run() -> Result<(), Failure> {
    let emulator = Emulator::start().await?;
    println!("emulator: {}", emulator.endpoint());
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .build()?;
    let v1 = client.v2018_04_12();
    let clock = EmulatorClock::new(emulator.endpoint());

    let created = client
        .create_cluster()
        .name("workflow-demo")
        .description("created by the workflow example")
        .send()
        .await?;
    let cluster = created
        .cluster_id
        .ok_or("CreateCluster answered no ClusterId")?;
    println!("create cluster: {cluster}");

    let running = v1
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await?;
    let status = running.cluster_info.and_then(|info| info.status);
    println!("cluster running: {}", status.unwrap_or_default());

    let added = client
        .add_nodes()
        .cluster_id(&cluster)
        .count(2)
        .instance_type("ecs.c7.large")
        .send()
        .await?;
    println!("add compute nodes: {}", added.instance_ids.join(", "));
    let listed = v1
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await?;
    let statuses: Vec<String> = listed
        .nodes
        .iter()
        .map(|node| node.status.clone().unwrap_or_default())
        .collect();
    println!("nodes running: {}", statuses.join(", "));

    let submitted = client
        .submit_job()
        .cluster_id(&cluster)
        .name("hello")
        .command_line("echo hello from E-HPC")
        .runas_user("root")
        .send()
        .await?;
    let job = submitted.job_id.ok_or("SubmitJob answered no JobId")?;
    println!("submit job: {job}");
    let mut polls = 0;
    loop {
        let state = job_state(&client, &cluster, &job)
            .await?
            .ok_or("the job is not listed")?;
        println!("wait for the job: {state}");
        if state == "FINISHED" {
            break;
        }
        polls = next_poll(polls, "the job to finish")?;
        // Against the service: `tokio::time::sleep(POLL).await`.
        emulator.advance_clock(POLL);
    }

    let log = client
        .get_job_log()
        .cluster_id(&cluster)
        .job_id(&job)
        .send()
        .await?;
    let output =
        base64::engine::general_purpose::STANDARD.decode(log.output_log.unwrap_or_default())?;
    println!(
        "job output: {}",
        String::from_utf8_lossy(&output).trim_end()
    );

    client.delete_cluster().cluster_id(&cluster).send().await?;
    v1.wait_until_cluster_deleted()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await?;
    println!("delete cluster: {cluster} is gone");
    Ok(())
}

/// The job's state, from the cluster's job list read page by page.
async fn job_state(client: &Client, cluster: &str, job: &str) -> Result<Option<String>, Failure> {
    let mut jobs = client
        .list_jobs()
        .cluster_id(cluster)
        .into_paginator()
        .page_size(50)
        .items();
    while let Some(listed) = jobs.next().await {
        let listed = listed?;
        if listed.id.as_deref() == Some(job) {
            return Ok(listed.state);
        }
    }
    Ok(None)
}

fn next_poll(polls: u32, what: &str) -> Result<u32, Failure> {
    if polls + 1 >= MAX_POLLS {
        return Err(format!("gave up waiting for {what} after {MAX_POLLS} polls").into());
    }
    Ok(polls + 1)
}
