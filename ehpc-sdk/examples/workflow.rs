//! An E-HPC 2.0 cluster's whole life against the in-process emulator, as
//! an application drives it: create a cluster, wait until it runs, add
//! compute nodes and wait for them, submit a job, wait for it to finish,
//! list the cluster's jobs, read the job's log, delete the cluster and wait
//! until it is gone.
//!
//! Waiting uses the generated waiters (`wait_until_*`). Against the service
//! they sleep between polls; here they take their time from an
//! [`EmulatorClock`], which moves the emulator's clock on instead of
//! sleeping, so the whole life takes milliseconds.
//!
//! ```text
//! cargo run -p ehpc-sdk --example workflow
//! ```

use base64::Engine as _;
use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::v2024_07_30::operation::create_job::{JobSpec, Resources};
use ehpc_sdk::v2024_07_30::operation::create_nodes::ComputeNode;
use ehpc_sdk::{Client, Credentials};
use std::process::ExitCode;
use std::time::Duration;

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
    let ehpc = client.v2024_07_30();
    let clock = EmulatorClock::new(emulator.endpoint());
    // What each wait took, in emulator time.
    let waited = |mark: usize| {
        let recent = &clock.pauses()[mark..];
        let time: Duration = recent.iter().sum();
        format!("after {} s, {} pauses", time.as_secs(), recent.len())
    };

    let created = ehpc
        .create_cluster()
        .cluster_name("workflow-demo")
        .cluster_description("created by the workflow example")
        .send()
        .await?;
    let cluster = created
        .cluster_id
        .ok_or("CreateCluster answered no ClusterId")?;
    println!("create cluster: {cluster}");

    let mark = clock.pauses().len();
    let running = ehpc
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(1800))
        .clock(clock.clone())
        .wait()
        .await?;
    println!(
        "cluster running: {} {}",
        running.cluster_status.unwrap_or_default(),
        waited(mark)
    );

    let nodes = ehpc
        .create_nodes()
        .cluster_id(&cluster)
        .queue_name("comp")
        .count(2)
        .compute_node(ComputeNode::new().instance_type("ecs.c7.large"))
        .send()
        .await?;
    println!("create nodes: {}", nodes.instance_ids.join(", "));

    let mark = clock.pauses().len();
    let listed = ehpc
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
    println!("nodes running: {} {}", statuses.join(", "), waited(mark));

    let submitted = ehpc
        .create_job()
        .cluster_id(&cluster)
        .job_name("hello")
        .job_spec(
            JobSpec::new()
                .command_line("echo hello from E-HPC 2.0")
                .runas_user("root")
                .job_queue("comp")
                .resources(Resources::new().nodes(1).cores(2)),
        )
        .send()
        .await?;
    let job = submitted.job_id.ok_or("CreateJob answered no JobId")?;
    println!("submit job: {job}");

    let mark = clock.pauses().len();
    let finished = ehpc
        .wait_until_job_finished()
        .cluster_id(&cluster)
        .job_id(&job)
        .clock(clock.clone())
        .wait()
        .await?;
    let state = finished.job_info.and_then(|info| info.state);
    println!(
        "job finished: {} {}",
        state.unwrap_or_default(),
        waited(mark)
    );

    // Every job of the cluster, page after page.
    let mut jobs = ehpc
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(20)
        .items();
    while let Some(listed) = jobs.next().await {
        let listed = listed?;
        let spec = listed.job_spec.unwrap_or_default();
        println!(
            "list jobs: {} {} {}",
            spec.id.unwrap_or_default(),
            listed.job_name.unwrap_or_default(),
            spec.state.unwrap_or_default()
        );
    }

    let log = ehpc
        .get_job_log()
        .cluster_id(&cluster)
        .job_id(&job)
        .send()
        .await?;
    let output =
        base64::engine::general_purpose::STANDARD.decode(log.stdout_log.unwrap_or_default())?;
    println!(
        "job output: {}",
        String::from_utf8_lossy(&output).trim_end()
    );

    ehpc.delete_cluster().cluster_id(&cluster).send().await?;
    let mark = clock.pauses().len();
    ehpc.wait_until_cluster_deleted()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await?;
    println!("delete cluster: {cluster} is gone {}", waited(mark));
    Ok(())
}
