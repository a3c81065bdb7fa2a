//! The resource model through the wire: lifecycles by the emulator's
//! clock, every stateful operation's success, not-found and wrong-state
//! answers, paging and filters, state dump and load, and faults and the
//! gateway on top of the state.

mod support;

use ehpc_emulator::{Emulator, Fault, JobOutcome, Times};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use support::*;

/// Far past every phase with the default settings.
const SETTLE: Duration = Duration::from_secs(100_000);

async fn call(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> Answer {
    let mut params = common(action);
    for (name, value) in extra {
        params.push((name.to_string(), value.to_string()));
    }
    get(addr, &signed("GET", SECRET, params)).await
}

/// The answer, which must be a success.
async fn ok(addr: SocketAddr, action: &str, extra: &[(&str, &str)]) -> Value {
    let answer = call(addr, action, extra).await;
    assert_eq!(
        answer.status,
        200,
        "{action}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

async fn create_cluster(addr: SocketAddr, name: &str) -> String {
    let body = ok(addr, "CreateCluster", &[("Name", name)]).await;
    body["ClusterId"].as_str().unwrap().to_string()
}

async fn status(addr: SocketAddr, cluster: &str) -> String {
    let body = ok(addr, "DescribeCluster", &[("ClusterId", cluster)]).await;
    body["ClusterInfo"]["Status"].as_str().unwrap().to_string()
}

fn strings(value: &Value, field: &str) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_cluster_is_created_runs_changes_and_is_deleted() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let id = create_cluster(addr, "first").await;
    let suffix = id
        .strip_prefix("ehpc-hz-")
        .expect("a cluster id of the region");
    assert_eq!(suffix.len(), 10);
    assert_eq!(status(addr, &id).await, "creating");
    let settings = emulator.settings();
    emulator.advance_clock(Duration::from_secs(settings.cluster_creating_seconds));
    assert_eq!(status(addr, &id).await, "init");
    emulator.advance_clock(Duration::from_secs(settings.cluster_initializing_seconds));
    assert_eq!(status(addr, &id).await, "running");

    ok(
        addr,
        "ModifyClusterAttributes",
        &[("ClusterId", &id), ("Name", "renamed")],
    )
    .await;
    let listed = ok(addr, "ListClusters", &[]).await;
    let clusters = &listed["Clusters"]["ClusterInfoSimple"];
    assert_eq!(strings(clusters, "Id"), [id.as_str()]);
    assert_eq!(strings(clusters, "Name"), ["renamed"]);
    assert_eq!(strings(clusters, "Status"), ["running"]);
    assert_eq!(listed["TotalCount"], 1);

    ok(addr, "DeleteCluster", &[("ClusterId", &id)]).await;
    let gone = call(addr, "DescribeCluster", &[("ClusterId", &id)]).await;
    assert_eq!(
        (gone.status, gone.code()),
        (404, "ClusterNotFound".to_string())
    );
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(
        listed["Clusters"]["ClusterInfoSimple"],
        Value::Array(vec![])
    );
    assert_eq!(listed["TotalCount"], 0);
}

/// A running cluster with a running node in `workq`, user `alice`, a
/// finished job and a queued one; and a cluster still being created.
struct Fixture {
    running: String,
    creating: String,
    node: String,
    finished_job: String,
    queued_job: String,
}

async fn fixture(emulator: &Emulator) -> Fixture {
    let addr = emulator.addr();
    let running = create_cluster(addr, "r").await;
    emulator.advance_clock(SETTLE);
    let added = ok(
        addr,
        "AddNodes",
        &[
            ("ClusterId", &running),
            ("Count", "1"),
            ("JobQueue", "workq"),
        ],
    )
    .await;
    let node = added["InstanceIds"]["InstanceId"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(node.starts_with("i-"), "{node}");
    ok(
        addr,
        "AddUsers",
        &[
            ("ClusterId", &running),
            ("User.1.Name", "alice"),
            ("User.1.Group", "users"),
            ("User.1.Password", "Pw-12345"),
        ],
    )
    .await;
    let job = |body: Value| body["JobId"].as_str().unwrap().to_string();
    let submit = [
        ("ClusterId", running.as_str()),
        ("CommandLine", "hostname"),
        ("RunasUser", "alice"),
    ];
    let finished_job = job(ok(addr, "SubmitJob", &submit).await);
    emulator.advance_clock(SETTLE);
    let queued_job = job(ok(addr, "SubmitJob", &submit).await);
    let creating = create_cluster(addr, "c").await;
    Fixture {
        running,
        creating,
        node,
        finished_job,
        queued_job,
    }
}

/// `(action, extra parameters)` given a cluster id; `{node}`, `{finished}`
/// and `{queued}` stand for the fixture's node and jobs.
const OPERATIONS: &[(&str, &[(&str, &str)])] = &[
    ("DescribeCluster", &[]),
    ("ModifyClusterAttributes", &[("Description", "changed")]),
    ("DeleteCluster", &[]),
    ("AddNodes", &[("Count", "2")]),
    ("ListNodes", &[]),
    ("DeleteNodes", &[("Instance.1.Id", "{node}")]),
    ("AddQueue", &[("QueueName", "extra")]),
    ("ListQueues", &[]),
    ("DeleteQueue", &[("QueueName", "extra")]),
    (
        "AddUsers",
        &[
            ("User.1.Name", "bob"),
            ("User.1.Group", "users"),
            ("User.1.Password", "Pw-12345"),
        ],
    ),
    ("ListUsers", &[]),
    ("DeleteUsers", &[("User.1.Name", "alice")]),
    (
        "SubmitJob",
        &[("CommandLine", "sleep 1"), ("RunasUser", "alice")],
    ),
    ("ListJobs", &[]),
    ("StopJobs", &[("Jobs", "[{\"Id\":\"{queued}\"}]")]),
    ("DeleteJobs", &[("Jobs", "[{\"Id\":\"{finished}\"}]")]),
    ("GetJobLog", &[("JobId", "{finished}")]),
    (
        "ModifyUserGroups",
        &[("User.1.Name", "alice"), ("User.1.Group", "admins")],
    ),
    (
        "UpdateQueueConfig",
        &[("QueueName", "workq"), ("ResourceGroupId", "rg-1")],
    ),
    ("InstallSoftware", &[("Application", "ABYSS_2.1.5")]),
    ("ListInstalledSoftware", &[]),
    ("UninstallSoftware", &[("Application", "ABYSS_2.1.5")]),
];

/// The code a cluster still being created gets, where the operation
/// refuses it.
fn creating_code(action: &str) -> Option<&'static str> {
    match action {
        "DeleteCluster" => Some("ConflictOpt"),
        "AddNodes" | "DeleteNodes" | "AddUsers" | "ListUsers" | "DeleteUsers" | "SubmitJob"
        | "ListJobs" | "StopJobs" | "DeleteJobs" | "ModifyUserGroups" | "UpdateQueueConfig"
        | "InstallSoftware" | "UninstallSoftware" => Some("InvalidClusterStatus"),
        // A cluster being created has no jobs yet.
        "GetJobLog" => Some("InvalidParams"),
        _ => None,
    }
}

async fn run(addr: SocketAddr, action: &str, cluster: &str, fixture: &Fixture) -> Answer {
    let (_, extra) = OPERATIONS.iter().find(|(a, _)| *a == action).unwrap();
    let values: Vec<(&str, String)> = extra
        .iter()
        .map(|(name, value)| {
            let value = value
                .replace("{node}", &fixture.node)
                .replace("{finished}", &fixture.finished_job)
                .replace("{queued}", &fixture.queued_job);
            (*name, value)
        })
        .collect();
    let mut params: Vec<(&str, &str)> = vec![("ClusterId", cluster)];
    params.extend(values.iter().map(|(n, v)| (*n, v.as_str())));
    call(addr, action, &params).await
}

#[tokio::test]
async fn every_stateful_operation_succeeds_is_not_found_and_refuses_the_wrong_state() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let stateful = Emulator::stateful_operations();
    for (action, _) in OPERATIONS {
        assert!(stateful.contains(action), "{action} is not stateful");
        let fixture = fixture(&emulator).await;
        if *action == "DeleteQueue" {
            for cluster in [&fixture.running, &fixture.creating] {
                ok(
                    addr,
                    "AddQueue",
                    &[("ClusterId", cluster), ("QueueName", "extra")],
                )
                .await;
            }
        }
        if *action == "UninstallSoftware" {
            let install = [
                ("ClusterId", fixture.running.as_str()),
                ("Application", "ABYSS_2.1.5"),
            ];
            ok(addr, "InstallSoftware", &install).await;
        }
        let answer = run(addr, action, &fixture.running, &fixture).await;
        assert_eq!(
            answer.status,
            200,
            "{action}: {}",
            String::from_utf8_lossy(&answer.body)
        );

        let missing = run(addr, action, "ehpc-hz-0000000000", &fixture).await;
        assert_eq!(
            (missing.status, missing.code().as_str()),
            (404, "ClusterNotFound"),
            "{action}"
        );

        let creating = run(addr, action, &fixture.creating, &fixture).await;
        match creating_code(action) {
            Some(code) => assert_eq!(creating.code(), code, "{action}"),
            None => assert_eq!(creating.status, 200, "{action}: {}", creating.message()),
        }
    }
    // The answers that follow from the resources' own states.
    let fixture = fixture(&emulator).await;
    let running = fixture.running.as_str();
    let refusal = |answer: Answer| (answer.status, answer.code());
    let code = |status: u16, code: &str| (status, code.to_string());
    let added = ok(addr, "AddNodes", &[("ClusterId", running), ("Count", "1")]).await;
    let fresh = added["InstanceIds"]["InstanceId"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        refusal(
            call(
                addr,
                "DeleteNodes",
                &[("ClusterId", running), ("Instance.1.Id", &fresh)]
            )
            .await
        ),
        code(403, "InvalidNodeStatus")
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "DeleteNodes",
                &[("ClusterId", running), ("Instance.1.Id", "i-none")]
            )
            .await
        ),
        code(404, "ComputeNotFound")
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "AddUsers",
                &[
                    ("ClusterId", running),
                    ("User.1.Name", "alice"),
                    ("User.1.Group", "g"),
                    ("User.1.Password", "Pw-12345")
                ]
            )
            .await
        )
        .1,
        "AgentError.Account.UserAlreadyExist"
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "DeleteUsers",
                &[("ClusterId", running), ("User.1.Name", "nobody")]
            )
            .await
        )
        .1,
        "AgentError.Account.UserNotExist"
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "AddQueue",
                &[("ClusterId", running), ("QueueName", "workq")]
            )
            .await
        )
        .1,
        "ExecFail"
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "DeleteQueue",
                &[("ClusterId", running), ("QueueName", "workq")]
            )
            .await
        )
        .1,
        "ExecFail",
        "a queue with nodes stays"
    );
    let finished = format!("[{{\"Id\":\"{}\"}}]", fixture.finished_job);
    assert_eq!(
        refusal(
            call(
                addr,
                "StopJobs",
                &[("ClusterId", running), ("Jobs", &finished)]
            )
            .await
        ),
        code(403, "ConflictOpt")
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "GetJobLog",
                &[("ClusterId", running), ("JobId", &fixture.queued_job)]
            )
            .await
        ),
        code(403, "ConflictOpt")
    );
    assert_eq!(
        refusal(
            call(
                addr,
                "GetJobLog",
                &[("ClusterId", running), ("JobId", "99.manager")]
            )
            .await
        )
        .1,
        "InvalidParams"
    );
}

