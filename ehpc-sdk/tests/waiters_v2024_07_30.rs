//! The waiters of API version 2024-07-30 against the stateful emulator:
//! each reaches success, its failure state and its deadline. Time comes
//! from an [`EmulatorClock`], so no test waits for real.

mod support;

use ehpc_emulator::{Emulator, JobOutcome, StartOutcome};
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::v2024_07_30::operation::create_job::JobSpec;
use ehpc_sdk::v2024_07_30::operation::create_nodes::ComputeNode;
use ehpc_sdk::wait::WaitError;
use ehpc_sdk::Client;
use std::time::Duration;
use support::start;

/// A new cluster, still creating.
async fn create_cluster(client: &Client) -> String {
    client
        .v2024_07_30()
        .create_cluster()
        .cluster_name("waiting")
        .send()
        .await
        .unwrap()
        .cluster_id
        .unwrap()
}

/// A running cluster with `count` new nodes, still starting.
async fn cluster_with_new_nodes(emulator: &Emulator, client: &Client, count: i32) -> String {
    let cluster = create_cluster(client).await;
    emulator.advance_clock(Duration::from_secs(3600));
    client
        .v2024_07_30()
        .create_nodes()
        .cluster_id(&cluster)
        .queue_name("comp")
        .count(count)
        .compute_node(ComputeNode::new().instance_type("ecs.c7.large"))
        .send()
        .await
        .unwrap();
    cluster
}

/// A running cluster with one job just submitted.
async fn cluster_with_job(emulator: &Emulator, client: &Client) -> (String, String) {
    let cluster = create_cluster(client).await;
    emulator.advance_clock(Duration::from_secs(3600));
    let job = client
        .v2024_07_30()
        .create_job()
        .cluster_id(&cluster)
        .job_name("waited-for")
        .job_spec(JobSpec::new().command_line("sleep 60").runas_user("root"))
        .send()
        .await
        .unwrap()
        .job_id
        .unwrap();
    (cluster, job)
}

#[tokio::test]
async fn cluster_running_waits_through_the_creating_states() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let answer = client
        .v2024_07_30()
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    assert_eq!(answer.cluster_status.as_deref(), Some("running"));
    let sleeps = clock.pauses();
    assert!(sleeps.len() >= 2, "{sleeps:?}");
    for pause in &sleeps {
        assert!(*pause >= Duration::from_secs(5) && *pause <= Duration::from_secs(60));
    }
}

#[tokio::test]
async fn cluster_running_gives_up_at_max_wait_with_the_last_state() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let error = client
        .v2024_07_30()
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(20))
        .clock(clock.clone())
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out(), "{error}");
    let last = error.last_state().unwrap();
    assert_ne!(last, "running");
    assert!(error.to_string().contains(last), "{error}");
    assert_eq!(
        clock.pauses().iter().sum::<Duration>(),
        Duration::from_secs(20)
    );
}

#[tokio::test]
async fn cluster_deleted_succeeds_on_not_found_and_times_out_while_it_exists() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    emulator.advance_clock(Duration::from_secs(3600));
    let error = client
        .v2024_07_30()
        .wait_until_cluster_deleted()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(120))
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out());
    assert_eq!(error.last_state(), Some("running"));

    client
        .v2024_07_30()
        .delete_cluster()
        .cluster_id(&cluster)
        .send()
        .await
        .unwrap();
    let gone = client
        .v2024_07_30()
        .wait_until_cluster_deleted()
        .cluster_id(&cluster)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap();
    assert!(gone.is_none());
}

#[tokio::test]
async fn nodes_running_waits_for_every_node_and_times_out_with_the_last_state() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_new_nodes(&emulator, &client, 3).await;
    let error = client
        .v2024_07_30()
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(10))
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out());
    assert_ne!(error.last_state(), Some("running"));

    let answer = client
        .v2024_07_30()
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap();
    assert_eq!(answer.nodes.len(), 3);
    assert!(answer
        .nodes
        .iter()
        .all(|n| n.status.as_deref() == Some("running")));
}

