//! E-HPC Instant jobs against the stateful emulator, through the SDK:
//! their lives by the emulator's clock, array executors and their ids,
//! counts by state, deletes, results and events.

mod support;

use ehpc_emulator::{JobOutcome, StartOutcome};
use ehpc_sdk::instant::v2023_07_01::operation::delete_jobs::{JobSpecItem, TaskSpecItem};
use ehpc_sdk::instant::v2023_07_01::operation::list_executor_events;
use ehpc_sdk::instant::v2023_07_01::operation::list_executors::Filter;
use std::time::Duration;
use support::instant::{array_job, executor_statuses, job_status, submit, task, IMAGE, SETTLE};
use support::start;

#[tokio::test]
async fn a_job_goes_from_pending_to_succeeded_by_the_clock() {
    let (emulator, client) = start().await;
    let job = array_job(&client, 3, None).await;
    assert_eq!(job_status(&client, &job).await, "Pending");
    // Default settings: 5 s pending, 30 s initing, 60 s running.
    for (seconds, state) in [(5, "Initing"), (30, "Running"), (60, "Succeeded")] {
        emulator.advance_clock(Duration::from_secs(seconds));
        assert_eq!(job_status(&client, &job).await, state);
        assert_eq!(executor_statuses(&client, &job).await, [state; 3]);
    }
    let info = client
        .instant_v2023_07_01()
        .get_job()
        .job_id(&job)
        .send()
        .await
        .unwrap()
        .job_info
        .unwrap();
    assert_eq!(info.job_name.as_deref(), Some("array"));
    assert!(!info.start_time.unwrap().is_empty());
    assert!(!info.end_time.unwrap().is_empty());
    let task = &info.tasks[0];
    assert_eq!(task.task_name.as_deref(), Some("task0"));
    let indexes: Vec<i32> = task
        .executor_status
        .iter()
        .map(|s| s.array_id.unwrap())
        .collect();
    assert_eq!(indexes, [0, 1, 2]);
}

#[tokio::test]
async fn failing_and_broken_executors_end_the_job_so() {
    let (emulator, client) = start().await;
    let mut settings = emulator.settings();
    settings.job_outcome = JobOutcome::Failed;
    emulator.set_settings(settings);
    let failed = array_job(&client, 2, None).await;
    settings.node_outcome = StartOutcome::Exception;
    emulator.set_settings(settings);
    let broken = array_job(&client, 2, None).await;
    emulator.advance_clock(Duration::from_secs(35));
    assert_eq!(job_status(&client, &failed).await, "Running");
    // A machine that never starts breaks when it would have run.
    assert_eq!(job_status(&client, &broken).await, "Exception");
    emulator.advance_clock(SETTLE);
    assert_eq!(job_status(&client, &failed).await, "Failed");
    assert_eq!(executor_statuses(&client, &broken).await, ["Exception"; 2]);
}

