//! The waiters and the executor paginator of EhpcInstant 2023-07-01
//! against the stateful emulator. Time comes from an [`EmulatorClock`],
//! so no test waits for real.

mod support;

use ehpc_emulator::JobOutcome;
use ehpc_sdk::instant::v2023_07_01::operation::list_executors::Filter;
use ehpc_sdk::test_util::EmulatorClock;
use ehpc_sdk::wait::WaitError;
use std::collections::BTreeSet;
use std::time::Duration;
use support::instant::array_job;
use support::start;

#[tokio::test]
async fn job_finished_waits_until_every_executor_succeeded() {
    let (emulator, client) = start().await;
    let job = array_job(&client, 4, None).await;
    let clock = EmulatorClock::new(emulator.endpoint());
    let answer = client
        .instant_v2023_07_01()
        .wait_until_job_finished()
        .job_id(&job)
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    let info = answer.job_info.unwrap();
    assert_eq!(info.status.as_deref(), Some("Succeeded"));
    let states: Vec<_> = info.tasks[0]
        .executor_status
        .iter()
        .map(|s| s.status.clone().unwrap())
        .collect();
    assert_eq!(states, ["Succeeded"; 4]);
    // Pending, initing and running take 95 s with the default settings.
    let (pauses, waited) = (clock.pauses().len(), clock.elapsed());
    assert!(pauses > 1, "{pauses} pauses");
    assert!(waited >= Duration::from_secs(95), "{waited:?}");
}

#[tokio::test]
async fn job_finished_fails_on_a_failed_job() {
    let (emulator, client) = start().await;
    let mut settings = emulator.settings();
    settings.job_outcome = JobOutcome::Failed;
    emulator.set_settings(settings);
    let job = array_job(&client, 2, None).await;
    let error = client
        .instant_v2023_07_01()
        .wait_until_job_finished()
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
}

#[tokio::test]
async fn pool_working_then_pool_deleted() {
    let (emulator, client) = start().await;
    let instant = client.instant_v2023_07_01();
    instant
        .create_pool()
        .pool_name("waited")
        .send()
        .await
        .unwrap();
    let clock = EmulatorClock::new(emulator.endpoint());
    let working = instant
        .wait_until_pool_working()
        .pool_name("waited")
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    assert_eq!(
        working.pool_info.unwrap().status.as_deref(),
        Some("Working")
    );
    assert!(
        !clock.pauses().is_empty(),
        "a new pool is creating at first"
    );

    instant
        .delete_pool()
        .pool_name("waited")
        .send()
        .await
        .unwrap();
    let got = instant.get_pool().pool_name("waited").send().await.unwrap();
    assert_eq!(got.pool_info.unwrap().status.as_deref(), Some("Deleting"));
    let mark = clock.pauses().len();
    instant
        .wait_until_pool_deleted()
        .pool_name("waited")
        .clock(clock.clone())
        .wait()
        .await
        .unwrap();
    assert!(
        clock.pauses().len() > mark,
        "a deleted pool is deleting at first"
    );
    let error = instant
        .get_pool()
        .pool_name("waited")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
}

#[tokio::test]
async fn the_executors_paginator_pages_through_every_executor() {
    let (emulator, client) = start().await;
    let first = array_job(&client, 25, None).await;
    let second = array_job(&client, 12, None).await;
    let mut items = client
        .instant_v2023_07_01()
        .list_executors()
        .into_paginator()
        .page_size(10)
        .items();
    let mut ids = Vec::new();
    while let Some(executor) = items.next().await {
        ids.push(executor.unwrap().executor_id.unwrap());
    }
    assert_eq!(ids.len(), 37);
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        37,
        "no executor twice"
    );
    assert_eq!(ids[0], format!("{first}-task0-0"));
    assert_eq!(ids[24], format!("{first}-task0-24"));
    assert_eq!(ids[36], format!("{second}-task0-11"));
    let requests = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("ListExecutors"))
        .count();
    assert_eq!(requests, 4, "four pages of ten");

    // Filters apply on every page.
    let mut only = client
        .instant_v2023_07_01()
        .list_executors()
        .filter(Filter::new().executor_ids(vec![format!("{second}-task0-3")]))
        .into_paginator()
        .page_size(10)
        .items();
    let executor = only.next().await.unwrap().unwrap();
    assert_eq!(executor.job_id.as_deref(), Some(second.as_str()));
    assert!(only.next().await.is_none());
}
