//! E-HPC 2.0 (2024-07-30) clusters, nodes and jobs through the wire:
//! lifecycles by the emulator's clock, paging and filters, failures a
//! test asks for, and the 2.0 workflow end to end.

mod support;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ehpc_emulator::{Emulator, JobOutcome, StartOutcome};
use serde_json::json;
use std::time::Duration;
use support::v2024::*;

#[tokio::test]
async fn a_cluster_is_created_runs_changes_and_is_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let id = create_cluster(addr, "first").await;
    let suffix = id
        .strip_prefix("ehpc-hz-")
        .expect("a cluster id of the region");
    assert_eq!(suffix.len(), 10);
    assert_eq!(cluster_status(addr, &id).await, "creating");
    let settings = emulator.settings();
    emulator.advance_clock(Duration::from_secs(settings.cluster_creating_seconds));
    assert_eq!(cluster_status(addr, &id).await, "init");
    emulator.advance_clock(Duration::from_secs(settings.cluster_initializing_seconds));
    assert_eq!(cluster_status(addr, &id).await, "running");

    ok(
        addr,
        "UpdateCluster",
        &[
            ("ClusterId", &id),
            ("ClusterName", "renamed"),
            ("MaxCount", "42"),
        ],
    )
    .await;
    let got = ok(addr, "GetCluster", &[("ClusterId", &id)]).await;
    assert_eq!(got["ClusterName"], "renamed");
    assert_eq!(got["MaxCount"], "42");
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(fields(&listed["Clusters"], "ClusterId"), [id.as_str()]);
    assert_eq!(fields(&listed["Clusters"], "ClusterName"), ["renamed"]);
    assert_eq!(fields(&listed["Clusters"], "ClusterStatus"), ["running"]);
    assert_eq!(listed["TotalCount"], 1);

    ok(addr, "DeleteCluster", &[("ClusterId", &id)]).await;
    assert_eq!(
        refused(addr, "GetCluster", &[("ClusterId", &id)]).await,
        (404, "ClusterNotFound".to_string())
    );
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(listed["Clusters"], json!([]));
    assert_eq!(listed["TotalCount"], 0);
}

