use super::*;

const SCOPE: Scope<'static> = Scope {
    account: "key",
    region: "cn-hangzhou",
};

fn running_cluster(model: &mut Model) -> String {
    let cluster = model
        .create_cluster(&SCOPE, NewCluster::default(), 0)
        .unwrap();
    let ready =
        model.settings.cluster_creating_seconds + model.settings.cluster_initializing_seconds;
    assert_eq!(
        model.cluster(&SCOPE, &cluster.id, ready).unwrap().phase,
        ClusterPhase::Running
    );
    cluster.id
}

fn ready(model: &Model) -> u64 {
    model.settings.cluster_creating_seconds + model.settings.cluster_initializing_seconds
}

#[test]
fn ids_have_the_service_shapes_and_never_repeat() {
    let mut model = Model::default();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..200 {
        let id = model
            .create_cluster(&SCOPE, NewCluster::default(), 0)
            .unwrap()
            .id;
        let suffix = id.strip_prefix("ehpc-hz-").unwrap();
        assert_eq!(suffix.len(), 10);
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(seen.insert(id));
    }
    let id = running_cluster(&mut model);
    let nodes = NewNodes {
        count: 3,
        ..NewNodes::default()
    };
    for node in model.add_nodes(&SCOPE, &id, nodes, ready(&model)).unwrap() {
        let rest = node.strip_prefix("i-").unwrap();
        assert_eq!(rest.len(), 20);
        assert!(rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
    let job = model
        .submit_job(&SCOPE, &id, NewJob::default(), ready(&model))
        .unwrap();
    assert_eq!(job.id, "1.manager");
    assert_eq!(region_code("ap-southeast-1"), "s1");
    assert_eq!(region_code("cn-shanghai"), "sh");
}

#[test]
fn clusters_go_through_their_phases_by_the_clock() {
    let mut model = Model::default();
    let id = model
        .create_cluster(&SCOPE, NewCluster::default(), 100)
        .unwrap()
        .id;
    let creating = model.settings.cluster_creating_seconds;
    let phase = |model: &mut Model, at| model.cluster(&SCOPE, &id, at).unwrap().phase;
    assert_eq!(phase(&mut model, 100), ClusterPhase::Creating);
    assert_eq!(
        phase(&mut model, 100 + creating - 1),
        ClusterPhase::Creating
    );
    assert_eq!(
        phase(&mut model, 100 + creating),
        ClusterPhase::Initializing
    );
    // One jump past both phases lands in running.
    assert_eq!(phase(&mut model, 100 + 10_000), ClusterPhase::Running);
}

#[test]
fn wrong_state_operations_are_refused() {
    let mut model = Model::default();
    let id = model
        .create_cluster(&SCOPE, NewCluster::default(), 0)
        .unwrap()
        .id;
    let err = model
        .add_nodes(
            &SCOPE,
            &id,
            NewNodes {
                count: 1,
                ..NewNodes::default()
            },
            0,
        )
        .unwrap_err();
    assert_eq!(err.code(), "InvalidClusterStatus");
    let err = model
        .submit_job(&SCOPE, &id, NewJob::default(), 0)
        .unwrap_err();
    assert_eq!(err.code(), "InvalidClusterStatus");
    assert_eq!(
        model.delete_cluster(&SCOPE, &id, 0).unwrap_err().code(),
        "ConflictOpt"
    );
    let now = ready(&model);
    let nodes = model
        .add_nodes(
            &SCOPE,
            &id,
            NewNodes {
                count: 1,
                ..NewNodes::default()
            },
            now,
        )
        .unwrap();
    let err = model.delete_nodes(&SCOPE, &id, &nodes, now).unwrap_err();
    assert_eq!(err.code(), "InvalidNodeStatus");
    let job = model
        .submit_job(&SCOPE, &id, NewJob::default(), now)
        .unwrap();
    assert_eq!(
        model.job_log(&SCOPE, &id, &job.id, now).unwrap_err().code(),
        "ConflictOpt"
    );
    let done = now + 1_000;
    assert_eq!(
        model.job(&SCOPE, &id, &job.id, done).unwrap().phase,
        JobPhase::Succeeded
    );
    let err = model
        .stop_jobs(&SCOPE, &id, std::slice::from_ref(&job.id), done)
        .unwrap_err();
    assert_eq!(err.code(), "ConflictOpt");
}

#[test]
fn jobs_end_as_configured_and_stopped_jobs_stay_stopped() {
    let mut model = Model::default();
    let id = running_cluster(&mut model);
    let now = ready(&model);
    let ok = model
        .submit_job(&SCOPE, &id, NewJob::default(), now)
        .unwrap();
    model.settings.job_outcome = JobOutcome::Failed;
    let failing = model
        .submit_job(&SCOPE, &id, NewJob::default(), now)
        .unwrap();
    let stopped = model
        .submit_job(&SCOPE, &id, NewJob::default(), now)
        .unwrap();
    let queued = model.settings.job_queued_seconds;
    assert_eq!(
        model.job(&SCOPE, &id, &ok.id, now + queued).unwrap().phase,
        JobPhase::Running
    );
    model
        .stop_jobs(&SCOPE, &id, std::slice::from_ref(&stopped.id), now + queued)
        .unwrap();
    let later = now + 10_000;
    assert_eq!(
        model.job(&SCOPE, &id, &ok.id, later).unwrap().phase,
        JobPhase::Succeeded
    );
    assert_eq!(
        model.job(&SCOPE, &id, &failing.id, later).unwrap().phase,
        JobPhase::Failed
    );
    assert_eq!(
        model.job(&SCOPE, &id, &stopped.id, later).unwrap().phase,
        JobPhase::Stopped
    );
    let (_, out, err) = model.job_log(&SCOPE, &id, &failing.id, later).unwrap();
    assert!(out.is_empty() || !err.is_empty());
}

#[test]
fn deleted_resources_are_not_found_and_scopes_are_apart() {
    let mut model = Model::default();
    let id = running_cluster(&mut model);
    let now = ready(&model);
    let other = Scope {
        account: "other",
        region: "cn-hangzhou",
    };
    assert_eq!(
        model.cluster(&other, &id, now).unwrap_err().code(),
        "ClusterNotFound"
    );
    let elsewhere = Scope {
        account: "key",
        region: "cn-beijing",
    };
    assert!(model.clusters(&elsewhere, now).is_empty());
    model
        .add_users(&SCOPE, &id, &[("alice".into(), "users".into())], now)
        .unwrap();
    assert_eq!(
        model
            .add_users(&SCOPE, &id, &[("alice".into(), "users".into())], now)
            .unwrap_err()
            .code(),
        "AgentError.Account.UserAlreadyExist"
    );
    model
        .delete_users(&SCOPE, &id, &["alice".into()], now)
        .unwrap();
    assert_eq!(
        model
            .delete_users(&SCOPE, &id, &["alice".into()], now)
            .unwrap_err()
            .code(),
        "AgentError.Account.UserNotExist"
    );
    model.delete_cluster(&SCOPE, &id, now).unwrap();
    assert_eq!(
        model.cluster(&SCOPE, &id, now).unwrap_err().code(),
        "ClusterNotFound"
    );
    assert!(model.clusters(&SCOPE, now).is_empty());
}

#[test]
fn queues_storages_addons_and_software_come_and_go() {
    let mut model = Model::default();
    let id = running_cluster(&mut model);
    let now = ready(&model);
    model
        .add_queue(&SCOPE, &id, "comp", BTreeMap::new(), now)
        .unwrap();
    assert_eq!(
        model
            .add_queue(&SCOPE, &id, "comp", BTreeMap::new(), now)
            .unwrap_err()
            .code(),
        "ExecFail"
    );
    let nodes = NewNodes {
        count: 1,
        queue: "comp".into(),
        ..NewNodes::default()
    };
    model.add_nodes(&SCOPE, &id, nodes, now).unwrap();
    assert_eq!(
        model
            .delete_queue(&SCOPE, &id, "comp", now)
            .unwrap_err()
            .code(),
        "ExecFail"
    );
    let mount = SharedStorage {
        file_system_id: "fs-1".into(),
        mount_directory: "/home".into(),
        attributes: BTreeMap::new(),
        sequence: 0,
    };
    model
        .attach_storages(&SCOPE, &id, vec![mount.clone()], now)
        .unwrap();
    assert_eq!(
        model
            .attach_storages(&SCOPE, &id, vec![mount], now)
            .unwrap_err()
            .code(),
        "ConflictOpt"
    );
    assert_eq!(model.storages(&SCOPE, &id, now).unwrap().len(), 1);
    let home = ["/home".to_string()];
    model.detach_storages(&SCOPE, &id, &home, now).unwrap();
    assert_eq!(
        model
            .detach_storages(&SCOPE, &id, &home, now)
            .unwrap_err()
            .code(),
        "VolumeNotFound"
    );
    let addon = model
        .install_addon(&SCOPE, &id, "Login", "1.0", now)
        .unwrap();
    assert!(addon.id.starts_with("Login-1.0-"));
    model.uninstall_addon(&SCOPE, &id, &addon.id, now).unwrap();
    assert!(model.addons(&SCOPE, &id, now).unwrap().is_empty());
    model
        .install_software(&SCOPE, &id, "gromacs", "2024.1", now)
        .unwrap();
    assert_eq!(
        model.software(&SCOPE, &id, now).unwrap()[0].version,
        "2024.1"
    );
    model
        .uninstall_software(&SCOPE, &id, "gromacs", now)
        .unwrap();
    assert!(model
        .uninstall_software(&SCOPE, &id, "gromacs", now)
        .is_err());
}

#[test]
fn a_dump_loads_back_equal() {
    let mut model = Model::default();
    let id = running_cluster(&mut model);
    model
        .submit_job(&SCOPE, &id, NewJob::default(), ready(&model))
        .unwrap();
    let text = serde_json::to_string(&model).unwrap();
    let back: Model = serde_json::from_str(&text).unwrap();
    assert_eq!(back, model);
    let error = serde_json::from_str::<Model>("{\"accounts\": {\"k\": 3}}").unwrap_err();
    assert_eq!((error.line(), error.column() > 0), (1, true));
}

#[test]
fn reads_leave_no_trace_and_the_model_stops_growing_at_its_bound() {
    let mut model = Model::default();
    assert!(model.clusters(&SCOPE, 0).is_empty());
    assert!(model.cluster(&SCOPE, "ehpc-hz-x", 0).is_err());
    assert_eq!(model, Model::default(), "reads created nothing");

    let id = running_cluster(&mut model);
    let now = ready(&model);
    let room = MAX_RESOURCES - model.resource_count();
    let nodes = |count| NewNodes {
        count,
        ..NewNodes::default()
    };
    let err = model
        .add_nodes(&SCOPE, &id, nodes(room as u32 + 1), now)
        .unwrap_err();
    assert_eq!(err.code(), "TooManyComputes");
    model
        .add_nodes(&SCOPE, &id, nodes(room as u32), now)
        .unwrap();
    assert_eq!(model.resource_count(), MAX_RESOURCES);
    let err = model
        .create_cluster(&SCOPE, NewCluster::default(), now)
        .unwrap_err();
    assert_eq!(err.code(), "TooManyClusters");
    let err = model
        .submit_job(&SCOPE, &id, NewJob::default(), now)
        .unwrap_err();
    assert_eq!(err.code(), "InvalidParams");

    model.delete_cluster(&SCOPE, &id, now).unwrap();
    assert_eq!(model.resource_count(), 0);
    assert!(model.accounts.is_empty(), "an emptied scope is forgotten");
}

#[test]
fn clusters_and_nodes_end_in_exception_when_the_settings_say_so() {
    let mut model = Model::default();
    model.settings.cluster_outcome = StartOutcome::Exception;
    let cluster = model
        .create_cluster(&SCOPE, NewCluster::default(), 0)
        .unwrap();
    let later = ready(&model);
    assert_eq!(
        model.cluster(&SCOPE, &cluster.id, later).unwrap().phase,
        ClusterPhase::Exception
    );
    assert_eq!(
        model
            .add_nodes(&SCOPE, &cluster.id, NewNodes::default(), later)
            .unwrap_err()
            .code(),
        "InvalidClusterStatus"
    );
    model.delete_cluster(&SCOPE, &cluster.id, later).unwrap();

    model.settings.cluster_outcome = StartOutcome::Running;
    model.settings.node_outcome = StartOutcome::Exception;
    let id = running_cluster(&mut model);
    let nodes = NewNodes {
        count: 1,
        ..NewNodes::default()
    };
    let now = ready(&model);
    let added = model.add_nodes(&SCOPE, &id, nodes, now).unwrap();
    let settled =
        now + model.settings.node_installing_seconds + model.settings.node_initializing_seconds;
    assert_eq!(
        model.nodes(&SCOPE, &id, settled).unwrap()[0].phase,
        NodePhase::Exception
    );
    model.delete_nodes(&SCOPE, &id, &added, settled).unwrap();
}