#[tokio::test]
async fn executors_are_one_per_index_with_ids_of_job_task_and_index() {
    let (_emulator, client) = start().await;
    let single = ehpc_sdk::instant::v2023_07_01::operation::create_job::TasksItem::new()
        .task_name("single")
        .task_spec(task("x", 0, 0, IMAGE).task_spec.unwrap());
    let created = client
        .instant_v2023_07_01()
        .create_job()
        .job_name("shapes")
        .tasks(vec![task("task0", 2, 4, IMAGE), single])
        .send()
        .await
        .unwrap();
    let job = created.job_id.unwrap();
    let ids: Vec<Vec<String>> = created
        .tasks
        .iter()
        .map(|t| t.executor_ids.clone())
        .collect();
    assert_eq!(
        ids,
        [
            vec![
                format!("{job}-task0-2"),
                format!("{job}-task0-3"),
                format!("{job}-task0-4")
            ],
            vec![format!("{job}-single-0")],
        ]
    );
    let listed = client
        .instant_v2023_07_01()
        .list_executors()
        .filter(Filter::new().job_name("shapes"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.total_count.as_deref(), Some("4"));
    let shown: Vec<(String, String, i32)> = listed
        .executors
        .iter()
        .map(|e| {
            (
                e.executor_id.clone().unwrap(),
                e.task_name.clone().unwrap(),
                e.array_index.unwrap(),
            )
        })
        .collect();
    assert_eq!(shown[0], (format!("{job}-task0-2"), "task0".to_string(), 2));
    assert_eq!(
        shown[3],
        (format!("{job}-single-0"), "single".to_string(), 0)
    );
    assert!(listed
        .executors
        .iter()
        .all(|e| e.job_id.as_deref() == Some(job.as_str())));
    let other = client
        .instant_v2023_07_01()
        .list_executors()
        .filter(Filter::new().job_name("none such"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.total_count.as_deref(), Some("0"));
    assert!(other.executors.is_empty());
}

#[tokio::test]
async fn job_executors_are_counted_by_state_and_paged() {
    let (emulator, client) = start().await;
    let job = array_job(&client, 5, None).await;
    let delete_one = JobSpecItem::new()
        .job_id(&job)
        .task_spec(vec![TaskSpecItem::new()
            .task_name("task0")
            .array_index(vec![4])]);
    let instant = client.instant_v2023_07_01();
    instant
        .delete_jobs()
        .job_spec(vec![delete_one])
        .send()
        .await
        .unwrap();
    emulator.advance_clock(Duration::from_secs(10));
    let page = instant
        .list_job_executors()
        .job_id(&job)
        .page_number(2)
        .page_size(3)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count.as_deref(), Some("5"));
    let indexes: Vec<i32> = page
        .executors
        .iter()
        .map(|e| e.array_index.unwrap())
        .collect();
    assert_eq!(indexes, [3, 4]);
    let counts = page.executor_status.unwrap();
    assert_eq!(
        (counts.initing, counts.deleted, counts.pending),
        (Some(4), Some(1), Some(0))
    );
    assert_eq!(counts.succeeded, Some(0));
}

#[tokio::test]
async fn deletes_go_by_job_by_task_index_and_by_executor_id() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let job = array_job(&client, 4, None).await;
    let by_index = JobSpecItem::new()
        .job_id(&job)
        .task_spec(vec![TaskSpecItem::new()
            .task_name("task0")
            .array_index(vec![1])]);
    instant
        .delete_jobs()
        .job_spec(vec![by_index])
        .send()
        .await
        .unwrap();
    instant
        .delete_jobs()
        .executor_ids(vec![format!("{job}-task0-2")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        executor_statuses(&client, &job).await,
        ["Pending", "Deleted", "Deleted", "Pending"]
    );
    // All or none: an unknown index deletes nothing.
    let unknown = JobSpecItem::new()
        .job_id(&job)
        .task_spec(vec![TaskSpecItem::new()
            .task_name("task0")
            .array_index(vec![0, 9])]);
    let error = instant
        .delete_jobs()
        .job_spec(vec![unknown])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
    assert_eq!(executor_statuses(&client, &job).await[0], "Pending");
    emulator.advance_clock(SETTLE);
    assert_eq!(job_status(&client, &job).await, "Succeeded");

    let whole = array_job(&client, 2, None).await;
    let error = instant
        .delete_job_records()
        .job_ids(vec![whole.clone()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some("InvalidParams"),
        "a job under way keeps its record"
    );
    instant
        .delete_jobs()
        .job_spec(vec![JobSpecItem::new().job_id(&whole)])
        .send()
        .await
        .unwrap();
    assert_eq!(job_status(&client, &whole).await, "Deleted");
    instant
        .delete_job_records()
        .job_ids(vec![whole.clone(), job.clone()])
        .send()
        .await
        .unwrap();
    for gone in [&whole, &job] {
        let error = instant.get_job().job_id(gone).send().await.unwrap_err();
        assert_eq!(error.code(), Some("JobNotFound"));
    }
    let listed = instant.list_jobs().send().await.unwrap();
    assert_eq!(listed.total_count, Some(0));
}

#[tokio::test]
async fn results_are_there_once_an_executor_has_ended() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let job = array_job(&client, 2, None).await;
    let early = instant
        .describe_job_results()
        .job_id(&job)
        .task_name("task0")
        .array_index(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(early.code(), Some("InvalidParams"));
    emulator.advance_clock(SETTLE);
    let result = instant
        .describe_job_results()
        .job_id(&job)
        .task_name("task0")
        .array_index(1)
        .send()
        .await
        .unwrap();
    // The task's script, `echo hello`, base64 in the request.
    assert_eq!(result.output.as_deref(), Some("echo hello\n"));
    assert_eq!(result.exit_code, Some(0));
    let missing = instant
        .describe_job_results()
        .job_id("job-none")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("JobNotFound"));
}

#[tokio::test]
async fn executor_events_follow_their_lives_and_filter() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    let ok = array_job(&client, 1, None).await;
    let mut settings = emulator.settings();
    settings.job_outcome = JobOutcome::Failed;
    emulator.set_settings(settings);
    let bad = submit(&client, "bad", vec![task("task0", 0, 0, IMAGE)], None).await;
    emulator.advance_clock(SETTLE);
    let events = instant
        .list_executor_events()
        .filter(list_executor_events::Filter::new().executor_ids(vec![format!("{ok}-task0-0")]))
        .send()
        .await
        .unwrap();
    let contents: Vec<String> = events
        .executor_event_list
        .iter()
        .map(|e| e.content.clone().unwrap())
        .collect();
    let states: Vec<&str> = contents
        .iter()
        .map(|c| c.split(':').next().unwrap())
        .collect();
    assert_eq!(states, ["Pending", "Initing", "Running", "Succeeded"]);
    assert_eq!(events.total_count, Some(4));
    let warnings = instant
        .list_executor_events()
        .filter(list_executor_events::Filter::new().level("Warning"))
        .send()
        .await
        .unwrap();
    assert_eq!(warnings.total_count, Some(1));
    assert_eq!(
        warnings.executor_event_list[0].job_id.as_deref(),
        Some(bad.as_str())
    );
}
