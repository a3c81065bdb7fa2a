//! Clusters and their nodes.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, object_list, string_list};
use super::super::{cluster_status, node_status, time, Call};
use crate::model::{
    Cluster, ClusterUpdate, JobIdStyle, Model, ModelError, NewCluster, NewNodes, NodePhase, Scope,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Cluster fields kept as given at creation (and by `UpdateCluster`) and
/// echoed where an answer has a field of the same name.
const ECHOED: &[&str] = &[
    "ClusterCategory",
    "ClusterMode",
    "ClusterVpcId",
    "ClusterVSwitchId",
    "SecurityGroupId",
    "ClientVersion",
    "ResourceGroupId",
    "MaxCount",
    "MaxCoreCount",
    "DeletionProtection",
    "GrowInterval",
    "IdleInterval",
    "EnableScaleIn",
    "EnableScaleOut",
];

/// The queue a cluster created without `Queues` has (the spec's example).
const DEFAULT_QUEUE: &str = "comp";

pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
    body: &mut Value,
) -> Option<Result<(), ModelError>> {
    let now = call.now;
    let cluster_id = call.text("ClusterId");
    Some(match action {
        "CreateCluster" => {
            let mut queues: Vec<String> = object_list(call, "Queues")
                .iter()
                .filter_map(|queue| member(queue, "QueueName"))
                .collect();
            if queues.is_empty() {
                queues.push(DEFAULT_QUEUE.to_string());
            }
            let new = NewCluster {
                name: call.text("ClusterName"),
                description: call.text("ClusterDescription"),
                job_id_style: Some(JobIdStyle::Plain),
                attributes: echoed(call),
                queues,
            };
            model.create_cluster(scope, new, now).map(|cluster| {
                body["ClusterId"] = cluster.id.into();
                body["TaskId"] = call.task_id.clone().into();
            })
        }
        "GetCluster" => model.cluster(scope, &cluster_id, now).map(|cluster| {
            shape::overlay(body, &cluster.attributes);
            shape::set(body, "ClusterId", cluster.id.as_str());
            shape::set(body, "ClusterName", cluster.name.as_str());
            shape::set(body, "ClusterStatus", cluster_status(cluster.phase));
            shape::set(body, "ClusterCreateTime", time(cluster.created));
            shape::set(body, "ClusterModifyTime", time(cluster.phase_since));
        }),
        "ListClusters" => {
            let ids = string_list(call, "ClusterIds");
            let names = string_list(call, "ClusterNames");
            let chosen: Vec<Cluster> = model
                .clusters(scope, now)
                .into_iter()
                .filter(|c| admits(&ids, &c.id) && admits(&names, &c.name))
                .collect();
            let page = Page::from_request(call.request);
            let shown = page.take(&chosen);
            shape::list_field(body, "Clusters", shown.iter().map(cluster_item).collect());
            if let Some(items) = body["Clusters"].as_array_mut() {
                for (item, cluster) in items.iter_mut().zip(shown) {
                    shape::overlay(item, &cluster.attributes);
                }
            }
            page.answer(body, chosen.len());
            Ok(())
        }
        "UpdateCluster" => {
            let update = ClusterUpdate {
                name: call.param("ClusterName").map(str::to_string),
                description: call.param("ClusterDescription").map(str::to_string),
                attributes: echoed(call),
            };
            model
                .update_cluster(scope, &cluster_id, update, now)
                .map(|_| ())
        }
        "DeleteCluster" => model.delete_cluster(scope, &cluster_id, now).map(|()| {
            body["TaskId"] = call.task_id.clone().into();
        }),
        "CreateNodes" => {
            let hostnames = string_list(call, "Hostnames").unwrap_or_default();
            let count = call
                .param("Count")
                .and_then(|c| c.parse().ok())
                .or_else(|| u32::try_from(hostnames.len()).ok().filter(|n| *n > 0))
                .unwrap_or(1);
            let instance_type = call
                .json("ComputeNode")
                .and_then(|node| member(&node, "InstanceType"))
                .unwrap_or_default();
            let new = NewNodes {
                count,
                queue: call.text("QueueName"),
                instance_type,
                hostname_prefix: call.text("HostnamePrefix"),
                keep_alive: call
                    .param("KeepAlive")
                    .is_some_and(|k| k.eq_ignore_ascii_case("true")),
            };
            model
                .add_nodes(scope, &cluster_id, new, now)
                .map(|ids| body["InstanceIds"] = json!(ids))
        }
        "ListNodes" => model.nodes(scope, &cluster_id, now).map(|nodes| {
            let hostnames = string_list(call, "Hostnames");
            let queues = string_list(call, "QueueNames");
            let statuses = string_list(call, "Status");
            let chosen: Vec<_> = nodes
                .iter()
                .filter(|n| admits(&hostnames, &n.hostname) && admits(&queues, &n.queue))
                .filter(|n| admits(&statuses, node_status(n.phase)))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|node| {
                json!({
                    "Id": node.id,
                    "Hostname": node.hostname,
                    "Status": node_status(node.phase),
                    "InstanceType": node.instance_type,
                    "AddTime": time(node.created),
                    "QueueName": node.queue,
                    "KeepAlive": node.keep_alive,
                })
            });
            shape::list_field(body, "Nodes", items.collect());
            page.answer(body, chosen.len());
        }),
        "DeleteNodes" => {
            let ids = string_list(call, "InstanceIds").unwrap_or_default();
            model
                .delete_nodes(scope, &cluster_id, &ids, now)
                .map(|()| body["TaskId"] = call.task_id.clone().into())
        }
        "UpdateNodes" => {
            let changes: Vec<(String, bool)> = object_list(call, "Instances")
                .iter()
                .filter_map(|instance| {
                    let keep = member(instance, "KeepAlive").is_some_and(|k| k == "true");
                    Some((member(instance, "InstanceId")?, keep))
                })
                .collect();
            model.keep_nodes_alive(scope, &cluster_id, &changes, now)
        }
        _ => return None,
    })
}

/// The echoed cluster fields of the request; `DeletionProtection` is also
/// `DeleteProtection`, the name `GetCluster` answers it by.
fn echoed(call: &Call<'_>) -> BTreeMap<String, String> {
    let mut attributes: BTreeMap<String, String> = ECHOED
        .iter()
        .filter_map(|name| Some((name.to_string(), call.param(name)?.to_string())))
        .collect();
    if let Some(protection) = attributes.get("DeletionProtection").cloned() {
        attributes.insert("DeleteProtection".to_string(), protection);
    }
    attributes
}

fn cluster_item(cluster: &Cluster) -> Value {
    let count = |phase: NodePhase| cluster.nodes.values().filter(|n| n.phase == phase).count();
    let running = count(NodePhase::Running);
    let abnormal = count(NodePhase::Exception);
    json!({
        "ClusterId": cluster.id,
        "ClusterName": cluster.name,
        "ClusterDescription": cluster.description,
        "ClusterStatus": cluster_status(cluster.phase),
        "ClusterCreateTime": time(cluster.created),
        "ClusterModifyTime": time(cluster.phase_since),
        "Nodes": {
            "RunningCounts": running,
            "AbnormalCounts": abnormal,
            "CreatingCounts": cluster.nodes.len() - running - abnormal,
        },
        "Users": {"NormalCounts": cluster.users.len(), "SudoCounts": 0},
    })
}
