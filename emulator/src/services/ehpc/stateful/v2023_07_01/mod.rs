//! The stateful operations of EhpcInstant 2023-07-01 (E-HPC Instant: jobs
//! of array executors, pools, images, job templates). Json-style
//! parameters arrive as JSON text in one query parameter each.

mod executors;
mod jobs;
mod pools;
mod templates;

use super::Call;
use crate::model::instant::ExecutorPhase;
use crate::model::{Model, ModelError, Scope};
use serde_json::Value;

/// The API version these operations are of.
pub(super) const VERSION: &str = "2023-07-01";

/// The actions answered from the model. Metrics, action plans, tags and
/// applications act on nothing it holds and answer from their schema.
pub(super) const STATEFUL: &[&str] = &[
    "CreateJob",
    "GetJob",
    "ListJobs",
    "DeleteJobs",
    "DeleteJobRecords",
    "DescribeJobResults",
    "ListExecutors",
    "ListJobExecutors",
    "ListExecutorEvents",
    "CreatePool",
    "GetPool",
    "ListPools",
    "UpdatePool",
    "DeletePool",
    "AddImage",
    "GetImage",
    "ListImages",
    "RemoveImage",
    "CreateJobTemplate",
    "GetJobTemplate",
    "ListJobTemplates",
    "UpdateJobTemplate",
    "DeleteJobTemplate",
    "GetJobRecordDuration",
    "UpdateJobRecordDuration",
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
    let result = jobs::answer(model, scope, action, call, &mut body)
        .or_else(|| executors::answer(model, scope, action, call, &mut body))
        .or_else(|| pools::answer(model, scope, action, call, &mut body))
        .or_else(|| templates::answer(model, scope, action, call, &mut body))?;
    Some(result.map(|()| body))
}

/// Job and executor states, as the service's reference pages name them.
fn status(phase: ExecutorPhase) -> &'static str {
    match phase {
        ExecutorPhase::Pending => "Pending",
        ExecutorPhase::Initing => "Initing",
        ExecutorPhase::Running => "Running",
        ExecutorPhase::Succeeded => "Succeeded",
        ExecutorPhase::Failed => "Failed",
        ExecutorPhase::Exception => "Exception",
        ExecutorPhase::Deleted => "Deleted",
    }
}

/// Why an executor is where it is, in the manner of the examples.
fn status_reason(phase: ExecutorPhase) -> &'static str {
    match phase {
        ExecutorPhase::Pending => "Waiting for resources",
        ExecutorPhase::Initing => "Creating executor",
        ExecutorPhase::Running => "Executor is running",
        ExecutorPhase::Succeeded => "Succeeded to release executor",
        ExecutorPhase::Failed => "Executor exited with code 1",
        ExecutorPhase::Exception => "Failed to create executor",
        ExecutorPhase::Deleted => "Executor was deleted",
    }
}

/// Emulator-clock seconds as Instant writes times (`2024-03-05 20:00:46`).
fn time(seconds: u64) -> String {
    super::time(seconds).replace('T', " ").replace('Z', "")
}

fn optional_time(seconds: Option<u64>) -> String {
    seconds.map(time).unwrap_or_default()
}

/// An integer member of a JSON object, whether given as a number or text.
fn integer(object: &Value, name: &str) -> Option<i64> {
    super::member(object, name)?
        .parse::<f64>()
        .ok()
        .map(|v| v as i64)
}

/// A filter's time bound (`TimeCreatedAfter`, seconds since the epoch)
/// admits `at`.
fn within(filter: &Value, after: &str, before: &str, at: u64) -> bool {
    let at = at as i64;
    integer(filter, after).is_none_or(|bound| at >= bound)
        && integer(filter, before).is_none_or(|bound| at <= bound)
}

/// The strings of a list member of a JSON object; absent is `None`.
fn strings(object: &Value, name: &str) -> Option<Vec<String>> {
    Some(
        object
            .get(name)?
            .as_array()?
            .iter()
            .filter_map(|item| item.as_str().map(str::to_string))
            .collect(),
    )
}