#[tokio::test]
async fn changes_to_users_queues_and_software_show_in_the_lists() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let fixture = fixture(&emulator).await;
    let cluster = fixture.running.as_str();
    ok(
        addr,
        "ModifyUserGroups",
        &[
            ("ClusterId", cluster),
            ("User.1.Name", "alice"),
            ("User.1.Group", "admins"),
        ],
    )
    .await;
    let users = ok(addr, "ListUsers", &[("ClusterId", cluster)]).await;
    assert_eq!(strings(&users["Users"]["UserInfo"], "Group"), ["admins"]);
    let missing = call(
        addr,
        "ModifyUserGroups",
        &[
            ("ClusterId", cluster),
            ("User.1.Name", "nobody"),
            ("User.1.Group", "g"),
        ],
    )
    .await;
    assert_eq!(missing.code(), "AgentError.Account.UserNotExist");

    ok(
        addr,
        "UpdateQueueConfig",
        &[
            ("ClusterId", cluster),
            ("QueueName", "workq"),
            ("ResourceGroupId", "rg-7"),
        ],
    )
    .await;
    let queues = ok(addr, "ListQueues", &[("ClusterId", cluster)]).await;
    assert_eq!(
        strings(&queues["Queues"]["QueueInfo"], "ResourceGroupId"),
        ["rg-7"]
    );
    let missing = call(
        addr,
        "UpdateQueueConfig",
        &[("ClusterId", cluster), ("QueueName", "none")],
    )
    .await;
    assert_eq!(missing.code(), "InvalidParams");

    ok(
        addr,
        "InstallSoftware",
        &[("ClusterId", cluster), ("Application", "MPICH_3.2")],
    )
    .await;
    let installed = ok(addr, "ListInstalledSoftware", &[("ClusterId", cluster)]).await;
    let list = &installed["SoftwareList"]["SoftwareList"];
    assert_eq!(strings(list, "SoftwareId"), ["MPICH_3.2"]);
    assert_eq!(strings(list, "SoftwareVersion"), ["3.2"]);
    ok(
        addr,
        "UninstallSoftware",
        &[("ClusterId", cluster), ("Application", "MPICH_3.2")],
    )
    .await;
    let again = call(
        addr,
        "UninstallSoftware",
        &[("ClusterId", cluster), ("Application", "MPICH_3.2")],
    )
    .await;
    assert_eq!(again.code(), "InvalidParams");
    let installed = ok(addr, "ListInstalledSoftware", &[("ClusterId", cluster)]).await;
    assert_eq!(
        installed["SoftwareList"]["SoftwareList"],
        Value::Array(vec![])
    );
}

