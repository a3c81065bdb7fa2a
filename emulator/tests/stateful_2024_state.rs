//! E-HPC 2.0 resources in dumped and loaded state, and faults, the
//! gateway and both signature versions on top of them.

mod support;

use ehpc_emulator::{Emulator, Fault, Times};
use serde_json::Value;
use support::v2024::*;

/// A running cluster with a node, a job, a queue, a user, a mounted file
/// system, an add-on and a package.
async fn furnished(emulator: &Emulator) -> String {
    let addr = emulator.addr();
    let cluster = running_cluster(emulator, "furnished").await;
    create_nodes(addr, &cluster, 1).await;
    create_job(addr, &cluster, "hostname").await;
    let with = |name: &'static str, value: &'static str| {
        [("ClusterId", cluster.clone()), (name, value.to_string())]
    };
    for (action, params) in [
        (
            "CreateQueue",
            with("Queue", r#"{"QueueName":"gpu","MaxCount":4}"#),
        ),
        (
            "CreateUsers",
            with("User", r#"[{"UserName":"alice","Group":"users"}]"#),
        ),
        (
            "AttachSharedStorages",
            with(
                "SharedStorages",
                r#"[{"FileSystemId":"fs-1","MountDirectory":"/home","MountTarget":"fs-1.nas","ProtocolType":"nfs","StorageDirectory":"/","VolumeType":"NAS"}]"#,
            ),
        ),
        (
            "InstallSoftwares",
            with("AdditionalPackages", r#"[{"Name":"wrf","Version":"4.5"}]"#),
        ),
    ] {
        let params: Vec<(&str, &str)> = params.iter().map(|(n, v)| (*n, v.as_str())).collect();
        ok(addr, action, &params).await;
    }
    let addon = [
        ("ClusterId", cluster.as_str()),
        ("AddonName", "Login"),
        ("AddonVersion", "1.0"),
        ("ServicesSpec", "[]"),
        ("ResourcesSpec", "{}"),
    ];
    ok(addr, "InstallAddon", &addon).await;
    emulator.advance_clock(SETTLE);
    cluster
}

/// What the 2.0 lists say of a cluster, without request ids.
async fn lists(emulator: &Emulator, cluster: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for action in [
        "GetCluster",
        "ListNodes",
        "ListJobs",
        "ListQueues",
        "ListUsers",
        "ListSharedStorages",
        "ListAddons",
        "ListInstalledSoftwares",
    ] {
        let mut body = ok(emulator.addr(), action, &[("ClusterId", cluster)]).await;
        body.as_object_mut().unwrap().remove("RequestId");
        all.push(body);
    }
    all
}

#[tokio::test]
async fn a_dump_holds_the_2_0_resources_and_loads_into_another_emulator() {
    let emulator = Emulator::start().await.unwrap();
    let cluster = furnished(&emulator).await;
    let dump = emulator.dump_state();
    let other = Emulator::start().await.unwrap();
    other.load_state(&dump).unwrap();
    // The other emulator's clock is its own; every phase is over in both.
    other.advance_clock(SETTLE);
    assert_eq!(
        lists(&other, &cluster).await,
        lists(&emulator, &cluster).await
    );
    let listed = ok(
        other.addr(),
        "ListSharedStorages",
        &[("ClusterId", &cluster)],
    )
    .await;
    assert_eq!(listed["SharedStorages"][0]["FileSystemId"], "fs-1");
}

/// Removes the members a state gained with failing clusters and nodes:
/// their `outcome`, a node's `keep_alive`, and the settings for them.
fn strip_new_members(value: &mut Value) {
    let Value::Object(members) = value else {
        return;
    };
    for (name, member) in members.iter_mut() {
        let Value::Object(inner) = member else {
            continue;
        };
        match name.as_str() {
            "settings" => {
                inner.remove("cluster_outcome");
                inner.remove("node_outcome");
            }
            "clusters" | "nodes" => {
                for resource in inner.values_mut() {
                    let resource = resource.as_object_mut().unwrap();
                    resource.remove("outcome");
                    resource.remove("keep_alive");
                }
            }
            _ => {}
        }
        strip_new_members(member);
    }
}

#[tokio::test]
async fn a_dump_from_before_failing_clusters_loads_and_a_broken_one_is_located() {
    let emulator = Emulator::start().await.unwrap();
    let cluster = furnished(&emulator).await;
    let mut old: Value = serde_json::from_str(&emulator.dump_state()).unwrap();
    let before = old.to_string();
    strip_new_members(&mut old);
    for gone in ["cluster_outcome", "\"outcome\":\"Running\"", "keep_alive"] {
        assert!(before.contains(gone), "{gone}");
    }
    assert!(!old.to_string().contains("cluster_outcome"));
    let other = Emulator::start().await.unwrap();
    other.load_state(&old.to_string()).unwrap();
    other.advance_clock(SETTLE);
    assert_eq!(cluster_status(other.addr(), &cluster).await, "running");
    let nodes = ok(other.addr(), "ListNodes", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&nodes["Nodes"], "Status"), ["running"]);

    let text = serde_json::to_string_pretty(&old).unwrap();
    let broken = text.replacen("\"Running\"", "\"Exploded\"", 1);
    assert_ne!(broken, text, "the dump names a phase");
    let error = other.load_state(&broken).unwrap_err();
    let line = text
        .lines()
        .position(|l| l.contains("\"Running\""))
        .unwrap()
        + 1;
    assert_eq!(error.line, line, "{error}");
    assert!(error.to_string().contains("Exploded"), "{error}");
    assert_eq!(cluster_status(other.addr(), &cluster).await, "running");
}

#[tokio::test]
async fn faults_the_gateway_and_both_signatures_apply_to_the_2_0_operations() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    emulator
        .inject("CreateCluster", Fault::InternalError, Times::Next(1))
        .unwrap();
    let failed = call(addr, "CreateCluster", &[("ClusterName", "x")]).await;
    assert_eq!(failed.status, 500);
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(listed["TotalCount"], 0, "a faulted create creates nothing");

    let mut params = support::common("CreateCluster");
    support::set(&mut params, "Version", VERSION);
    params.push(("ClusterName".into(), "x".into()));
    let forged = support::get(addr, &support::signed("GET", "wrong-secret", params)).await;
    assert_eq!(forged.code(), "SignatureDoesNotMatch");
    let not_json = call(addr, "ListClusters", &[("ClusterIds", "[not json")]).await;
    assert_eq!(not_json.code(), "InvalidParameter");
    assert_eq!(ok(addr, "ListClusters", &[]).await["TotalCount"], 0);

    let created = call_v3(addr, "CreateCluster", &[("ClusterName", "by-v3")]).await;
    assert_eq!(
        created.status,
        200,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let id = created.json()["ClusterId"].as_str().unwrap().to_string();
    let got = call_v3(addr, "GetCluster", &[("ClusterId", &id)]).await;
    assert_eq!(got.json()["ClusterName"], "by-v3");
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(fields(&listed["Clusters"], "ClusterId"), [id.as_str()]);
    let missing = call_v3(addr, "GetCluster", &[("ClusterId", "ehpc-hz-0000000000")]).await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, "ClusterNotFound".to_string())
    );
}
