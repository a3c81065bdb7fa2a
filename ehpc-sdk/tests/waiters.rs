//! The waiters of API version 2018-04-12 against the stateful emulator:
//! each reaches success, its failure state and its deadline. The
//! waiters take their time from a clock that, instead of sleeping, moves
//! the emulator's clock on by the waiter's delay: a half-hour wait takes
//! milliseconds, and the delays the waiter chose are recorded.

mod support;

use ehpc_emulator::{Fault, StartOutcome, Times};
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::wait::{WaitClock, WaitError};
use ehpc_sdk::Client;
use std::time::Duration;
use support::start;

async fn create_cluster(client: &Client) -> String {
    client
        .create_cluster()
        .name("waiting")
        .send()
        .await
        .unwrap()
        .cluster_id
        .unwrap()
}

#[tokio::test]
async fn cluster_running_waits_through_the_creating_states() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let answer = client
        .v2018_04_12()
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    assert_eq!(
        answer.cluster_info.unwrap().status.as_deref(),
        Some("running")
    );
    let sleeps = clock.pauses();
    // Each pause moved the emulator's clock on by as long.
    assert_eq!(clock.elapsed(), sleeps.iter().sum::<Duration>());
    assert_eq!(clock.now(), clock.elapsed());
    assert_eq!(advanced_seconds(&emulator).await, clock.elapsed().as_secs());
    // The emulator's cluster takes 180 s to run; each pause lies between
    // the spec's 5 s and 60 s, and they grow.
    assert!(sleeps.len() >= 3, "{sleeps:?}");
    assert!(sleeps.iter().sum::<Duration>() >= Duration::from_secs(180));
    for pause in &sleeps {
        assert!(*pause >= Duration::from_secs(5) && *pause <= Duration::from_secs(60));
    }
    assert!(sleeps.last() > sleeps.first(), "{sleeps:?}");
}

#[tokio::test]
async fn cluster_running_gives_up_at_max_wait_with_the_last_state() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let error = client
        .v2018_04_12()
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(30))
        .clock(clock.clone())
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out(), "{error}");
    assert_eq!(error.last_state(), Some("creating"));
    assert!(error.to_string().contains("`creating`"), "{error}");
    // The last pause is cut to what is left of max_wait.
    assert_eq!(
        clock.pauses().iter().sum::<Duration>(),
        Duration::from_secs(30)
    );
}

#[tokio::test]
async fn a_service_error_ends_the_wait_unless_it_is_worth_polling_again() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    // Unavailable for longer than one call's retries: the waiter polls on.
    emulator
        .inject("DescribeCluster", Fault::ServiceUnavailable, Times::Next(4))
        .unwrap();
    client
        .v2018_04_12()
        .wait_until_cluster_running()
        .cluster_id(&cluster)
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();

    let clock = EmulatorClock::new(emulator.endpoint());
    let error = client
        .v2018_04_12()
        .wait_until_cluster_running()
        .cluster_id("ehpc-hz-missing")
        .clock(clock.clone())
        .wait()
        .await
        .unwrap_err();
    let WaitError::Call { source, .. } = &error else {
        panic!("expected the call's error, got {error:?}");
    };
    assert_eq!(source.code(), Some("ClusterNotFound"));
    assert!(clock.pauses().is_empty());
}

#[tokio::test]
async fn cluster_deleted_succeeds_on_not_found_and_times_out_while_it_exists() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    emulator.advance_clock(Duration::from_secs(3600));

    let clock = EmulatorClock::new(emulator.endpoint());
    let error = client
        .v2018_04_12()
        .wait_until_cluster_deleted()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(120))
        .clock(clock)
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out());
    assert_eq!(error.last_state(), Some("running"));

    client
        .delete_cluster()
        .cluster_id(&cluster)
        .send()
        .await
        .unwrap();
    let gone = client
        .v2018_04_12()
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
    let cluster = create_cluster(&client).await;
    emulator.advance_clock(Duration::from_secs(3600));
    client
        .add_nodes()
        .cluster_id(&cluster)
        .count(3)
        .instance_type("ecs.c7.large")
        .send()
        .await
        .unwrap();

    let error = client
        .v2018_04_12()
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .max_wait(Duration::from_secs(10))
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_timed_out());
    assert_eq!(error.last_state(), Some("uninit"));

    let answer = client
        .v2018_04_12()
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
async fn cluster_and_nodes_running_fail_with_the_exception_state() {
    let (emulator, client) = start().await;
    let cluster = create_cluster(&client).await;
    let mut settings = emulator.settings();
    settings.cluster_outcome = StartOutcome::Exception;
    settings.node_outcome = StartOutcome::Exception;
    emulator.set_settings(settings);
    let failing = create_cluster(&client).await;
    let error = client
        .v2018_04_12()
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
    let info = answer.cluster_info.as_ref().unwrap();
    assert_eq!(info.id.as_deref(), Some(failing.as_str()));

    emulator.advance_clock(Duration::from_secs(3600));
    client
        .add_nodes()
        .cluster_id(&cluster)
        .count(2)
        .instance_type("ecs.c7.large")
        .send()
        .await
        .unwrap();
    let error = client
        .v2018_04_12()
        .wait_until_nodes_running()
        .cluster_id(&cluster)
        .clock(EmulatorClock::new(emulator.endpoint()))
        .wait()
        .await
        .unwrap_err();
    assert!(error.is_failed(), "{error}");
    assert_eq!(error.last_state(), Some("exception"));
}

/// The seconds the emulator's clock has been moved on, from its control API.
async fn advanced_seconds(emulator: &ehpc_emulator::Emulator) -> u64 {
    let url = format!("{}/__emulator/clock", emulator.endpoint());
    let body = reqwest::get(url).await.unwrap().text().await.unwrap();
    let clock: serde_json::Value = serde_json::from_str(&body).unwrap();
    clock["advanced_seconds"].as_u64().unwrap()
}

#[tokio::test]
async fn the_emulator_clock_adds_up_fractions_of_a_second() {
    let (emulator, _client) = start().await;
    // The emulator counts whole seconds: fractions add up across pauses.
    let clock = EmulatorClock::new(format!("{}/", emulator.endpoint()));
    let before = advanced_seconds(&emulator).await;
    clock.sleep(Duration::from_millis(1500)).await;
    assert_eq!(advanced_seconds(&emulator).await - before, 1);
    clock.sleep(Duration::from_millis(700)).await;
    assert_eq!(advanced_seconds(&emulator).await - before, 2);
    assert_eq!(
        clock.pauses(),
        [Duration::from_millis(1500), Duration::from_millis(700)]
    );
}
