//! Paginators against the stateful emulator (API version 2018-04-12):
//! `ListNodes` pages by `PageNumber`/`PageSize`/`TotalCount` over nodes
//! the test adds; `ListTagResources` (answered from its example, which
//! always carries the same `NextToken`) shows the loop guard.

mod support;

use ehpc_emulator::{Emulator, Fault, Times};
use ehpc_sdk::{Client, Error};
use std::collections::BTreeSet;
use std::time::Duration;
use support::{param, requests_of, start};

/// A running cluster with `nodes` nodes.
async fn cluster_with_nodes(emulator: &Emulator, client: &Client, nodes: i32) -> String {
    let cluster = client
        .create_cluster()
        .name("paging")
        .send()
        .await
        .unwrap()
        .cluster_id
        .unwrap();
    emulator.advance_clock(Duration::from_secs(3600));
    if nodes > 0 {
        add_nodes(client, &cluster, nodes).await;
    }
    cluster
}

async fn add_nodes(client: &Client, cluster: &str, count: i32) -> Vec<String> {
    client
        .add_nodes()
        .cluster_id(cluster)
        .count(count)
        .instance_type("ecs.c7.large")
        .send()
        .await
        .unwrap()
        .instance_ids
}

fn list_nodes_requests(emulator: &Emulator) -> Vec<Vec<(String, String)>> {
    requests_of(emulator, "ListNodes")
}

/// Every node id, by paging through `ListNodes` `size` at a time.
async fn all_node_ids(client: &Client, cluster: &str, size: u32) -> Vec<String> {
    let mut items = client
        .list_nodes()
        .cluster_id(cluster)
        .into_paginator()
        .page_size(size)
        .items();
    let mut ids = Vec::new();
    while let Some(node) = items.next().await {
        ids.push(node.unwrap().id.unwrap());
    }
    ids
}

#[tokio::test]
async fn no_items_is_one_empty_page() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 0).await;
    let mut pages = client
        .list_nodes()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    let page = pages.next().await.unwrap().unwrap();
    assert!(page.nodes.is_empty());
    assert_eq!(page.total_count, Some(0));
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none());
    assert_eq!(list_nodes_requests(&emulator).len(), 1);
    assert!(all_node_ids(&client, &cluster, 5).await.is_empty());
}

#[tokio::test]
async fn one_item_takes_one_request() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 1).await;
    let ids = all_node_ids(&client, &cluster, 5).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(list_nodes_requests(&emulator).len(), 1);
}

#[tokio::test]
async fn exactly_one_full_page_stops_at_the_total_count() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 5).await;
    let ids = all_node_ids(&client, &cluster, 5).await;
    assert_eq!(ids.len(), 5);
    // No second request for an empty page: TotalCount said it was all.
    let requests = list_nodes_requests(&emulator);
    assert_eq!(requests.len(), 1);
    assert_eq!(param(&requests[0], "PageSize"), Some("5"));
    assert_eq!(param(&requests[0], "PageNumber"), Some("1"));
}

#[tokio::test]
async fn several_pages_list_every_item_once_and_keep_their_request_ids() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 12).await;
    let mut pages = client
        .list_nodes()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    let mut sizes = Vec::new();
    let mut request_ids = BTreeSet::new();
    let mut ids = BTreeSet::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        sizes.push(page.nodes.len());
        assert!(!page.request_id().is_empty());
        request_ids.insert(page.request_id().to_string());
        ids.extend(page.nodes.into_iter().map(|n| n.id.unwrap()));
    }
    assert_eq!(sizes, [5, 5, 2]);
    assert_eq!(request_ids.len(), 3);
    assert_eq!(ids.len(), 12);
    let numbers: Vec<String> = list_nodes_requests(&emulator)
        .iter()
        .map(|p| param(p, "PageNumber").unwrap().to_string())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
}

#[tokio::test]
async fn a_node_added_between_pages_is_listed_by_the_following_pages() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 6).await;
    let mut items = client
        .list_nodes()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .items();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(items.next().await.unwrap().unwrap().id.unwrap());
    }
    // The first page is consumed; the total grows from 6 to 9 before the
    // second page is asked for.
    let added = add_nodes(&client, &cluster, 3).await;
    while let Some(node) = items.next().await {
        ids.push(node.unwrap().id.unwrap());
    }
    assert_eq!(ids.len(), 9);
    for id in &added {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
    assert_eq!(list_nodes_requests(&emulator).len(), 2);
}

#[tokio::test]
async fn a_page_failing_once_is_retried_and_paging_goes_on() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 7).await;
    let mut pages = client
        .list_nodes()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .pages();
    assert_eq!(pages.next().await.unwrap().unwrap().nodes.len(), 5);
    emulator
        .inject("ListNodes", Fault::ServiceUnavailable, Times::Next(1))
        .unwrap();
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.nodes.len(), 2);
    assert!(pages.next().await.is_none());
    let requests = list_nodes_requests(&emulator);
    assert_eq!(requests.len(), 3, "page 1, page 2 refused, page 2 again");
    assert_eq!(param(&requests[1], "PageNumber"), Some("2"));
    assert_eq!(param(&requests[2], "PageNumber"), Some("2"));
}

#[tokio::test]
async fn a_page_failing_for_good_ends_the_stream_with_the_calls_error() {
    let (emulator, client) = start().await;
    let cluster = cluster_with_nodes(&emulator, &client, 7).await;
    let mut items = client
        .list_nodes()
        .cluster_id(&cluster)
        .into_paginator()
        .page_size(5)
        .items();
    for _ in 0..5 {
        items.next().await.unwrap().unwrap();
    }
    emulator
        .inject(
            "ListNodes",
            Fault::service_error("InvalidParams"),
            Times::Always,
        )
        .unwrap();
    let error = items.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), Some("InvalidParams"));
    assert!(error.request_id().is_some());
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn the_same_next_token_twice_ends_paging_with_an_error() {
    let (emulator, client) = start().await;
    let mut pages = client
        .list_tag_resources()
        .region_id("cn-hangzhou")
        .resource_type("cluster")
        .into_paginator()
        .page_size(10)
        .pages();
    let first = pages.next().await.unwrap().unwrap();
    let token = first.next_token.clone().unwrap();
    assert!(!token.is_empty());
    let error = pages.next().await.unwrap().unwrap_err();
    let Error::Paging(paging) = &error else {
        panic!("expected a paging error, got {error:?}");
    };
    assert_eq!(paging.repeated_token(), Some(token.as_str()));
    assert!(error.to_string().contains("a second time"), "{error}");
    assert!(error.request_id().is_some());
    assert!(pages.next().await.is_none());
    let tokens: Vec<Option<String>> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("ListTagResources"))
        .map(|r| param(&r.params, "NextToken").map(str::to_string))
        .collect();
    assert_eq!(tokens, [None, Some(token)]);
}