#[tokio::test]
async fn jobs_go_from_queued_to_running_to_their_configured_end() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let fixture = fixture(&emulator).await;
    let cluster = fixture.running.as_str();
    let states = |body: &Value| strings(&body["Jobs"]["JobInfo"], "State");
    let jobs = ok(addr, "ListJobs", &[("ClusterId", cluster)]).await;
    assert_eq!(
        strings(&jobs["Jobs"]["JobInfo"], "Id"),
        ["1.manager", "2.manager"]
    );
    assert_eq!(states(&jobs), ["FINISHED", "QUEUED"]);
    let queued = ok(
        addr,
        "ListJobs",
        &[("ClusterId", cluster), ("State", "queued")],
    )
    .await;
    assert_eq!(
        strings(&queued["Jobs"]["JobInfo"], "Id"),
        [fixture.queued_job.as_str()]
    );
    assert_eq!(queued["TotalCount"], 1);

    emulator.advance_clock(Duration::from_secs(emulator.settings().job_queued_seconds));
    let jobs = ok(addr, "ListJobs", &[("ClusterId", cluster)]).await;
    assert_eq!(states(&jobs), ["FINISHED", "RUNNING"]);

    let mut settings = emulator.settings();
    settings.job_outcome = JobOutcome::Failed;
    emulator.set_settings(settings);
    let failing = ok(
        addr,
        "SubmitJob",
        &[
            ("ClusterId", cluster),
            ("CommandLine", "false"),
            ("RunasUser", "alice"),
        ],
    )
    .await;
    let failing = failing["JobId"].as_str().unwrap().to_string();
    emulator.advance_clock(SETTLE);
    let log = ok(
        addr,
        "GetJobLog",
        &[("ClusterId", cluster), ("JobId", &failing)],
    )
    .await;
    assert_eq!(log["JobId"], failing.as_str());
    assert_ne!(log["ErrorLog"], "", "a failed job leaves an error log");
    let log = ok(
        addr,
        "GetJobLog",
        &[("ClusterId", cluster), ("JobId", &fixture.finished_job)],
    )
    .await;
    assert_eq!(log["ErrorLog"], "", "a job that succeeded leaves none");
}

