//! E-HPC 2.0 (2024-07-30) queues, users, shared storages, add-ons and
//! software through the wire: created, read, listed, changed, removed,
//! and then not found, with the codes 2.0 answers.

mod support;

use ehpc_emulator::Emulator;
use serde_json::json;
use support::v2024::*;

fn code(status: u16, code: &str) -> (u16, String) {
    (status, code.to_string())
}

#[tokio::test]
async fn queues_are_created_read_changed_and_removed() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "q").await;
    let created = ok(
        addr,
        "CreateQueue",
        &[
            ("ClusterId", &cluster),
            (
                "Queue",
                r#"{"QueueName":"gpu","MaxCount":8,"HostnamePrefix":"g"}"#,
            ),
        ],
    )
    .await;
    assert_eq!(created["Name"], "gpu");
    let got = ok(
        addr,
        "GetQueue",
        &[("ClusterId", &cluster), ("QueueName", "gpu")],
    )
    .await;
    assert_eq!(got["Queue"]["QueueName"], "gpu");
    assert_eq!(got["Queue"]["MaxCount"], 8);
    assert_eq!(got["Queue"]["HostnamePrefix"], "g");
    let listed = ok(addr, "ListQueues", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Queues"], "QueueName"), ["comp", "gpu"]);
    assert_eq!(listed["TotalCount"], 2);
    let picked = ok(
        addr,
        "ListQueues",
        &[("ClusterId", &cluster), ("QueueNames", r#"["gpu"]"#)],
    )
    .await;
    assert_eq!(fields(&picked["Queues"], "QueueName"), ["gpu"]);
    assert_eq!(
        refused(
            addr,
            "CreateQueue",
            &[("ClusterId", &cluster), ("Queue", r#"{"QueueName":"gpu"}"#)]
        )
        .await,
        code(406, "AgentError"),
        "the name is taken"
    );

    ok(
        addr,
        "UpdateQueue",
        &[
            ("ClusterId", &cluster),
            ("Queue", r#"{"QueueName":"gpu","MaxCount":16}"#),
        ],
    )
    .await;
    let got = ok(
        addr,
        "GetQueue",
        &[("ClusterId", &cluster), ("QueueName", "gpu")],
    )
    .await;
    assert_eq!(got["Queue"]["MaxCount"], 16);

    // A queue with nodes stays.
    create_nodes(addr, &cluster, 1).await;
    assert_eq!(
        refused(
            addr,
            "DeleteQueues",
            &[("ClusterId", &cluster), ("QueueNames", r#"["gpu","comp"]"#)]
        )
        .await,
        code(406, "AgentError")
    );
    ok(
        addr,
        "DeleteQueues",
        &[("ClusterId", &cluster), ("QueueNames", r#"["gpu"]"#)],
    )
    .await;
    assert_eq!(
        refused(
            addr,
            "GetQueue",
            &[("ClusterId", &cluster), ("QueueName", "gpu")]
        )
        .await,
        code(400, "InvalidParams")
    );
    assert_eq!(
        refused(
            addr,
            "UpdateQueue",
            &[("ClusterId", &cluster), ("Queue", r#"{"QueueName":"gpu"}"#)]
        )
        .await,
        code(400, "InvalidParams")
    );
    assert_eq!(
        refused(
            addr,
            "DeleteQueues",
            &[("ClusterId", &cluster), ("QueueNames", r#"["gpu"]"#)]
        )
        .await,
        code(406, "AgentError")
    );
    let listed = ok(addr, "ListQueues", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Queues"], "QueueName"), ["comp"]);
    assert_eq!(listed["Queues"][0]["Nodes"]["CreatingCounts"], 1);
}

#[tokio::test]
async fn users_are_created_read_changed_paged_and_removed() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "u").await;
    let users = json!([
        {"UserName": "alice", "Group": "users", "Password": "Pw-12345"},
        {"UserName": "bob", "Group": "users", "Password": "Pw-12345"},
        {"UserName": "carol", "Group": "wheel", "Password": "Pw-12345"},
    ])
    .to_string();
    ok(
        addr,
        "CreateUsers",
        &[("ClusterId", &cluster), ("User", &users)],
    )
    .await;
    assert_eq!(
        refused(
            addr,
            "CreateUsers",
            &[("ClusterId", &cluster), ("User", r#"[{"UserName":"bob"}]"#)]
        )
        .await,
        code(400, "InvalidParams"),
        "bob exists already"
    );
    let got = ok(
        addr,
        "GetUser",
        &[("ClusterId", &cluster), ("UserName", "carol")],
    )
    .await;
    assert_eq!(got["User"]["UserName"], "carol");
    assert_eq!(got["User"]["Group"], "wheel");
    let page = ok(
        addr,
        "ListUsers",
        &[
            ("ClusterId", &cluster),
            ("PageSize", "2"),
            ("PageNumber", "2"),
        ],
    )
    .await;
    assert_eq!(fields(&page["Users"]["UserInfo"], "UserName"), ["carol"]);
    assert_eq!(page["TotalCount"], 3);

    ok(
        addr,
        "UpdateUser",
        &[
            ("ClusterId", &cluster),
            ("UserName", "alice"),
            ("Group", "admins"),
        ],
    )
    .await;
    let got = ok(
        addr,
        "GetUser",
        &[("ClusterId", &cluster), ("UserName", "alice")],
    )
    .await;
    assert_eq!(got["User"]["Group"], "admins");

    let gone = r#"[{"UserName":"alice"},{"UserName":"bob"}]"#;
    ok(
        addr,
        "DeleteUsers",
        &[("ClusterId", &cluster), ("User", gone)],
    )
    .await;
    let listed = ok(addr, "ListUsers", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Users"]["UserInfo"], "UserName"), ["carol"]);
    for (action, params) in [
        ("GetUser", vec![("UserName", "alice")]),
        ("UpdateUser", vec![("UserName", "alice"), ("Group", "g")]),
        ("DeleteUsers", vec![("User", gone)]),
    ] {
        let mut params = params;
        params.push(("ClusterId", &cluster));
        assert_eq!(
            refused(addr, action, &params).await,
            code(400, "InvalidParams"),
            "{action}"
        );
    }
}

#[tokio::test]
async fn shared_storages_are_attached_listed_and_detached() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "s").await;
    let mount = |fs: &str, dir: &str, kind: &str| {
        json!({
            "FileSystemId": fs, "MountDirectory": dir, "MountTarget": format!("{fs}.nas"),
            "ProtocolType": "nfs", "StorageDirectory": "/", "VolumeType": kind,
        })
    };
    let mounts = json!([
        mount("fs-a", "/home", "NAS"),
        mount("fs-a", "/opt", "NAS"),
        mount("fs-b", "/scratch", "CPFS"),
    ])
    .to_string();
    let attached = ok(
        addr,
        "AttachSharedStorages",
        &[("ClusterId", &cluster), ("SharedStorages", &mounts)],
    )
    .await;
    assert_eq!(attached["ClusterId"], cluster.as_str());
    let again = json!([mount("fs-c", "/home", "NAS")]).to_string();
    assert_eq!(
        refused(
            addr,
            "AttachSharedStorages",
            &[("ClusterId", &cluster), ("SharedStorages", &again)]
        )
        .await,
        code(400, "InvalidParams"),
        "/home is taken"
    );
    let listed = ok(addr, "ListSharedStorages", &[("ClusterId", &cluster)]).await;
    let storages = &listed["SharedStorages"];
    assert_eq!(fields(storages, "FileSystemId"), ["fs-a", "fs-b"]);
    assert_eq!(
        fields(&storages[0]["MountInfo"], "MountDirectory"),
        ["/home", "/opt"]
    );
    assert_eq!(storages[1]["FileSystemType"], "CPFS");
    let cpfs = ok(
        addr,
        "ListSharedStorages",
        &[("ClusterId", &cluster), ("FileSystemType", "cpfs")],
    )
    .await;
    assert_eq!(fields(&cpfs["SharedStorages"], "FileSystemId"), ["fs-b"]);
    let by_id = ok(
        addr,
        "ListSharedStorages",
        &[("ClusterId", &cluster), ("FileSystemId", "fs-a")],
    )
    .await;
    assert_eq!(fields(&by_id["SharedStorages"], "FileSystemId"), ["fs-a"]);

    let home = r#"[{"MountDirectory":"/home"}]"#;
    ok(
        addr,
        "DetachSharedStorages",
        &[("ClusterId", &cluster), ("SharedStorages", home)],
    )
    .await;
    assert_eq!(
        refused(
            addr,
            "DetachSharedStorages",
            &[("ClusterId", &cluster), ("SharedStorages", home)]
        )
        .await,
        code(404, "VolumeNotFound")
    );
    let listed = ok(addr, "ListSharedStorages", &[("ClusterId", &cluster)]).await;
    assert_eq!(
        fields(&listed["SharedStorages"][0]["MountInfo"], "MountDirectory"),
        ["/opt"]
    );
}

#[tokio::test]
async fn addons_are_installed_read_listed_and_removed() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "a").await;
    let install = |name: &'static str| {
        let cluster = cluster.clone();
        async move {
            let body = ok(
                addr,
                "InstallAddon",
                &[
                    ("ClusterId", &cluster),
                    ("AddonName", name),
                    ("AddonVersion", "1.0"),
                    ("ServicesSpec", "[]"),
                    ("ResourcesSpec", "{}"),
                ],
            )
            .await;
            body["AddonId"].as_str().unwrap().to_string()
        }
    };
    let login = install("Login").await;
    let portal = install("Portal").await;
    assert!(login.starts_with("Login-1.0-"), "{login}");
    let got = ok(
        addr,
        "GetAddon",
        &[("ClusterId", &cluster), ("AddonId", &portal)],
    )
    .await;
    assert_eq!(got["Addon"]["Name"], "Portal");
    assert_eq!(got["Addon"]["Status"], "Running");
    let listed = ok(addr, "ListAddons", &[("ClusterId", &cluster)]).await;
    assert_eq!(
        fields(&listed["Addons"], "AddonId"),
        [login.as_str(), &portal]
    );
    let picked = ok(
        addr,
        "ListAddons",
        &[
            ("ClusterId", &cluster),
            ("AddonIds", &json!([login]).to_string()),
        ],
    )
    .await;
    assert_eq!(fields(&picked["Addons"], "Name"), ["Login"]);
    assert_eq!(picked["TotalCount"], 1);

    ok(
        addr,
        "UnInstallAddon",
        &[("ClusterId", &cluster), ("AddonId", &login)],
    )
    .await;
    for action in ["GetAddon", "UnInstallAddon"] {
        assert_eq!(
            refused(
                addr,
                action,
                &[("ClusterId", &cluster), ("AddonId", &login)]
            )
            .await,
            code(400, "InvalidParams"),
            "{action}"
        );
    }
    let listed = ok(addr, "ListAddons", &[("ClusterId", &cluster)]).await;
    assert_eq!(fields(&listed["Addons"], "AddonId"), [portal.as_str()]);
}

#[tokio::test]
async fn software_is_installed_paged_and_removed_all_or_none() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "w").await;
    let packages = r#"[{"Name":"gromacs","Version":"2024.1"},{"Name":"lammps","Version":"2023"},{"Name":"wrf","Version":"4.5"}]"#;
    ok(
        addr,
        "InstallSoftwares",
        &[("ClusterId", &cluster), ("AdditionalPackages", packages)],
    )
    .await;
    let page = ok(
        addr,
        "ListInstalledSoftwares",
        &[("ClusterId", &cluster), ("PageSize", "2")],
    )
    .await;
    let installed = &page["AdditionalPackages"]["AdditionalPackageInfos"];
    assert_eq!(fields(installed, "Name"), ["gromacs", "lammps"]);
    assert_eq!(fields(installed, "Version"), ["2024.1", "2023"]);
    assert_eq!(page["TotalCount"], 3);

    let with_unknown = r#"[{"Name":"wrf"},{"Name":"namd"}]"#;
    assert_eq!(
        refused(
            addr,
            "UninstallSoftwares",
            &[
                ("ClusterId", &cluster),
                ("AdditionalPackages", with_unknown)
            ]
        )
        .await,
        code(400, "InvalidParams")
    );
    let listed = ok(addr, "ListInstalledSoftwares", &[("ClusterId", &cluster)]).await;
    assert_eq!(listed["TotalCount"], 3, "nothing was removed");
    ok(
        addr,
        "UninstallSoftwares",
        &[
            ("ClusterId", &cluster),
            ("AdditionalPackages", r#"[{"Name":"wrf"}]"#),
        ],
    )
    .await;
    let listed = ok(addr, "ListInstalledSoftwares", &[("ClusterId", &cluster)]).await;
    assert_eq!(
        fields(
            &listed["AdditionalPackages"]["AdditionalPackageInfos"],
            "Name"
        ),
        ["gromacs", "lammps"]
    );
}

#[tokio::test]
async fn unknown_jobs_and_nodes_are_invalid_parameters() {
    let emulator = Emulator::start().await.unwrap();
    let addr = emulator.addr();
    let cluster = running_cluster(&emulator, "x").await;
    for (action, params) in [
        ("GetJob", vec![("JobId", "99")]),
        ("GetJobLog", vec![("JobId", "99")]),
        ("StopJobs", vec![("JobIds", r#"["99"]"#)]),
        ("DeleteNodes", vec![("InstanceIds", r#"["i-none"]"#)]),
        (
            "UpdateNodes",
            vec![("Instances", r#"[{"InstanceId":"i-none","KeepAlive":true}]"#)],
        ),
    ] {
        let mut params = params;
        params.push(("ClusterId", &cluster));
        assert_eq!(
            refused(addr, action, &params).await,
            code(400, "InvalidParams"),
            "{action}"
        );
    }
    // A node still starting cannot be deleted yet.
    let node = create_nodes(addr, &cluster, 1).await;
    let ids = json!(node).to_string();
    assert_eq!(
        refused(
            addr,
            "DeleteNodes",
            &[("ClusterId", &cluster), ("InstanceIds", &ids)]
        )
        .await,
        code(400, "InvalidParams")
    );
    // A job still queued has no log yet.
    let job = create_job(addr, &cluster, "hostname").await;
    assert_eq!(
        refused(
            addr,
            "GetJobLog",
            &[("ClusterId", &cluster), ("JobId", &job)]
        )
        .await,
        code(400, "InvalidParams")
    );
}
