//! An E-HPC Instant array job's whole life against the in-process
//! emulator: submit a job of ten executors, wait until it finishes, page
//! through its executors, read what one of them printed, and delete the
//! job.
//!
//! Waiting uses the generated waiter (`wait_until_job_finished`), which
//! takes its time from an [`EmulatorClock`]: its pauses move the
//! emulator's clock on instead of sleeping, so the job's life takes
//! milliseconds.
//!
//! ```text
//! cargo run -p ehpc-sdk --example workflow_instant
//! ```

use base64::Engine as _;
use ehpc_emulator::{Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::instant::v2023_07_01::operation::create_job::{
    ArraySpec, ExecutorPolicy, Resource, TaskExecutorItem, TaskSpec, TasksItem, Vm,
};
use ehpc_sdk::instant::v2023_07_01::operation::delete_jobs::JobSpecItem;
use ehpc_sdk::instant::v2023_07_01::operation::list_executors::Filter;
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::{Client, Credentials};
use std::process::ExitCode;
use std::sync::Arc;

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
    let emulator = Arc::new(Emulator::start().await?);
    println!("emulator: {}", emulator.endpoint());
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .build()?;
    let instant = client.instant_v2023_07_01();
    let clock = EmulatorClock::new(emulator.endpoint());

    // The script every executor runs, base64 as the service takes it.
    let script = base64::engine::general_purpose::STANDARD.encode("echo hello from E-HPC Instant");
    let task = TasksItem::new()
        .task_name("task0")
        .executor_policy(
            ExecutorPolicy::new()
                .array_spec(ArraySpec::new().index_start(0).index_end(9).index_step(1)),
        )
        .task_spec(
            TaskSpec::new()
                .resource(Resource::new().cores(2.0).memory(4.0))
                .task_executor(vec![
                    TaskExecutorItem::new().vm(Vm::new().image("m-demo").script(script))
                ]),
        );
    let submitted = instant
        .create_job()
        .job_name("array-demo")
        .tasks(vec![task])
        .send()
        .await?;
    let job = submitted.job_id.ok_or("CreateJob answered no JobId")?;
    let executors: usize = submitted.tasks.iter().map(|t| t.executor_ids.len()).sum();
    println!("submit job: {job}, {executors} executors");

    let finished = instant
        .wait_until_job_finished()
        .job_id(&job)
        .clock(clock.clone())
        .wait()
        .await?;
    let (pauses, waited) = (clock.pauses().len(), clock.elapsed());
    let status = finished.job_info.and_then(|info| info.status);
    println!(
        "job finished: {} after {} s, {pauses} pauses",
        status.unwrap_or_default(),
        waited.as_secs()
    );

    // The job's executors, four a page.
    let mut pages = instant
        .list_executors()
        .filter(Filter::new().job_name("array-demo"))
        .into_paginator()
        .page_size(4)
        .items();
    while let Some(executor) = pages.next().await {
        let executor = executor?;
        println!(
            "list executors: {} {}",
            executor.executor_id.unwrap_or_default(),
            executor.status.unwrap_or_default()
        );
    }

    let result = instant
        .describe_job_results()
        .job_id(&job)
        .task_name("task0")
        .array_index(3)
        .send()
        .await?;
    println!(
        "job results: exit code {}, output {:?}",
        result.exit_code.unwrap_or_default(),
        result.output.unwrap_or_default().trim_end()
    );

    instant
        .delete_jobs()
        .job_spec(vec![JobSpecItem::new().job_id(&job)])
        .send()
        .await?;
    let deleted = instant.get_job().job_id(&job).send().await?;
    let status = deleted.job_info.and_then(|info| info.status);
    println!("delete job: {job} is {}", status.unwrap_or_default());
    Ok(())
}
