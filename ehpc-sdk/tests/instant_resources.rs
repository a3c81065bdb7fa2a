//! E-HPC Instant's pools, images, job templates and record duration
//! against the stateful emulator, through the SDK, and the refusals of
//! what it does not know.

mod support;

use ehpc_emulator::{Emulator, Fault, Times, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};
use ehpc_sdk::instant::v2023_07_01::operation::{
    add_image, create_job_template, create_pool, update_pool,
};
use ehpc_sdk::{Client, Credentials, SignatureVersion};
use std::time::Duration;
use support::instant::{array_job, executor_statuses, job_status, submit, task, SETTLE};
use support::{start, start_with};

async fn working_pool(emulator: &Emulator, client: &Client, name: &str, limit: i32) {
    client
        .instant_v2023_07_01()
        .create_pool()
        .pool_name(name)
        .resource_limits(create_pool::ResourceLimits::new().max_executor_num(limit))
        .send()
        .await
        .unwrap();
    emulator.advance_clock(Duration::from_secs(600));
}

/// `(Initing + Running, Pending, Succeeded)` of a job's executors.
async fn spread(client: &Client, job: &str) -> (usize, usize, usize) {
    let statuses = executor_statuses(client, job).await;
    let count = |states: &[&str]| {
        statuses
            .iter()
            .filter(|s| states.contains(&s.as_str()))
            .count()
    };
    (
        count(&["Initing", "Running"]),
        count(&["Pending"]),
        count(&["Succeeded"]),
    )
}

#[tokio::test]
async fn a_pool_runs_no_more_executors_than_its_limit() {
    let (emulator, client) = start().await;
    working_pool(&emulator, &client, "two", 2).await;
    let job = array_job(&client, 5, Some("two")).await;
    // Default settings: each executor takes 5 s to leave pending, then
    // 30 s initing and 60 s running.
    emulator.advance_clock(Duration::from_secs(10));
    assert_eq!(spread(&client, &job).await, (2, 3, 0));
    let pool = client
        .instant_v2023_07_01()
        .get_pool()
        .pool_name("two")
        .send()
        .await
        .unwrap()
        .pool_info
        .unwrap();
    assert_eq!(
        (pool.executor_usage, pool.max_executor_num),
        (Some(2), Some(2))
    );
    assert_eq!(pool.status.as_deref(), Some("Working"));
    emulator.advance_clock(Duration::from_secs(90));
    assert_eq!(spread(&client, &job).await, (2, 1, 2));
    emulator.advance_clock(Duration::from_secs(90));
    assert_eq!(spread(&client, &job).await, (1, 0, 4));
    emulator.advance_clock(SETTLE);
    assert_eq!(job_status(&client, &job).await, "Succeeded");

    // A job outside the pool is not held back by it.
    let free = array_job(&client, 5, None).await;
    emulator.advance_clock(Duration::from_secs(10));
    assert_eq!(spread(&client, &free).await, (5, 0, 0));
}

#[tokio::test]
async fn raising_a_pool_limit_lets_waiting_executors_start() {
    let (emulator, client) = start().await;
    working_pool(&emulator, &client, "one", 1).await;
    let job = array_job(&client, 3, Some("one")).await;
    emulator.advance_clock(Duration::from_secs(10));
    assert_eq!(spread(&client, &job).await, (1, 2, 0));
    let instant = client.instant_v2023_07_01();
    instant
        .update_pool()
        .pool_name("one")
        .resource_limits(update_pool::ResourceLimits::new().max_executor_num(3))
        .send()
        .await
        .unwrap();
    let pool = instant
        .get_pool()
        .pool_name("one")
        .send()
        .await
        .unwrap()
        .pool_info
        .unwrap();
    assert_eq!(pool.status.as_deref(), Some("Updating"));
    emulator.advance_clock(Duration::from_secs(1));
    assert_eq!(spread(&client, &job).await, (3, 0, 0));
    // A pool with jobs under way cannot be deleted.
    let error = instant
        .delete_pool()
        .pool_name("one")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
}

#[tokio::test]
async fn pools_are_listed_and_refused_when_unknown() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    working_pool(&emulator, &client, "a", 4).await;
    instant.create_pool().pool_name("b").send().await.unwrap();
    let listed = instant.list_pools().send().await.unwrap();
    let pools: Vec<(String, String)> = listed
        .pool_list
        .iter()
        .map(|p| (p.pool_name.clone().unwrap(), p.status.clone().unwrap()))
        .collect();
    assert_eq!(
        pools,
        [
            ("a".into(), "Working".into()),
            ("b".into(), "Creating".into())
        ]
    );
    assert_eq!(listed.total_count, Some(2));
    let taken = instant
        .create_pool()
        .pool_name("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(taken.code(), Some("InvalidParams"));
    let unknown = instant.get_pool().pool_name("zz").send().await.unwrap_err();
    assert_eq!(unknown.code(), Some("InvalidParams"));
    let error = client
        .instant_v2023_07_01()
        .create_job()
        .job_name("lost")
        .tasks(vec![task("task0", 0, 0, "m-x")])
        .deployment_policy(
            ehpc_sdk::instant::v2023_07_01::operation::create_job::DeploymentPolicy::new()
                .pool("zz"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
}

#[tokio::test]
async fn an_image_is_in_use_while_a_job_runs_it() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let added = instant
        .add_image()
        .name("app")
        .image_version("v1")
        .vm_image_spec(add_image::VmImageSpec::new().image_id("m-app"))
        .send()
        .await
        .unwrap();
    let image = added.image_id.unwrap();
    let got = instant
        .get_image()
        .image_id(&image)
        .send()
        .await
        .unwrap()
        .image
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("app"));
    assert_eq!(got.image_type.as_deref(), Some("VM"));
    assert_eq!(
        got.vm_image_spec.unwrap().image_id.as_deref(),
        Some("m-app")
    );
    let listed = instant.list_images().send().await.unwrap();
    assert_eq!(listed.images.len(), 1);
    assert_eq!(listed.images[0].image_id.as_deref(), Some(image.as_str()));

    // Jobs name the image by its id or by the image it stands for.
    let job = submit(&client, "uses", vec![task("task0", 0, 1, "m-app")], None).await;
    let error = instant
        .remove_image()
        .image_id(&image)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ImageInUse"));
    emulator.advance_clock(SETTLE);
    assert_eq!(job_status(&client, &job).await, "Succeeded");
    instant
        .remove_image()
        .image_id(&image)
        .send()
        .await
        .unwrap();
    let error = instant
        .get_image()
        .image_id(&image)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ImageNotFound"));
    let error = instant
        .remove_image()
        .image_id(&image)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ImageNotFound"));
}

