//! What the scheduler keeps besides jobs: queues and users.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, object_list, string_list};
use super::super::{node_status, time, Call};
use super::scalar_members;
use crate::model::{Cluster, Model, ModelError, Queue, Scope, User};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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
        "CreateQueue" => {
            let (name, attributes) = queue_param(call);
            model
                .add_queue(scope, &cluster_id, &name, attributes, now)
                .map(|queue| body["Name"] = queue.name.into())
        }
        "GetQueue" => {
            let name = call.text("QueueName");
            model.queues(scope, &cluster_id, now).and_then(|queues| {
                let queue = queues
                    .iter()
                    .find(|q| q.name == name)
                    .ok_or_else(|| no_such("queue", &cluster_id, &name))?;
                let target = &mut body["Queue"];
                shape::overlay(target, &queue.attributes);
                shape::set(target, "QueueName", queue.name.as_str());
                shape::set(target, "CreateTime", time(queue.created));
                shape::set(target, "UpdateTime", time(queue.created));
                Ok(())
            })
        }
        "ListQueues" => {
            let names = string_list(call, "QueueNames");
            model.cluster(scope, &cluster_id, now).map(|cluster| {
                let mut queues: Vec<&Queue> = cluster
                    .queues
                    .values()
                    .filter(|q| admits(&names, &q.name))
                    .collect();
                queues.sort_by_key(|q| q.sequence);
                let items = queues.iter().map(|q| queue_item(&cluster, q)).collect();
                shape::list_field(body, "Queues", items);
                if let Some(items) = body["Queues"].as_array_mut() {
                    for (item, queue) in items.iter_mut().zip(&queues) {
                        shape::overlay(item, &queue.attributes);
                    }
                }
                shape::set(body, "ClusterId", cluster.id.as_str());
                shape::set(body, "PageNumber", 1);
                shape::set(body, "PageSize", queues.len());
                shape::set(body, "TotalCount", queues.len());
            })
        }
        "UpdateQueue" => {
            let (name, attributes) = queue_param(call);
            model
                .update_queue(scope, &cluster_id, &name, attributes, now)
                .map(|_| ())
        }
        "DeleteQueues" => {
            let names = string_list(call, "QueueNames").unwrap_or_default();
            model.delete_queues(scope, &cluster_id, &names, now)
        }
        "CreateUsers" => {
            let users: Vec<(String, String)> = object_list(call, "User")
                .iter()
                .filter_map(|user| {
                    let group = member(user, "Group").unwrap_or_else(|| "users".to_string());
                    Some((member(user, "UserName")?, group))
                })
                .collect();
            model.add_users(scope, &cluster_id, &users, now)
        }
        "GetUser" => {
            let name = call.text("UserName");
            model.users(scope, &cluster_id, now).and_then(|users| {
                let user = users
                    .iter()
                    .find(|u| u.name == name)
                    .ok_or(ModelError::UserNotExist { user: name })?;
                let target = &mut body["User"];
                if let Value::Object(fields) = user_item(user) {
                    for (field, value) in fields {
                        shape::set(target, &field, value);
                    }
                }
                Ok(())
            })
        }
        "ListUsers" => model.users(scope, &cluster_id, now).map(|users| {
            let page = Page::from_request(call.request);
            let items = page.take(&users).iter().map(user_item).collect();
            shape::list_field(body, "Users", items);
            page.answer(body, users.len());
        }),
        "UpdateUser" => model
            .update_user(
                scope,
                &cluster_id,
                &call.text("UserName"),
                call.param("Group").map(str::to_string),
                now,
            )
            .map(|_| ()),
        "DeleteUsers" => {
            let names: Vec<String> = object_list(call, "User")
                .iter()
                .filter_map(|user| member(user, "UserName"))
                .collect();
            model.delete_users(scope, &cluster_id, &names, now)
        }
        _ => return None,
    })
}

/// The `Queue` parameter: its name and the scalar fields it sets.
fn queue_param(call: &Call<'_>) -> (String, BTreeMap<String, String>) {
    let queue = call.json("Queue").unwrap_or(Value::Null);
    let mut attributes = scalar_members(&queue);
    let name = attributes.remove("QueueName").unwrap_or_default();
    (name, attributes)
}

fn queue_item(cluster: &Cluster, queue: &Queue) -> Value {
    let in_queue = |status: &str| {
        cluster
            .nodes
            .values()
            .filter(|n| n.queue == queue.name && node_status(n.phase) == status)
            .count()
    };
    let total = cluster
        .nodes
        .values()
        .filter(|n| n.queue == queue.name)
        .count();
    let (running, exception) = (in_queue("running"), in_queue("exception"));
    json!({
        "QueueName": queue.name,
        "CreateTime": time(queue.created),
        "UpdateTime": time(queue.created),
        "Nodes": {
            "RunningCounts": running,
            "ExceptionCounts": exception,
            "CreatingCounts": total - running - exception,
        },
    })
}

/// A user as `GetUser` and `ListUsers` show one; ids count up from 1000
/// with the cluster's creations, as `useradd` numbers users.
fn user_item(user: &User) -> Value {
    json!({
        "UserName": user.name,
        "Group": user.group,
        "AddTime": time(user.created),
        "UserId": (1000 + user.sequence).to_string(),
    })
}

fn no_such(what: &str, cluster: &str, name: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("the cluster {cluster} has no {what} {name}"),
    }
}
