//! E-HPC Instant jobs for the tests: tasks of array executors on a VM
//! image, submitted through the SDK.

use ehpc_sdk::instant::v2023_07_01::operation::create_job::{
    ArraySpec, DeploymentPolicy, ExecutorPolicy, TaskExecutorItem, TaskSpec, TasksItem, Vm,
};
use ehpc_sdk::Client;
use std::time::Duration;

/// Far past every phase of a job with the default settings.
pub const SETTLE: Duration = Duration::from_secs(100_000);

/// The VM image the tasks run unless told otherwise.
pub const IMAGE: &str = "m-instant-tests";

/// A task of executors `start..=end` running `script` on `image`.
pub fn task(name: &str, start: i32, end: i32, image: &str) -> TasksItem {
    TasksItem::new()
        .task_name(name)
        .executor_policy(
            ExecutorPolicy::new().array_spec(
                ArraySpec::new()
                    .index_start(start)
                    .index_end(end)
                    .index_step(1),
            ),
        )
        .task_spec(TaskSpec::new().task_executor(vec![
            TaskExecutorItem::new().vm(Vm::new().image(image).script("ZWNobyBoZWxsbw==")),
        ]))
}

/// Submits a job of `tasks`, in `pool` when given; its id.
pub async fn submit(
    client: &Client,
    name: &str,
    tasks: Vec<TasksItem>,
    pool: Option<&str>,
) -> String {
    let mut call = client
        .instant_v2023_07_01()
        .create_job()
        .job_name(name)
        .tasks(tasks);
    if let Some(pool) = pool {
        call = call.deployment_policy(DeploymentPolicy::new().pool(pool));
    }
    call.send().await.unwrap().job_id.unwrap()
}

/// A job of one task `task0` with `count` executors, indexes from 0.
pub async fn array_job(client: &Client, count: i32, pool: Option<&str>) -> String {
    submit(
        client,
        "array",
        vec![task("task0", 0, count - 1, IMAGE)],
        pool,
    )
    .await
}

pub async fn job_status(client: &Client, job: &str) -> String {
    let answer = client
        .instant_v2023_07_01()
        .get_job()
        .job_id(job)
        .send()
        .await
        .unwrap();
    answer.job_info.unwrap().status.unwrap()
}

/// The statuses of a job's executors, in index order.
pub async fn executor_statuses(client: &Client, job: &str) -> Vec<String> {
    let answer = client
        .instant_v2023_07_01()
        .list_job_executors()
        .job_id(job)
        .page_size(100)
        .send()
        .await
        .unwrap();
    answer
        .executors
        .into_iter()
        .map(|e| e.status.unwrap())
        .collect()
}