#[tokio::test]
async fn job_templates_are_kept_changed_and_deleted() {
    let (_emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let config = create_job_template::JobTemplateConfig::new().job_name("from-template");
    let id = instant
        .create_job_template()
        .job_template_name("nightly")
        .job_template_description("runs at night")
        .job_template_config(config)
        .send()
        .await
        .unwrap()
        .job_template_id
        .unwrap();
    let got = instant
        .get_job_template()
        .job_template_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.job_template_name.as_deref(), Some("nightly"));
    assert_eq!(
        got.job_template_description.as_deref(),
        Some("runs at night")
    );
    assert_eq!(
        got.job_template_config.unwrap().job_name.as_deref(),
        Some("from-template")
    );
    instant
        .update_job_template()
        .job_template_id(&id)
        .job_template_name("weekly")
        .send()
        .await
        .unwrap();
    let listed = instant.list_job_templates().send().await.unwrap();
    assert_eq!(listed.total_count, Some(1));
    assert_eq!(
        listed.job_templates[0].job_template_name.as_deref(),
        Some("weekly")
    );
    instant
        .delete_job_template()
        .job_template_id(&id)
        .send()
        .await
        .unwrap();
    let error = instant
        .get_job_template()
        .job_template_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
}

#[tokio::test]
async fn the_record_duration_is_kept() {
    let (_emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    instant
        .update_job_record_duration()
        .job_record_duration(30)
        .send()
        .await
        .unwrap();
    let got = instant.get_job_record_duration().send().await.unwrap();
    assert_eq!(got.job_record_duration, Some(30));
    let error = instant
        .update_job_record_duration()
        .job_record_duration(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
}

#[tokio::test]
async fn unknown_jobs_are_job_not_found() {
    let (_emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let get = instant
        .get_job()
        .job_id("job-none")
        .send()
        .await
        .unwrap_err();
    assert_eq!(get.code(), Some("JobNotFound"));
    let executors = instant
        .list_job_executors()
        .job_id("job-none")
        .send()
        .await
        .unwrap_err();
    assert_eq!(executors.code(), Some("JobNotFound"));
    let spec = ehpc_sdk::instant::v2023_07_01::operation::delete_jobs::JobSpecItem::new()
        .job_id("job-none");
    let delete = instant
        .delete_jobs()
        .job_spec(vec![spec])
        .send()
        .await
        .unwrap_err();
    assert_eq!(delete.code(), Some("JobNotFound"));
    let records = instant
        .delete_job_records()
        .job_ids(vec!["job-none".into()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(records.code(), Some("JobNotFound"));
}

#[tokio::test]
async fn operations_on_nothing_the_model_holds_answer_from_their_schema() {
    let (_emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    // No such job, yet the metrics answer, as their examples do.
    instant
        .describe_job_metric_last()
        .job_id("job-none")
        .array_index(vec![0])
        .task_name("task0")
        .send()
        .await
        .unwrap();
    instant.list_action_plans().send().await.unwrap();
}

#[tokio::test]
async fn the_state_dump_carries_instant_resources() {
    let (emulator, client) = start().await;
    working_pool(&emulator, &client, "kept", 3).await;
    let job = array_job(&client, 2, Some("kept")).await;
    let dump = emulator.dump_state();
    let (second, again) = start_with(Emulator::builder().start().await.unwrap());
    second.load_state(&dump).unwrap();
    second.advance_clock(Duration::from_secs(
        emulator.settings().job_queued_seconds + 1,
    ));
    assert_eq!(job_status(&again, &job).await, "Initing");
    let pool = again
        .instant_v2023_07_01()
        .get_pool()
        .pool_name("kept")
        .send()
        .await
        .unwrap();
    assert_eq!(pool.pool_info.unwrap().executor_usage, Some(2));
}

#[tokio::test]
async fn signature_v3_faults_and_the_request_log_apply_as_for_e_hpc() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .region("cn-hangzhou")
        .credentials(Credentials::new(
            DEFAULT_ACCESS_KEY_ID,
            DEFAULT_ACCESS_KEY_SECRET,
        ))
        .signature_version(SignatureVersion::V3)
        .build()
        .unwrap();
    let job = array_job(&client, 2, None).await;
    assert_eq!(job_status(&client, &job).await, "Pending");
    emulator
        .inject(
            "GetJob",
            Fault::service_error("JobNotFound"),
            Times::Next(1),
        )
        .unwrap();
    let error = client
        .instant_v2023_07_01()
        .get_job()
        .job_id(&job)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("JobNotFound"));
    let logged = emulator.requests();
    let created = logged
        .iter()
        .find(|r| r.action.as_deref() == Some("CreateJob"))
        .unwrap();
    assert_eq!(created.param("JobName"), Some("array"));
    assert_eq!(logged.last().unwrap().code.as_deref(), Some("JobNotFound"));
}
