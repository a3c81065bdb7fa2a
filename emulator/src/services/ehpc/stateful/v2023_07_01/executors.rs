//! Executors across jobs, those of one job with their counts by state,
//! and the events of their lives.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, Call};
use super::{optional_time, status, status_reason, strings, time, within};
use crate::model::instant::{Executor, ExecutorPhase, InstantJob};
use crate::model::{Model, ModelError, Scope};
use serde_json::{json, Value};

/// The states `ListJobExecutors` counts, by its field names.
const COUNTED: &[(&str, ExecutorPhase)] = &[
    ("Pending", ExecutorPhase::Pending),
    ("Initing", ExecutorPhase::Initing),
    ("Running", ExecutorPhase::Running),
    ("Succeeded", ExecutorPhase::Succeeded),
    ("Failed", ExecutorPhase::Failed),
    ("Exception", ExecutorPhase::Exception),
    ("Deleted", ExecutorPhase::Deleted),
];

pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
    body: &mut Value,
) -> Option<Result<(), ModelError>> {
    let now = call.now;
    Some(match action {
        "ListExecutors" => {
            let jobs = model.instant_jobs(scope, now);
            let filter = call.json("Filter").unwrap_or(Value::Null);
            let chosen: Vec<(&InstantJob, &Executor)> = jobs
                .iter()
                .flat_map(|job| job.executors.iter().map(move |e| (job, e)))
                .filter(|(job, executor)| picked(&filter, job, executor))
                .collect();
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|(job, executor)| {
                let mut item = executor_item(executor);
                item["JobId"] = job.id.clone().into();
                item["JobName"] = job.name.clone().into();
                item["TaskName"] = executor.task.clone().into();
                item["Image"] = image_of(job, executor).into();
                item
            });
            shape::list_field(body, "Executors", items.collect());
            paged(&page, body, chosen.len());
            Ok(())
        }
        "ListJobExecutors" => model
            .instant_job(scope, &call.text("JobId"), now)
            .map(|job| {
                let task = call.param("TaskName").filter(|t| !t.is_empty());
                let chosen: Vec<&Executor> = job
                    .executors
                    .iter()
                    .filter(|e| task.is_none_or(|t| e.task == t))
                    .collect();
                let counts = &mut body["ExecutorStatus"];
                for (name, phase) in COUNTED {
                    let count = chosen.iter().filter(|e| e.phase == *phase).count();
                    shape::set(counts, name, count);
                }
                for name in ["Restarting", "Suspended"] {
                    shape::set(counts, name, 0);
                }
                let page = Page::from_request(call.request);
                let items = page.take(&chosen).iter().map(|e| executor_item(e));
                shape::list_field(body, "Executors", items.collect());
                body["JobId"] = job.id.clone().into();
                body["TaskName"] = task.unwrap_or_default().into();
                paged(&page, body, chosen.len());
            }),
        "ListExecutorEvents" => {
            let jobs = model.instant_jobs(scope, now);
            let filter = call.json("Filter").unwrap_or(Value::Null);
            let ids = strings(&filter, "ExecutorIds");
            let job_id = member(&filter, "JobId").filter(|j| !j.is_empty());
            let level = member(&filter, "Level").filter(|l| !l.is_empty());
            let mut events: Vec<(u64, Value)> = jobs
                .iter()
                .filter(|job| job_id.as_ref().is_none_or(|j| &job.id == j))
                .flat_map(|job| job.executors.iter().map(move |e| (job, e)))
                .filter(|(_, e)| admits(&ids, &e.id))
                .flat_map(|(job, e)| {
                    e.history
                        .iter()
                        .map(move |(phase, at)| (*at, event(job, e, *phase, *at)))
                })
                .filter(|(at, event)| {
                    within(&filter, "TimeAfter", "TimeBefore", *at)
                        && level.as_ref().is_none_or(|l| event["Level"] == l.as_str())
                })
                .collect();
            events.sort_by_key(|(at, _)| *at);
            let events: Vec<Value> = events.into_iter().map(|(_, event)| event).collect();
            let page = Page::from_request(call.request);
            shape::list_field(body, "ExecutorEventList", page.take(&events).to_vec());
            page.answer(body, events.len());
            Ok(())
        }
        _ => return None,
    })
}

/// Whether `Filter` picks the executor: by `ExecutorIds`, `JobName`,
/// `Status`, `Image`, `PoolName` and creation time.
fn picked(filter: &Value, job: &InstantJob, executor: &Executor) -> bool {
    let text = |name: &str| member(filter, name).filter(|v| !v.is_empty());
    admits(&strings(filter, "ExecutorIds"), &executor.id)
        && admits(&strings(filter, "Status"), status(executor.phase))
        && text("JobName").is_none_or(|n| job.name == n)
        && text("Image").is_none_or(|i| image_of(job, executor) == i)
        && text("PoolName").is_none_or(|p| job.pool.as_deref() == Some(p.as_str()))
        && within(
            filter,
            "TimeCreatedAfter",
            "TimeCreatedBefore",
            executor.created,
        )
}

fn image_of(job: &InstantJob, executor: &Executor) -> String {
    job.tasks
        .iter()
        .find(|t| t.name == executor.task)
        .map(|t| t.image.clone())
        .unwrap_or_default()
}

fn executor_item(executor: &Executor) -> Value {
    json!({
        "ExecutorId": executor.id,
        "ArrayIndex": executor.index,
        "Status": status(executor.phase),
        "StatusReason": status_reason(executor.phase),
        "CreateTime": time(executor.created),
        "StartTime": optional_time(executor.started),
        "EndTime": optional_time(executor.ended),
    })
}

/// The paging fields; `TotalCount` is a string in the executor lists.
fn paged(page: &Page, body: &mut Value, total: usize) {
    page.answer(body, total);
    body["TotalCount"] = total.to_string().into();
}

fn event(job: &InstantJob, executor: &Executor, phase: ExecutorPhase, at: u64) -> Value {
    let level = match phase {
        ExecutorPhase::Failed | ExecutorPhase::Exception => "Warning",
        _ => "Normal",
    };
    json!({
        "ExecutorId": executor.id,
        "JobId": job.id,
        "Level": level,
        "Content": format!("{}: {}", status(phase), status_reason(phase)),
        "Time": time(at),
    })
}