#[tokio::test]
async fn job_finished_returns_the_succeeded_job() {
    let (emulator, client) = start().await;
    let (cluster, job) = cluster_with_job(&emulator, &client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let answer = client
        .v2024_07_30()
        .wait_until_job_finished()
        .cluster_id(&cluster)
        .job_id(&job)
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    let info = answer.job_info.unwrap();
    assert_eq!(info.state.as_deref(), Some("Succeeded"));
    assert_eq!(info.job_id.as_deref(), Some(job.as_str()));
    assert!(!clock.pauses().is_empty());
}

#[tokio::test]
async fn job_finished_fails_with_the_failed_jobs_final_state() {
    let (emulator, client) = start().await;
    let mut settings = emulator.settings();
    settings.job_outcome = JobOutcome::Failed;
    emulator.set_settings(settings);
    let (cluster, job) = cluster_with_job(&emulator, &client).await;
    let error = client
        .v2024_07_30()
        .wait_until_job_finished()
        .cluster_id(&cluster)
        .job_id(&job)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    let WaitError::Failed { state, answer, .. } = &error else {
        panic!("expected the failure state, got {error:?}");
    };
    assert_eq!(state, "Failed");
    let info = answer.job_info.as_ref().unwrap();
    assert_eq!(info.job_id.as_deref(), Some(job.as_str()));
    assert!(error.to_string().contains("`Failed`"), "{error}");
}

#[tokio::test]
async fn job_finished_fails_on_a_stopped_job_and_times_out_on_a_running_one() {
    let (emulator, client) = start().await;
    let (cluster, job) = cluster_with_job(&emulator, &client).await;
    emulator.advance_clock(Duration::from_secs(10));
    let error = client
        .v2024_07_30()
        .wait_until_job_finished()
        .cluster_id(&cluster)
        .job_id(&job)
        .max_wait(Duration::from_secs(5))
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out(), "{error}");
    assert_eq!(error.last_state(), Some("Running"));

    client
        .v2024_07_30()
        .stop_jobs()
        .cluster_id(&cluster)
        .job_ids(vec![job.clone()])
        .send()
        .await
        .unwrap();
    let error = client
        .v2024_07_30()
        .wait_until_job_finished()
        .cluster_id(&cluster)
        .job_id(&job)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_failed(), "{error}");
    assert_eq!(error.last_state(), Some("Canceled"));
}

/// An emulator whose new clusters and nodes end in `exception`.
fn failing_starts(emulator: &Emulator) {
    let mut settings = emulator.settings();
    settings.cluster_outcome = StartOutcome::Exception;
    settings.node_outcome = StartOutcome::Exception;
    emulator.set_settings(settings);
}

#[tokio::test]
async fn cluster_and_nodes_running_fail_with_the_exception_state() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    failing_starts(&emulator);
    let failing = create_cluster(&client).await;
    let error = client
        .v2024_07_30()
        .wait_until_cluster_running()
        .cluster_id(&failing)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    let WaitError::Failed { state, answer, .. } = &error else {
        panic!("expected the failure state, got {error:?}");
    };
    assert_eq!(state, "exception");
    assert_eq!(answer.cluster_id.as_deref(), Some(failing.as_str()));

    // The cluster created before runs; its new nodes fail.
    emulator.advance_clock(Duration::from_secs(3600));
    client
        .v2024_07_30()
        .create_nodes()
        .cluster_id(&cluster)
        .queue_name("comp")
        .count(2)
        .compute_node(ComputeNode::new().instance_type("ecs.c7.large"))
        .send()
        .await
        .unwrap();
    let error = client
        .v2024_07_30()
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_failed(), "{error}");
    assert_eq!(error.last_state(), Some("exception"));
}
