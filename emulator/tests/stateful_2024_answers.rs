//! Every stateful operation of 2024-07-30: its success, its not-found and
//! (where it has one) its wrong-state answer, through the wire.

mod support;

use ehpc_emulator::Emulator;
use serde_json::json;
use support::v2024::*;
use support::Answer;

/// A running cluster with a running node in `comp`, a finished job and a
/// queued one, and the resources each operation needs; and a cluster
/// still being created.
struct Fixture {
    running: String,
    creating: String,
    node: String,
    finished_job: String,
    queued_job: String,
    addon: String,
}

async fn fixture(emulator: &Emulator) -> Fixture {
    let addr = emulator.addr();
    let running = running_cluster(emulator, "r").await;
    let node = create_nodes(addr, &running, 1).await.remove(0);
    let finished_job = create_job(addr, &running, "hostname").await;
    emulator.advance_clock(SETTLE);
    let queued_job = create_job(addr, &running, "sleep 100").await;
    for (action, params) in SETUP {
        let mut with_cluster = vec![("ClusterId", running.as_str())];
        with_cluster.extend_from_slice(params);
        ok(addr, action, &with_cluster).await;
    }
    let addon = ok(
        addr,
        "InstallAddon",
        &[
            ("ClusterId", &running),
            ("AddonName", "Login"),
            ("AddonVersion", "1.0"),
            ("ServicesSpec", "[]"),
            ("ResourcesSpec", "{}"),
        ],
    )
    .await["AddonId"]
        .as_str()
        .unwrap()
        .to_string();
    let creating = create_cluster(addr, "c").await;
    // Queues can be added to a cluster being created, so both have one
    // for DeleteQueues to remove.
    for cluster in [&running, &creating] {
        let queue = [
            ("ClusterId", cluster.as_str()),
            ("Queue", r#"{"QueueName":"extra"}"#),
        ];
        ok(addr, "CreateQueue", &queue).await;
    }
    Fixture {
        running,
        creating,
        node,
        finished_job,
        queued_job,
        addon,
    }
}

/// What the fixture's running cluster is given besides nodes, jobs and
/// an add-on.
const SETUP: &[(&str, &[(&str, &str)])] = &[
    (
        "CreateUsers",
        &[(
            "User",
            r#"[{"UserName":"alice","Group":"users","Password":"Pw-12345"}]"#,
        )],
    ),
    ("AttachSharedStorages", &[("SharedStorages", HOME)]),
    (
        "InstallSoftwares",
        &[(
            "AdditionalPackages",
            r#"[{"Name":"gromacs","Version":"2024.1"}]"#,
        )],
    ),
];

/// A NAS file system mounted at `/home`.
const HOME: &str = r#"[{"FileSystemId":"08c7a4b2","MountDirectory":"/home","MountTarget":"08c7a4b2-x.cn-hangzhou.nas.aliyuncs.com","ProtocolType":"nfs","StorageDirectory":"/","VolumeType":"NAS"}]"#;

/// `(action, extra parameters)` given a cluster id; `{node}`,
/// `{finished}` and `{queued}` stand for the fixture's node and jobs.
const OPERATIONS: &[(&str, &[(&str, &str)])] = &[
    ("GetCluster", &[]),
    ("UpdateCluster", &[("ClusterDescription", "changed")]),
    ("DeleteCluster", &[]),
    (
        "CreateNodes",
        &[
            ("Count", "2"),
            ("QueueName", "comp"),
            ("ComputeNode", r#"{"InstanceType":"ecs.c7.large"}"#),
        ],
    ),
    ("ListNodes", &[]),
    ("DeleteNodes", &[("InstanceIds", r#"["{node}"]"#)]),
    (
        "UpdateNodes",
        &[("Instances", r#"[{"InstanceId":"{node}","KeepAlive":true}]"#)],
    ),
    (
        "CreateJob",
        &[
            ("JobName", "j"),
            ("JobSpec", r#"{"CommandLine":"hostname"}"#),
        ],
    ),
    ("GetJob", &[("JobId", "{finished}")]),
    ("ListJobs", &[]),
    ("StopJobs", &[("JobIds", r#"["{queued}"]"#)]),
    ("GetJobLog", &[("JobId", "{finished}")]),
    (
        "CreateQueue",
        &[("Queue", r#"{"QueueName":"q2","MaxCount":10}"#)],
    ),
    ("GetQueue", &[("QueueName", "comp")]),
    ("ListQueues", &[]),
    (
        "UpdateQueue",
        &[("Queue", r#"{"QueueName":"comp","MaxCount":5}"#)],
    ),
    ("DeleteQueues", &[("QueueNames", r#"["extra"]"#)]),
    (
        "CreateUsers",
        &[(
            "User",
            r#"[{"UserName":"bob","Group":"users","Password":"Pw-12345"}]"#,
        )],
    ),
    ("GetUser", &[("UserName", "alice")]),
    ("ListUsers", &[]),
    ("UpdateUser", &[("UserName", "alice"), ("Group", "admins")]),
    ("DeleteUsers", &[("User", r#"[{"UserName":"alice"}]"#)]),
    (
        "AttachSharedStorages",
        &[(
            "SharedStorages",
            r#"[{"FileSystemId":"08c7a4b2","MountDirectory":"/data","MountTarget":"08c7a4b2-x.cn-hangzhou.nas.aliyuncs.com","ProtocolType":"nfs","StorageDirectory":"/data","VolumeType":"NAS"}]"#,
        )],
    ),
    ("ListSharedStorages", &[]),
    (
        "DetachSharedStorages",
        &[("SharedStorages", r#"[{"MountDirectory":"/home"}]"#)],
    ),
    (
        "InstallAddon",
        &[
            ("AddonName", "Login"),
            ("AddonVersion", "1.0"),
            ("ServicesSpec", "[]"),
            ("ResourcesSpec", "{}"),
        ],
    ),
    ("GetAddon", &[("AddonId", "{addon}")]),
    ("ListAddons", &[]),
    ("UnInstallAddon", &[("AddonId", "{addon}")]),
    (
        "InstallSoftwares",
        &[(
            "AdditionalPackages",
            r#"[{"Name":"ABYSS","Version":"2.1.5"}]"#,
        )],
    ),
    ("ListInstalledSoftwares", &[]),
    (
        "UninstallSoftwares",
        &[(
            "AdditionalPackages",
            r#"[{"Name":"gromacs","Version":"2024.1"}]"#,
        )],
    ),
];

/// The code a cluster still being created gets, where the operation
/// refuses it.
fn creating_code(action: &str) -> Option<&'static str> {
    match action {
        "DeleteCluster"
        | "CreateNodes"
        | "DeleteNodes"
        | "UpdateNodes"
        | "CreateJob"
        | "ListJobs"
        | "StopJobs"
        | "UpdateQueue"
        | "CreateUsers"
        | "GetUser"
        | "ListUsers"
        | "UpdateUser"
        | "DeleteUsers"
        | "AttachSharedStorages"
        | "DetachSharedStorages"
        | "InstallAddon"
        | "UnInstallAddon"
        | "InstallSoftwares"
        | "UninstallSoftwares" => Some("InvalidClusterStatus"),
        // A cluster being created has no jobs or add-ons yet.
        "GetJob" | "GetJobLog" | "GetAddon" => Some("InvalidParams"),
        _ => None,
    }
}

async fn run(emulator: &Emulator, action: &str, cluster: &str, fixture: &Fixture) -> Answer {
    let (_, extra) = OPERATIONS.iter().find(|(a, _)| *a == action).unwrap();
    let values: Vec<(&str, String)> = extra
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace("{node}", &fixture.node)
                .replace("{finished}", &fixture.finished_job)
                .replace("{queued}", &fixture.queued_job)
                .replace("{addon}", &fixture.addon);
            (*name, value)
        })
        .collect();
    let mut params: Vec<(&str, &str)> = vec![("ClusterId", cluster)];
    params.extend(values.iter().map(|(n, v)| (*n, v.as_str())));
    call(emulator.addr(), action, &params).await
}

#[tokio::test]
async fn every_stateful_operation_succeeds_is_not_found_and_refuses_the_wrong_state() {
    let emulator = Emulator::start().await.unwrap();
    let stateful = Emulator::stateful_operations_in(VERSION);
    for (action, _) in OPERATIONS {
        assert!(stateful.contains(action), "{action} is not stateful");
        let fixture = fixture(&emulator).await;
        let answer = run(&emulator, action, &fixture.running, &fixture).await;
        assert_eq!(
            answer.status,
            200,
            "{action}: {}",
            String::from_utf8_lossy(&answer.body)
        );

        let missing = run(&emulator, action, "ehpc-hz-0000000000", &fixture).await;
        assert_eq!(
            (missing.status, missing.code().as_str()),
            (404, "ClusterNotFound"),
            "{action}: {}",
            missing.message()
        );

        let creating = run(&emulator, action, &fixture.creating, &fixture).await;
        match creating_code(action) {
            Some(code) => assert_eq!(creating.code(), code, "{action}"),
            None => assert_eq!(creating.status, 200, "{action}: {}", creating.message()),
        }
    }
}

#[tokio::test]
async fn every_stateful_operation_of_the_version_is_exercised() {
    let covered: Vec<&str> = OPERATIONS
        .iter()
        .map(|(a, _)| *a)
        .chain(["CreateCluster", "ListClusters"])
        .collect();
    for action in Emulator::stateful_operations_in(VERSION) {
        assert!(covered.contains(&action), "{action} has no answers test");
    }
}

#[tokio::test]
async fn refusals_carry_the_status_and_message_the_version_documents() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    // GetCluster has no error table; ClusterNotFound comes as its
    // siblings (DeleteCluster, StopJobs, ...) document it.
    let answer = call(addr, "GetCluster", &[("ClusterId", "ehpc-hz-0000000000")]).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (404, "ClusterNotFound")
    );
    assert!(
        answer
            .message()
            .starts_with("The specified cluster does not exist."),
        "{}",
        answer.message()
    );
    let creating = create_cluster(addr, "c").await;
    let answer = call(addr, "DeleteCluster", &[("ClusterId", &creating)]).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (403, "InvalidClusterStatus")
    );
    let spec = json!({"CommandLine": "hostname"}).to_string();
    let answer = call(
        addr,
        "CreateJob",
        &[("ClusterId", &creating), ("JobSpec", &spec)],
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (403, "InvalidClusterStatus")
    );
}
