//! Paginators of API version 2024-07-30 against the stateful emulator:
//! `ListJobs` pages a cluster's jobs by `PageNumber`/`PageSize`/
//! `TotalCount`, and `ListClusters` the clusters, over resources the test
//! creates.

mod support;

use ehpc_emulator::{Emulator, Fault, Times};
use ehpc_sdk::v2024_07_30::operation::create_job::JobSpec;
use ehpc_sdk::Client;
use std::collections::BTreeSet;
use std::time::Duration;
use support::{param, requests_of, start};

/// A running cluster with `jobs` jobs.
async fn cluster_with_jobs(emulator: &Emulator, client: &Client, jobs: usize) -> String {
    let cluster = client
        .v2024_07_30()
        .create_cluster()
        .cluster_name("paging")
        .send()
        .await
        .unwrap()
        .cluster_id
        .unwrap();
    emulator.advance_clock(Duration::from_secs(3600));
    submit(client, &cluster, jobs).await;
    cluster
}

/// Submits `count` jobs and returns their ids.
async fn submit(client: &Client, cluster: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let job = client
            .v2024_07_30()
            .create_job()
            .cluster_id(cluster)
            .job_name(format!("job-{n}"))
            .job_spec(JobSpec::new().command_line("hostname").runas_user("root"))
            .send()
            .await
            .unwrap();
        ids.push(job.job_id.unwrap());
    }
    ids
}

/// Every job id of the cluster, paging `size` at a time.
async fn all_job_ids(client: &Client, cluster: &str, size: u32) -> Vec<String> {
    let mut items = client
        .v2024_07_30()
        .list_jobs()
        .cluster_id(cluster)
        .into_paginator()
        .page_size(size)
        .items();
    let mut ids = Vec::new();
    while let Some(job) = items.next().await {
        ids.push(job.unwrap().job_spec.unwrap().id.unwrap());
    }
    ids
}

fn page_numbers(emulator: &Emulator) -> Vec<String> {
    requests_of(emulator, "ListJobs")
        .iter()
        .map(|p| param(p, "PageNumber").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn no_jobs_is_one_empty_page() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_jobs(&emulator, &client, 0).await;
    let mut pages = client
        .v2024_07_30()
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    let page = pages.next().await.unwrap().unwrap();
    assert!(page.jobs.is_empty());
    assert_eq!(page.total_count, Some(0));
    assert!(pages.next().await.is_none());
    assert_eq!(page_numbers(&emulator), ["1"]);
}

#[tokio::test]
async fn one_job_and_exactly_one_full_page_take_one_request_each() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_jobs(&emulator, &client, 1).await;
    assert_eq!(all_job_ids(&client, &cluster, 5).await.len(), 1);
    assert_eq!(page_numbers(&emulator), ["1"]);

    let cluster = cluster_with_jobs(&emulator, &client, 5).await;
    emulator.clear_requests();
    assert_eq!(all_job_ids(&client, &cluster, 5).await.len(), 5);
    let requests = requests_of(&emulator, "ListJobs");
    assert_eq!(requests.len(), 1, "TotalCount said it was all");
    assert_eq!(param(&requests[0], "PageSize"), Some("5"));
}

#[tokio::test]
async fn several_pages_list_every_job_once_with_their_request_ids() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_jobs(&emulator, &client, 12).await;
    let mut pages = client
        .v2024_07_30()
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    let mut sizes = Vec::new();
    let mut request_ids = BTreeSet::new();
    let mut ids = BTreeSet::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        sizes.push(page.jobs.len());
        request_ids.insert(page.request_id().to_string());
        ids.extend(
            page.jobs
                .into_iter()
                .map(|j| j.job_spec.unwrap().id.unwrap()),
        );
    }
    assert_eq!(sizes, [5, 5, 2]);
    assert_eq!(request_ids.len(), 3);
    assert_eq!(ids.len(), 12);
    assert_eq!(page_numbers(&emulator), ["1", "2", "3"]);
}

#[tokio::test]
async fn a_job_submitted_between_pages_is_listed_by_the_following_pages() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_jobs(&emulator, &client, 6).await;
    let mut items = client
        .v2024_07_30()
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .items();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let job = items.next().await.unwrap().unwrap();
        ids.push(job.job_spec.unwrap().id.unwrap());
    }
    let added = submit(&client, &cluster, 2).await;
    while let Some(job) = items.next().await {
        ids.push(job.unwrap().job_spec.unwrap().id.unwrap());
    }
    assert_eq!(ids.len(), 8, "{ids:?}");
    for id in &added {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
}

#[tokio::test]
async fn a_page_failing_once_is_retried_and_for_good_ends_the_stream() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_jobs(&emulator, &client, 12).await;
    let mut pages = client
        .v2024_07_30()
        .list_jobs()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    assert_eq!(pages.next().await.unwrap().unwrap().jobs.len(), 5);
    emulator
        .inject("ListJobs", Fault::ServiceUnavailable, Times::Next(1))
        .unwrap();
    assert_eq!(pages.next().await.unwrap().unwrap().jobs.len(), 5);
    assert_eq!(page_numbers(&emulator), ["1", "2", "2"]);

    emulator
        .inject(
            "ListJobs",
            Fault::error(400, "InvalidParameter", "bad filter"),
            Times::Always,
        )
        .unwrap();
    let error = pages.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), Some("InvalidParameter"));
    assert!(error.request_id().is_some());
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn clusters_page_by_number_too() {
    let (emulator, client) = start().await;
    for n in 0..7 {
        client
            .v2024_07_30()
            .create_cluster()
            .cluster_name(format!("cluster-{n}"))
            .send()
            .await
            .unwrap();
    }
    let mut items = client
        .v2024_07_30()
        .list_clusters()
        .into_paginator()
        .page_size(3)
        .items();
    let mut names = BTreeSet::new();
    while let Some(cluster) = items.next().await {
        names.insert(cluster.unwrap().cluster_name.unwrap());
    }
    assert_eq!(names.len(), 7);
    assert_eq!(requests_of(&emulator, "ListClusters").len(), 3);
}
