//! The stateful operations of 2024-07-30 (E-HPC 2.0 clusters). Json-style
//! parameters arrive as JSON text in one query parameter each.

mod attached;
mod clusters;
mod jobs;
mod scheduler;

use super::{member, Call};
use crate::model::{JobPhase, Model, ModelError, Scope};
use serde_json::Value;
use std::collections::BTreeMap;

/// The API version these operations are of.
pub(super) const VERSION: &str = "2024-07-30";

/// The actions answered from the model.
pub(super) const STATEFUL: &[&str] = &[
    "CreateCluster",
    "GetCluster",
    "ListClusters",
    "UpdateCluster",
    "DeleteCluster",
    "CreateNodes",
    "ListNodes",
    "DeleteNodes",
    "UpdateNodes",
    "CreateQueue",
    "GetQueue",
    "ListQueues",
    "UpdateQueue",
    "DeleteQueues",
    "CreateUsers",
    "GetUser",
    "ListUsers",
    "UpdateUser",
    "DeleteUsers",
    "CreateJob",
    "GetJob",
    "ListJobs",
    "StopJobs",
    "GetJobLog",
    "AttachSharedStorages",
    "ListSharedStorages",
    "DetachSharedStorages",
    "InstallAddon",
    "GetAddon",
    "ListAddons",
    "UnInstallAddon",
    "InstallSoftwares",
    "ListInstalledSoftwares",
    "UninstallSoftwares",
];

/// The answer of `action` from the model, or `None` when it is not
/// stateful.
pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
) -> Option<Result<Value, ModelError>> {
    let mut body = call.example.clone();
    let result = clusters::answer(model, scope, action, call, &mut body)
        .or_else(|| jobs::answer(model, scope, action, call, &mut body))
        .or_else(|| scheduler::answer(model, scope, action, call, &mut body))
        .or_else(|| attached::answer(model, scope, action, call, &mut body))?;
    Some(result.map(|()| body))
}

/// The code E-HPC 2.0 answers a refusal with. Its error tables name
/// `ClusterNotFound`, `InvalidClusterStatus`, `InvalidParams`,
/// `VolumeNotFound` and `AgentError`; refusals 2018-04-12 gives codes of
/// their own (unknown nodes, users, finished jobs) are invalid parameters
/// here.
pub(super) fn code(action: &str, error: &ModelError) -> &'static str {
    match error {
        ModelError::ConflictOpt { .. } if action == "DeleteCluster" => "InvalidClusterStatus",
        ModelError::ConflictOpt { .. }
        | ModelError::ComputeNotFound { .. }
        | ModelError::InvalidNodeStatus { .. }
        | ModelError::UserAlreadyExist { .. }
        | ModelError::UserNotExist { .. } => "InvalidParams",
        ModelError::ExecFail { .. } => "AgentError",
        other => other.code(),
    }
}

/// Job states of E-HPC 2.0: the metadata lists none; `Running` is its
/// example, and the final ones are those the SDK's `job_finished` waiter
/// reads.
fn job_state(phase: JobPhase) -> &'static str {
    match phase {
        JobPhase::Queued => "Pending",
        JobPhase::Running => "Running",
        JobPhase::Succeeded => "Succeeded",
        JobPhase::Failed => "Failed",
        JobPhase::Stopped => "Canceled",
    }
}

/// The scalar members of a JSON object, as text by name.
fn scalar_members(object: &Value) -> BTreeMap<String, String> {
    object
        .as_object()
        .map(|members| {
            members
                .keys()
                .filter_map(|name| Some((name.clone(), member(object, name)?)))
                .collect()
        })
        .unwrap_or_default()
}