#[tokio::test]
async fn lists_page_and_filter_as_the_service_does() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let mut created = Vec::new();
    for n in 0..23 {
        created.push(create_cluster(addr, &format!("c{n}")).await);
    }
    let mut seen = Vec::new();
    for page in 1..=4 {
        let page = page.to_string();
        let body = ok(
            addr,
            "ListClusters",
            &[("PageNumber", &page), ("PageSize", "10")],
        )
        .await;
        assert_eq!(body["TotalCount"], 23);
        assert_eq!(body["PageSize"], 10);
        assert_eq!(body["PageNumber"].to_string(), page);
        seen.extend(strings(&body["Clusters"]["ClusterInfoSimple"], "Id"));
    }
    assert_eq!(
        seen, created,
        "every cluster once, oldest first, the fourth page empty"
    );
    let default = ok(addr, "ListClusters", &[]).await;
    assert_eq!(
        default["Clusters"]["ClusterInfoSimple"]
            .as_array()
            .unwrap()
            .len(),
        10
    );

    emulator.advance_clock(SETTLE);
    let cluster = created[0].as_str();
    ok(
        addr,
        "AddNodes",
        &[
            ("ClusterId", cluster),
            ("Count", "3"),
            ("HostNamePrefix", "gpu"),
        ],
    )
    .await;
    ok(addr, "AddNodes", &[("ClusterId", cluster), ("Count", "2")]).await;
    let gpu = ok(
        addr,
        "ListNodes",
        &[("ClusterId", cluster), ("HostNamePrefix", "gpu")],
    )
    .await;
    assert_eq!(gpu["TotalCount"], 3);
    let hosts = strings(&gpu["Nodes"]["NodeInfo"], "HostName");
    let one = ok(
        addr,
        "ListNodes",
        &[("ClusterId", cluster), ("HostName", &hosts[1])],
    )
    .await;
    assert_eq!(
        strings(&one["Nodes"]["NodeInfo"], "HostName"),
        [hosts[1].clone()]
    );
    let second = ok(
        addr,
        "ListNodes",
        &[
            ("ClusterId", cluster),
            ("PageSize", "4"),
            ("PageNumber", "2"),
        ],
    )
    .await;
    assert_eq!(second["Nodes"]["NodeInfo"].as_array().unwrap().len(), 1);
    assert_eq!(second["TotalCount"], 5);
}

