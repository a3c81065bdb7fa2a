//! A cluster's whole life against the in-process emulator, as an
//! application drives E-HPC: create a cluster, wait until it runs, add
//! compute nodes and wait for them, submit a job, wait for it to finish,
//! read its log, delete the cluster. Waiting polls the service; here the
//! emulator's clock is moved on between polls instead of sleeping, so the
//! whole life takes milliseconds.
//!
//! ```text
//! cargo run -p ehpc-sdk --example workflow
//! ```

use base64::Engine as _;
use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::{Client, Credentials};
use std::process::ExitCode;
use std::time::Duration;

/// How long the workflow would wait between polls against the service.
const POLL: Duration = Duration::from_secs(30);
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
    // Against the real service this would be `tokio::time::sleep(POLL)`.
    let pass_time = || emulator.advance_clock(POLL);

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

    let mut polls = 0;
    loop {
        let described = client
            .describe_cluster()
            .cluster_id(&cluster)
            .send()
            .await?;
        let status = described
            .cluster_info
            .and_then(|info| info.status)
            .unwrap_or_default();
        println!("wait for the cluster: {status}");
        if status == "running" {
            break;
        }
        polls = next_poll(polls, "the cluster to run")?;
        pass_time();
    }

    let added = client
        .add_nodes()
        .cluster_id(&cluster)
        .count(2)
        .instance_type("ecs.c7.large")
        .send()
        .await?;
    println!("add compute nodes: {}", added.instance_ids.join(", "));
    let mut polls = 0;
    loop {
        let listed = client.list_nodes().cluster_id(&cluster).send().await?;
        let statuses: Vec<String> = listed
            .nodes
            .iter()
            .map(|node| node.status.clone().unwrap_or_default())
            .collect();
        println!("wait for the nodes: {}", statuses.join(", "));
        if !statuses.is_empty() && statuses.iter().all(|s| s == "running") {
            break;
        }
        polls = next_poll(polls, "the nodes to run")?;
        pass_time();
    }

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
        let listed = client.list_jobs().cluster_id(&cluster).send().await?;
        let state = listed
            .jobs
            .iter()
            .find(|j| j.id.as_deref() == Some(job.as_str()))
            .and_then(|j| j.state.clone())
            .ok_or("the job is not listed")?;
        println!("wait for the job: {state}");
        if state == "FINISHED" {
            break;
        }
        polls = next_poll(polls, "the job to finish")?;
        pass_time();
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
    let gone = client.describe_cluster().cluster_id(&cluster).send().await;
    match gone.as_ref().map_err(|e| e.code()) {
        Err(Some("ClusterNotFound")) => println!("delete cluster: {cluster} is gone"),
        _ => return Err(format!("{cluster} is still there after DeleteCluster").into()),
    }
    Ok(())
}

fn next_poll(polls: u32, what: &str) -> Result<u32, Failure> {
    if polls + 1 >= MAX_POLLS {
        return Err(format!("gave up waiting for {what} after {MAX_POLLS} polls").into());
    }
    Ok(polls + 1)
}
