//! The stateful operations of 2018-04-12 (E-HPC 1.0 clusters).

use super::super::shape::{self, Page};
use super::{cluster_status, node_status, time, Call};
use crate::model::{
    ClusterUpdate, JobIdStyle, JobPhase, Model, ModelError, NewCluster, NewJob, NewNodes,
    NodePhase, Scope,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The API version these operations are of.
pub(super) const VERSION: &str = "2018-04-12";

/// The actions answered from the model.
pub(super) const STATEFUL: &[&str] = &[
    "CreateCluster",
    "DescribeCluster",
    "ListClusters",
    "ModifyClusterAttributes",
    "DeleteCluster",
    "AddNodes",
    "ListNodes",
    "DeleteNodes",
    "AddQueue",
    "ListQueues",
    "DeleteQueue",
    "AddUsers",
    "ListUsers",
    "DeleteUsers",
    "SubmitJob",
    "ListJobs",
    "StopJobs",
    "DeleteJobs",
    "GetJobLog",
    "ModifyUserGroups",
    "UpdateQueueConfig",
    "InstallSoftware",
    "ListInstalledSoftware",
    "UninstallSoftware",
];

/// Queue fields `UpdateQueueConfig` sets and `ListQueues` echoes.
const QUEUE_FIELDS: &[&str] = &[
    "ResourceGroupId",
    "DeploymentSetId",
    "NetworkInterfaceTrafficMode",
];

/// Cluster fields kept as given at creation and echoed where an answer
/// has a field of the same name.
const ECHOED: &[&str] = &[
    "ZoneId",
    "OsTag",
    "AccountType",
    "SchedulerType",
    "SecurityGroupId",
    "VpcId",
    "VSwitchId",
    "DeployMode",
    "EcsChargeType",
    "ImageId",
    "ImageOwnerAlias",
    "ClientVersion",
    "ClusterVersion",
    "ResourceGroupId",
];

fn job_state(phase: JobPhase) -> &'static str {
    match phase {
        JobPhase::Queued => "QUEUED",
        JobPhase::Running => "RUNNING",
        JobPhase::Succeeded | JobPhase::Failed | JobPhase::Stopped => "FINISHED",
    }
}