#[tokio::test]
async fn accounts_and_regions_keep_their_own_resources() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let hangzhou = create_cluster(addr, "h").await;
    let beijing = ok(
        addr,
        "CreateCluster",
        &[("Name", "b"), ("RegionId", "cn-beijing")],
    )
    .await;
    let beijing = beijing["ClusterId"].as_str().unwrap();
    assert!(beijing.starts_with("ehpc-bj-"), "{beijing}");
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(
        strings(&listed["Clusters"]["ClusterInfoSimple"], "Id"),
        [hangzhou]
    );
    let elsewhere = call(addr, "DescribeCluster", &[("ClusterId", beijing)]).await;
    assert_eq!(elsewhere.code(), "ClusterNotFound");
    ok(
        addr,
        "DescribeCluster",
        &[("ClusterId", beijing), ("RegionId", "cn-beijing")],
    )
    .await;
}

async fn control(addr: SocketAddr, method: &str, resource: &str, body: &str) -> Answer {
    let request = format!(
        "{method} /__emulator/{resource} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, request.as_bytes()).await.unwrap()
}

#[tokio::test]
async fn the_clock_and_the_state_over_the_control_api() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let id = create_cluster(addr, "c").await;
    let before = emulator.clock_now();
    let answer = control(addr, "POST", "clock", r#"{"advance_seconds": 100000}"#).await;
    assert_eq!(answer.status, 200);
    assert!(answer.json()["now"].as_u64().unwrap() >= before + 100_000);
    assert_eq!(status(addr, &id).await, "running");
    assert_eq!(
        control(addr, "POST", "clock", r#"{"advance": 1}"#)
            .await
            .status,
        400
    );

    let dump = control(addr, "GET", "state", "").await;
    assert_eq!(dump.status, 200);
    let dump = String::from_utf8(dump.body).unwrap();

    // A fresh emulator loads it and has the same cluster, still running.
    let other = Emulator::start().await.unwrap();
    assert_eq!(
        control(other.addr(), "PUT", "state", &dump).await.status,
        200
    );
    assert_eq!(status(other.addr(), &id).await, "running");

    // A broken document is refused with its place and changes nothing.
    let broken = "{\n  \"model\": {\"accounts\": 7}\n}";
    let refused = control(other.addr(), "PUT", "state", broken).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["line"], 2);
    assert_eq!(status(other.addr(), &id).await, "running");
    let error = other.load_state("[").unwrap_err();
    assert_eq!(error.line, 1);
    assert_eq!(other.dump_state(), emulator.dump_state());

    let settings = control(addr, "PUT", "settings", r#"{"job_outcome": "failed"}"#).await;
    assert_eq!(
        settings.status,
        200,
        "{}",
        String::from_utf8_lossy(&settings.body)
    );
    assert_eq!(emulator.settings().job_outcome, JobOutcome::Failed);
}

#[tokio::test]
async fn faults_and_the_gateway_apply_on_top_of_the_state() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    emulator
        .inject(
            "CreateCluster",
            Fault::service_error("TooManyClusters"),
            Times::Next(1),
        )
        .unwrap();
    let refused = call(addr, "CreateCluster", &[("Name", "x")]).await;
    assert_eq!(refused.code(), "TooManyClusters");
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(listed["TotalCount"], 0, "a faulted create creates nothing");

    let mut params = common("CreateCluster");
    params.push(("Name".into(), "x".into()));
    let forged = get(addr, &signed("GET", "wrong-secret", params)).await;
    assert_eq!(forged.code(), "SignatureDoesNotMatch");
    let missing_name = call(addr, "CreateCluster", &[]).await;
    assert_eq!(missing_name.code(), "MissingParameter");
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(listed["TotalCount"], 0, "refused requests create nothing");

    let id = create_cluster(addr, "x").await;
    emulator
        .inject("DescribeCluster", Fault::InternalError, Times::Next(1))
        .unwrap();
    assert_eq!(
        call(addr, "DescribeCluster", &[("ClusterId", &id)])
            .await
            .status,
        500
    );
    assert_eq!(status(addr, &id).await, "creating");
}

#[test]
fn the_readme_lists_the_stateful_operations_of_each_version() {
    let readme = include_str!("../README.md");
    for version in ["2018-04-12", "2023-07-01", "2024-07-30"] {
        let heading = format!("### {version}");
        let start = readme
            .find(&heading)
            .unwrap_or_else(|| panic!("the README has no section {heading}"));
        let section = &readme[start + heading.len()..];
        let section = &section[..section.find("\n#").unwrap_or(section.len())];
        let stateful = Emulator::stateful_operations_in(version);
        assert!(!stateful.is_empty(), "{version}");
        for action in stateful {
            assert!(
                section.contains(&format!("| `{action}` |")),
                "{version} {action} is not in the README table"
            );
        }
    }
}

#[tokio::test]
async fn temporary_keys_reach_the_resources_of_the_account_they_act_for() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let mut params = common("AssumeRole");
    set(&mut params, "Version", "2015-04-01");
    set(&mut params, "RoleArn", "acs:ram::1234567890:role/ehpc");
    set(&mut params, "RoleSessionName", "tests");
    let assumed = get(addr, &signed("GET", SECRET, params)).await.json();
    let credentials = &assumed["Credentials"];
    let (id, secret, token) = (
        credentials["AccessKeyId"].as_str().unwrap(),
        credentials["AccessKeySecret"].as_str().unwrap(),
        credentials["SecurityToken"].as_str().unwrap(),
    );
    let mut params = common("CreateCluster");
    set(&mut params, "AccessKeyId", id);
    set(&mut params, "SecurityToken", token);
    set(&mut params, "Name", "by-a-role");
    let created = get(addr, &signed("GET", secret, params)).await.json();
    let cluster = created["ClusterId"].as_str().unwrap();
    let listed = ok(addr, "ListClusters", &[]).await;
    assert_eq!(
        strings(&listed["Clusters"]["ClusterInfoSimple"], "Id"),
        [cluster]
    );
}