#[tokio::test]
async fn cluster_lists_page_and_filter_by_id_and_name() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let mut ids = Vec::new();
    for name in ["a", "b", "c", "b"] {
        ids.push(create_cluster(addr, name).await);
    }
    let page = ok(
        addr,
        "ListClusters",
        &[("PageNumber", "2"), ("PageSize", "3")],
    )
    .await;
    assert_eq!(fields(&page["Clusters"], "ClusterId"), [ids[3].as_str()]);
    assert_eq!(
        (page["TotalCount"].clone(), page["PageNumber"].clone()),
        (json!(4), json!(2))
    );
    let named = ok(addr, "ListClusters", &[("ClusterNames", r#"["b"]"#)]).await;
    assert_eq!(
        fields(&named["Clusters"], "ClusterId"),
        [ids[1].as_str(), &ids[3]]
    );
    let by_id = json!([ids[2]]).to_string();
    let picked = ok(addr, "ListClusters", &[("ClusterIds", &by_id)]).await;
    assert_eq!(fields(&picked["Clusters"], "ClusterName"), ["c"]);
    assert_eq!(picked["TotalCount"], 1);
}

#[tokio::test]
async fn nodes_start_page_filter_and_go() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "n").await;
    let nodes = create_nodes(addr, &cluster, 3).await;
    assert_eq!(nodes.len(), 3);
    for node in &nodes {
        let rest = node.strip_prefix("i-").expect("an instance id");
        assert_eq!(rest.len(), 20);
    }
    let listed = ok(addr, "ListNodes", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Nodes"], "Id"), nodes);
    assert_eq!(fields(&listed["Nodes"], "Status"), ["uninit"; 3]);
    assert_eq!(
        fields(&listed["Nodes"], "InstanceType"),
        ["ecs.c7.large"; 3]
    );
    let settings = emulator.settings();
    emulator.advance_clock(Duration::from_secs(settings.node_installing_seconds));
    let listed = ok(addr, "ListNodes", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Nodes"], "Status"), ["initing"; 3]);
    emulator.advance_clock(Duration::from_secs(settings.node_initializing_seconds));

    let page = ok(
        addr,
        "ListNodes",
        &[
            ("ClusterId", &cluster),
            ("PageNumber", "2"),
            ("PageSize", "2"),
        ],
    )
    .await;
    assert_eq!(fields(&page["Nodes"], "Id"), [nodes[2].as_str()]);
    assert_eq!(page["TotalCount"], 3);
    let hostname = fields(&listed["Nodes"], "Hostname")[1].clone();
    let one = json!([hostname]).to_string();
    let by_host = ok(
        addr,
        "ListNodes",
        &[("ClusterId", &cluster), ("Hostnames", &one)],
    )
    .await;
    assert_eq!(fields(&by_host["Nodes"], "Id"), [nodes[1].as_str()]);
    let running = ok(
        addr,
        "ListNodes",
        &[
            ("ClusterId", &cluster),
            ("Status", r#"["running"]"#),
            ("QueueNames", r#"["comp"]"#),
        ],
    )
    .await;
    assert_eq!(running["TotalCount"], 3);
    let elsewhere = ok(
        addr,
        "ListNodes",
        &[("ClusterId", &cluster), ("QueueNames", r#"["other"]"#)],
    )
    .await;
    assert_eq!(elsewhere["TotalCount"], 0);

    let keep = json!([{"InstanceId": nodes[0], "KeepAlive": true}]).to_string();
    ok(
        addr,
        "UpdateNodes",
        &[("ClusterId", &cluster), ("Instances", &keep)],
    )
    .await;
    let listed = ok(addr, "ListNodes", &[("ClusterId", &cluster)]).await;
    assert_eq!(listed["Nodes"][0]["KeepAlive"], true);
    assert_eq!(listed["Nodes"][1]["KeepAlive"], false);

    let gone = json!([nodes[0], nodes[2]]).to_string();
    ok(
        addr,
        "DeleteNodes",
        &[("ClusterId", &cluster), ("InstanceIds", &gone)],
    )
    .await;
    let listed = ok(addr, "ListNodes", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Nodes"], "Id"), [nodes[1].as_str()]);
    assert_eq!(
        refused(
            addr,
            "DeleteNodes",
            &[("ClusterId", &cluster), ("InstanceIds", &gone)]
        )
        .await,
        (400, "InvalidParams".to_string())
    );
    let counts = ok(addr, "ListClusters", &[]).await;
    assert_eq!(counts["Clusters"][0]["Nodes"]["RunningCounts"], 1);
}

#[tokio::test]
async fn jobs_run_to_the_outcome_the_settings_give() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "j").await;
    let first = create_job(addr, &cluster, "hostname").await;
    assert_eq!(
        first, "1",
        "2.0 clusters run Slurm, whose job ids are numbers"
    );
    assert_eq!(job_state(addr, &cluster, &first).await, "Pending");
    let settings = emulator.settings();
    emulator.advance_clock(Duration::from_secs(settings.job_queued_seconds));
    assert_eq!(job_state(addr, &cluster, &first).await, "Running");
    emulator.advance_clock(Duration::from_secs(settings.job_running_seconds));
    assert_eq!(job_state(addr, &cluster, &first).await, "Succeeded");
    let log = ok(
        addr,
        "GetJobLog",
        &[("ClusterId", &cluster), ("JobId", &first)],
    )
    .await;
    assert_eq!(log["JobId"], first.as_str());
    assert_eq!(log["StdoutLog"], STANDARD.encode("hostname\n"));
    assert_eq!(log["StdoutLogSize"], "9");
    assert_eq!(log["StderrLog"], "");
    let window = ok(
        addr,
        "GetJobLog",
        &[
            ("ClusterId", &cluster),
            ("JobId", &first),
            ("LogType", "stdout"),
            ("Offset", "4"),
            ("Size", "4"),
        ],
    )
    .await;
    assert_eq!(window["StdoutLog"], STANDARD.encode("name"));

    let mut failing_jobs = settings;
    failing_jobs.job_outcome = JobOutcome::Failed;
    emulator.set_settings(failing_jobs);
    let failing = create_job(addr, &cluster, "false").await;
    let stopped = create_job(addr, &cluster, "sleep 1000").await;
    ok(
        addr,
        "StopJobs",
        &[
            ("ClusterId", &cluster),
            ("JobIds", &json!([stopped]).to_string()),
        ],
    )
    .await;
    emulator.advance_clock(SETTLE);
    assert_eq!(job_state(addr, &cluster, &failing).await, "Failed");
    assert_eq!(job_state(addr, &cluster, &stopped).await, "Canceled");
    let log = ok(
        addr,
        "GetJobLog",
        &[("ClusterId", &cluster), ("JobId", &failing)],
    )
    .await;
    let stderr = STANDARD.decode(log["StderrLog"].as_str().unwrap()).unwrap();
    assert!(String::from_utf8(stderr)
        .unwrap()
        .contains("exited with status 1"));

    let listed = ok(addr, "ListJobs", &[("ClusterId", &cluster)]).await;
    let ids: Vec<String> = listed["Jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["JobSpec"]["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [first.as_str(), &failing, &stopped]);
    let failed = ok(
        addr,
        "ListJobs",
        &[
            ("ClusterId", &cluster),
            ("JobFilter", r#"{"JobStatus":"Failed"}"#),
        ],
    )
    .await;
    assert_eq!(failed["TotalCount"], 1);
    assert_eq!(failed["Jobs"][0]["JobSpec"]["Id"], failing.as_str());
    let paged = ok(
        addr,
        "ListJobs",
        &[
            ("ClusterId", &cluster),
            ("PageSize", "2"),
            ("PageNumber", "2"),
        ],
    )
    .await;
    assert_eq!(paged["Jobs"][0]["JobSpec"]["Id"], stopped.as_str());
    assert_eq!(paged["TotalCount"], 3);
    assert_eq!(
        refused(
            addr,
            "StopJobs",
            &[
                ("ClusterId", &cluster),
                ("JobIds", &json!([first]).to_string())
            ]
        )
        .await,
        (400, "InvalidParams".to_string()),
        "a finished job cannot be stopped"
    );
}

#[tokio::test]
async fn clusters_and_nodes_end_in_exception_when_a_test_says_so() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let good = running_cluster(&emulator, "good").await;
    let mut failing_clusters = emulator.settings();
    failing_clusters.cluster_outcome = StartOutcome::Exception;
    emulator.set_settings(failing_clusters);
    let broken = running_cluster(&emulator, "broken").await;
    assert_eq!(cluster_status(addr, &broken).await, "exception");
    assert_eq!(cluster_status(addr, &good).await, "running");
    assert_eq!(
        refused(addr, "CreateNodes", &[("ClusterId", &broken)]).await,
        (403, "InvalidClusterStatus".to_string())
    );
    ok(addr, "DeleteCluster", &[("ClusterId", &broken)]).await;

    // The same over the control API, for a separately running emulator.
    let body = r#"{"node_outcome": "exception"}"#;
    let request = format!(
        "PUT /__emulator/settings HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = support::exchange(addr, request.as_bytes()).await.unwrap();
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.json()["node_outcome"], "exception");
    assert_eq!(emulator.settings().cluster_outcome, StartOutcome::Running);
    let nodes = create_nodes(addr, &good, 1).await;
    emulator.advance_clock(SETTLE);
    let listed = ok(addr, "ListNodes", &[("ClusterId", &good)]).await;
    assert_eq!(fields(&listed["Nodes"], "Status"), ["exception"]);
    let gone = json!(nodes).to_string();
    ok(
        addr,
        "DeleteNodes",
        &[("ClusterId", &good), ("InstanceIds", &gone)],
    )
    .await;
}

#[tokio::test]
async fn the_2_0_workflow_runs_end_to_end() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = create_cluster(addr, "workflow").await;
    while cluster_status(addr, &cluster).await != "running" {
        emulator.advance_clock(Duration::from_secs(5));
    }
    let nodes = create_nodes(addr, &cluster, 2).await;
    loop {
        let listed = ok(addr, "ListNodes", &[("ClusterId", &cluster)]).await;
        if fields(&listed["Nodes"], "Status")
            .iter()
            .all(|s| s == "running")
        {
            assert_eq!(fields(&listed["Nodes"], "Id"), nodes);
            break;
        }
        emulator.advance_clock(Duration::from_secs(5));
    }
    let job = create_job(addr, &cluster, "echo hello").await;
    while !["Succeeded", "Failed"].contains(&job_state(addr, &cluster, &job).await.as_str()) {
        emulator.advance_clock(Duration::from_secs(2));
    }
    assert_eq!(job_state(addr, &cluster, &job).await, "Succeeded");
    let log = ok(
        addr,
        "GetJobLog",
        &[("ClusterId", &cluster), ("JobId", &job)],
    )
    .await;
    assert_eq!(log["StdoutLog"], STANDARD.encode("echo hello\n"));
    ok(addr, "DeleteCluster", &[("ClusterId", &cluster)]).await;
    assert_eq!(
        refused(addr, "GetCluster", &[("ClusterId", &cluster)])
            .await
            .1,
        "ClusterNotFound"
    );
}

#[tokio::test]
async fn versions_share_the_resources_of_an_account() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = create_cluster(addr, "shared").await;
    let mut params = support::common("DescribeCluster");
    support::set(&mut params, "ClusterId", &cluster);
    let answer = support::get(addr, &support::signed("GET", support::SECRET, params)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["ClusterInfo"]["Name"], "shared");
}