/// The answer of `action` from the model, or `None` when it is not
/// stateful.
pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
) -> Option<Result<Value, ModelError>> {
    let region = scope.region;
    let now = call.now;
    let cluster_id = call.text("ClusterId");
    let mut body = call.example.clone();
    let result = match action {
        "CreateCluster" => {
            let attributes = ECHOED
                .iter()
                .filter_map(|name| Some((name.to_string(), call.param(name)?.to_string())))
                .collect();
            let queue = call.param("JobQueue").unwrap_or("workq").to_string();
            let new = NewCluster {
                name: call.text("Name"),
                description: call.text("Description"),
                job_id_style: Some(JobIdStyle::Pbs),
                attributes,
                queues: vec![queue],
            };
            model.create_cluster(scope, new, now).map(|cluster| {
                body["ClusterId"] = cluster.id.into();
                body["TaskId"] = call.task_id.clone().into();
            })
        }
        "DescribeCluster" => model.cluster(scope, &cluster_id, now).map(|cluster| {
            let info = &mut body["ClusterInfo"];
            shape::overlay(info, &cluster.attributes);
            shape::set(info, "Id", cluster.id.as_str());
            shape::set(info, "Name", cluster.name.as_str());
            shape::set(info, "Description", cluster.description.as_str());
            shape::set(info, "Status", cluster_status(cluster.phase));
            shape::set(info, "CreateTime", time(cluster.created));
            shape::set(info, "RegionId", region);
        }),
        "ListClusters" => {
            let clusters = model.clusters(scope, now);
            let page = Page::from_request(call.request);
            let items = page.take(&clusters).iter().map(|cluster| {
                let running = cluster
                    .nodes
                    .values()
                    .filter(|n| n.phase == NodePhase::Running)
                    .count();
                let mut item = json!({
                    "Id": cluster.id,
                    "Name": cluster.name,
                    "Description": cluster.description,
                    "Status": cluster_status(cluster.phase),
                    "CreateTime": time(cluster.created),
                    "RegionId": region,
                    "Count": cluster.nodes.len(),
                    "Computes": {
                        "Total": cluster.nodes.len(),
                        "NormalCount": running,
                        "OperatingCount": cluster.nodes.len() - running,
                        "ExceptionCount": 0,
                        "StoppedCount": 0,
                    },
                });
                shape::overlay(&mut item, &cluster.attributes);
                item
            });
            shape::list(
                &mut body,
                &["Clusters", "ClusterInfoSimple"],
                items.collect(),
            );
            page.answer(&mut body, clusters.len());
            Ok(())
        }
        "ModifyClusterAttributes" => {
            let update = ClusterUpdate {
                name: call.param("Name").map(str::to_string),
                description: call.param("Description").map(str::to_string),
                attributes: BTreeMap::new(),
            };
            model
                .update_cluster(scope, &cluster_id, update, now)
                .map(|_| ())
        }
        "DeleteCluster" => model.delete_cluster(scope, &cluster_id, now).map(|()| {
            body["TaskId"] = call.task_id.clone().into();
        }),
        "AddNodes" => {
            let new = NewNodes {
                count: call
                    .param("Count")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1),
                queue: call.text("JobQueue"),
                instance_type: call.text("InstanceType"),
                hostname_prefix: call.text("HostNamePrefix"),
                keep_alive: false,
            };
            model.add_nodes(scope, &cluster_id, new, now).map(|ids| {
                body["InstanceIds"] = json!({ "InstanceId": ids });
                body["TaskId"] = call.task_id.clone().into();
            })
        }
        "ListNodes" => model.nodes(scope, &cluster_id, now).map(|nodes| {
            let host = call.param("HostName");
            let prefix = call.param("HostNamePrefix").unwrap_or_default();
            let chosen: Vec<_> = nodes
                .iter()
                .filter(|n| host.is_none_or(|h| n.hostname == h))
                .filter(|n| n.hostname.starts_with(prefix))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|node| {
                json!({
                    "Id": node.id,
                    "HostName": node.hostname,
                    "Status": node_status(node.phase),
                    "InstanceType": node.instance_type,
                    "AddTime": time(node.created),
                    "RegionId": region,
                    "Roles": {"Role": ["Compute"]},
                })
            });
            shape::list(&mut body, &["Nodes", "NodeInfo"], items.collect());
            page.answer(&mut body, chosen.len());
        }),
        "DeleteNodes" => {
            let ids = shape::repeated(&call.request.params, "Instance", "Id");
            model
                .delete_nodes(scope, &cluster_id, &ids, now)
                .map(|()| body["TaskId"] = call.task_id.clone().into())
        }
        "AddQueue" => model
            .add_queue(
                scope,
                &cluster_id,
                &call.text("QueueName"),
                BTreeMap::new(),
                now,
            )
            .map(|_| ()),
        "ListQueues" => model.queues(scope, &cluster_id, now).map(|queues| {
            let items = queues.iter().map(|queue| {
                let mut item = json!({"QueueName": queue.name, "Type": "Execution"});
                for (name, value) in &queue.attributes {
                    item[name] = value.clone().into();
                }
                item
            });
            shape::list(&mut body, &["Queues", "QueueInfo"], items.collect());
        }),
        "DeleteQueue" => model.delete_queue(scope, &cluster_id, &call.text("QueueName"), now),
        "AddUsers" => {
            let names = shape::repeated(&call.request.params, "User", "Name");
            let groups = shape::repeated(&call.request.params, "User", "Group");
            let users: Vec<(String, String)> = names.into_iter().zip(groups).collect();
            model.add_users(scope, &cluster_id, &users, now)
        }
        "ListUsers" => model.users(scope, &cluster_id, now).map(|users| {
            let page = Page::from_request(call.request);
            let items = page
                .take(&users)
                .iter()
                .map(|u| json!({"Name": u.name, "Group": u.group, "AddTime": time(u.created)}));
            shape::list(&mut body, &["Users", "UserInfo"], items.collect());
            page.answer(&mut body, users.len());
        }),
        "DeleteUsers" => {
            let names = shape::repeated(&call.request.params, "User", "Name");
            model.delete_users(scope, &cluster_id, &names, now)
        }
        "SubmitJob" => {
            let new = NewJob {
                name: call.text("Name"),
                owner: call.text("RunasUser"),
                queue: call.text("JobQueue"),
                command: call.text("CommandLine"),
            };
            model.submit_job(scope, &cluster_id, new, now).map(|job| {
                body["JobId"] = job.id.into();
            })
        }
        "ListJobs" => model.jobs(scope, &cluster_id, now).map(|jobs| {
            let owner = call.param("Owner");
            let state = call
                .param("State")
                .filter(|s| !s.eq_ignore_ascii_case("all"));
            let chosen: Vec<_> = jobs
                .iter()
                .filter(|j| owner.is_none_or(|o| j.owner == o))
                .filter(|j| state.is_none_or(|s| job_state(j.phase).eq_ignore_ascii_case(s)))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|job| {
                json!({
                    "Id": job.id,
                    "Name": job.name,
                    "Owner": job.owner,
                    "State": job_state(job.phase),
                    "SubmitTime": time(job.submitted),
                    "StartTime": job.started.map(time).unwrap_or_default(),
                    "LastModifyTime": time(job.phase_since),
                })
            });
            shape::list(&mut body, &["Jobs", "JobInfo"], items.collect());
            page.answer(&mut body, chosen.len());
        }),
        "StopJobs" | "DeleteJobs" => match job_ids(&call.text("Jobs")) {
            Err(reason) => Err(ModelError::InvalidParams { reason }),
            Ok(ids) if action == "StopJobs" => model.stop_jobs(scope, &cluster_id, &ids, now),
            Ok(ids) => model.delete_jobs(scope, &cluster_id, &ids, now),
        },
        "GetJobLog" => model
            .job_log(scope, &cluster_id, &call.text("JobId"), now)
            .map(|(job, out, err)| {
                body["JobId"] = job.id.into();
                body["OutputLog"] = STANDARD.encode(out).into();
                body["ErrorLog"] = STANDARD.encode(err).into();
            }),
        "ModifyUserGroups" => {
            let names = shape::repeated(&call.request.params, "User", "Name");
            let groups = shape::repeated(&call.request.params, "User", "Group");
            names.into_iter().zip(groups).try_for_each(|(name, group)| {
                model
                    .update_user(scope, &cluster_id, &name, Some(group), now)
                    .map(|_| ())
            })
        }
        "UpdateQueueConfig" => {
            let attributes = QUEUE_FIELDS
                .iter()
                .filter_map(|name| Some((name.to_string(), call.param(name)?.to_string())))
                .collect();
            model
                .update_queue(scope, &cluster_id, &call.text("QueueName"), attributes, now)
                .map(|_| ())
        }
        "InstallSoftware" => {
            let application = call.text("Application");
            let version = application
                .rsplit_once('_')
                .map_or("", |(_, v)| v)
                .to_string();
            model.install_software(scope, &cluster_id, &application, &version, now)
        }
        "UninstallSoftware" => {
            model.uninstall_software(scope, &cluster_id, &call.text("Application"), now)
        }
        "ListInstalledSoftware" => model.software(scope, &cluster_id, now).map(|installed| {
            let items = installed.iter().map(|software| {
                let name = software.name.split('_').next().unwrap_or_default();
                json!({
                    "SoftwareId": software.name,
                    "SoftwareName": name.to_ascii_lowercase(),
                    "SoftwareVersion": software.version,
                })
            });
            shape::list(
                &mut body,
                &["SoftwareList", "SoftwareList"],
                items.collect(),
            );
        }),
        _ => return None,
    };
    Some(result.map(|()| body))
}

/// The `Jobs` parameter: `[{"Id": "1.manager"}, ...]`.
fn job_ids(text: &str) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("Jobs is not a JSON list of {{\"Id\": ...}} objects: {e}"))?;
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|item| item.get("Id")?.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| "Jobs is not a JSON list of {\"Id\": ...} objects".to_string())
}
