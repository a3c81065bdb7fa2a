//! Jobs: submitted, read, listed, deleted, and what their executors left.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, object_list, string_list, Call};
use super::{integer, optional_time, status, status_reason, strings, time, within};
use crate::model::instant::{
    DeleteTarget, ExecutorPhase, InstantJob, NewExecutors, NewJob, NewTask, Task,
};
use crate::model::{Model, ModelError, Scope};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

pub(super) fn answer(
    model: &mut Model,
    scope: &Scope,
    action: &str,
    call: &Call<'_>,
    body: &mut Value,
) -> Option<Result<(), ModelError>> {
    let now = call.now;
    Some(match action {
        "CreateJob" => model
            .submit_instant_job(scope, new_job(call), now)
            .map(|job| {
                body["JobId"] = job.id.clone().into();
                let tasks = job.tasks.iter().map(|task| {
                    let ids: Vec<&str> = job
                        .executors
                        .iter()
                        .filter(|e| e.task == task.name)
                        .map(|e| e.id.as_str())
                        .collect();
                    json!({"TaskName": task.name, "ExecutorIds": ids})
                });
                shape::list_field(body, "Tasks", tasks.collect());
            }),
        "GetJob" => model
            .instant_job(scope, &call.text("JobId"), now)
            .map(|job| job_info(&mut body["JobInfo"], &job)),
        "ListJobs" => {
            let jobs = model.instant_jobs(scope, now);
            let mut chosen = filtered(call, &jobs);
            let order = call.json("SortBy").and_then(|s| member(&s, "Order"));
            if order.is_some_and(|o| o.eq_ignore_ascii_case("desc")) {
                chosen.reverse();
            }
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|job| {
                json!({
                    "JobId": job.id,
                    "JobName": job.name,
                    "JobDescription": job.description,
                    "Status": status(job.phase()),
                    "CreateTime": time(job.created),
                    "StartTime": optional_time(job.started()),
                    "EndTime": optional_time(job.ended()),
                    "TaskCount": job.tasks.len(),
                    "ExecutorCount": job.executors.len(),
                    "Tags": tags(job),
                })
            });
            shape::list_field(body, "JobList", items.collect());
            page.answer(body, chosen.len());
            Ok(())
        }
        "DeleteJobs" => {
            let targets: Vec<DeleteTarget> = object_list(call, "JobSpec")
                .iter()
                .map(|spec| DeleteTarget {
                    job: member(spec, "JobId").unwrap_or_default(),
                    tasks: spec
                        .get("TaskSpec")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|task| {
                            let indexes = task
                                .get("ArrayIndex")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .filter_map(Value::as_i64)
                                .collect();
                            (member(task, "TaskName").unwrap_or_default(), indexes)
                        })
                        .collect(),
                })
                .collect();
            let ids = string_list(call, "ExecutorIds").unwrap_or_default();
            model.delete_instant_executors(scope, &targets, &ids, now)
        }
        "DeleteJobRecords" => {
            let ids = string_list(call, "JobIds").unwrap_or_default();
            model.delete_instant_job_records(scope, &ids, now)
        }
        "DescribeJobResults" => model
            .instant_job(scope, &call.text("JobId"), now)
            .and_then(|job| job_result(call, &job, body)),
        _ => return None,
    })
}

/// The job `CreateJob` asks for; tasks without a name are `task0`,
/// `task1`, ... in order.
fn new_job(call: &Call<'_>) -> NewJob {
    let deployment = call.json("DeploymentPolicy").unwrap_or(Value::Null);
    let tasks = object_list(call, "Tasks")
        .into_iter()
        .enumerate()
        .map(|(i, task)| {
            let array = task.pointer("/ExecutorPolicy/ArraySpec").map(|spec| {
                let start = integer(spec, "IndexStart").unwrap_or(0);
                NewExecutors {
                    start,
                    end: integer(spec, "IndexEnd").unwrap_or(start),
                    step: integer(spec, "IndexStep").unwrap_or(1),
                }
            });
            let executor = task.pointer("/TaskSpec/TaskExecutor/0").cloned();
            let vm = executor.as_ref().and_then(|e| e.get("VM"));
            let container = executor.as_ref().and_then(|e| e.get("Container"));
            let runs = vm.or(container).unwrap_or(&Value::Null);
            let command = match vm {
                Some(vm) => member(vm, "Script").unwrap_or_default(),
                None => strings(runs, "Command").unwrap_or_default().join(" "),
            };
            NewTask {
                name: member(&task, "TaskName").unwrap_or_else(|| format!("task{i}")),
                array,
                image: member(runs, "Image").unwrap_or_default(),
                command,
                spec: task.get("TaskSpec").cloned().unwrap_or(Value::Null),
            }
        })
        .collect();
    let mut attributes = serde_json::Map::new();
    for name in ["JobScheduler"] {
        if let Some(value) = call.param(name) {
            attributes.insert(name.to_string(), value.into());
        }
    }
    if !deployment.is_null() {
        attributes.insert("DeploymentPolicy".to_string(), deployment.clone());
    }
    NewJob {
        name: call.text("JobName"),
        description: call.text("JobDescription"),
        pool: member(&deployment, "Pool").filter(|p| !p.is_empty()),
        tasks,
        attributes: attributes.into_iter().collect(),
    }
}

/// `CreateJob` takes `Tag[{Key, Value}]`; the answers give
/// `Tags[{TagKey, TagValue}]`.
fn tags(job: &InstantJob) -> Vec<Value> {
    job.attributes
        .get("DeploymentPolicy")
        .and_then(|d| d.get("Tag"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|tag| json!({"TagKey": tag.get("Key"), "TagValue": tag.get("Value")}))
        .collect()
}

fn job_info(info: &mut Value, job: &InstantJob) {
    shape::set(info, "JobId", job.id.as_str());
    shape::set(info, "JobName", job.name.as_str());
    shape::set(info, "JobDescription", job.description.as_str());
    shape::set(info, "Status", status(job.phase()));
    shape::set(info, "CreateTime", time(job.created));
    shape::set(info, "StartTime", optional_time(job.started()));
    shape::set(info, "EndTime", optional_time(job.ended()));
    if let Some(scheduler) = job.attributes.get("JobScheduler") {
        shape::set(info, "JobScheduler", scheduler.clone());
    }
    let deployment = &mut info["DeploymentPolicy"];
    if let Some(pool) = &job.pool {
        shape::set(deployment, "Pool", pool.as_str());
    }
    shape::set(deployment, "Tags", tags(job));
    let tasks = job.tasks.iter().map(|task| task_info(job, task));
    shape::list(info, &["Tasks"], tasks.collect());
}

fn task_info(job: &InstantJob, task: &Task) -> Value {
    let executors: Vec<Value> = job
        .executors
        .iter()
        .filter(|e| e.task == task.name)
        .map(|e| {
            json!({
                "ArrayId": e.index,
                "CreateTime": time(e.created),
                "StartTime": optional_time(e.started),
                "EndTime": optional_time(e.ended),
                "Status": status(e.phase),
                "StatusReason": status_reason(e.phase),
            })
        })
        .collect();
    let mut policy = json!({"MaxCount": executors.len()});
    if let Some((start, end, step)) = task.array {
        policy["ArraySpec"] = json!({"IndexStart": start, "IndexEnd": end, "IndexStep": step});
    }
    let mut spec = task.spec.clone();
    // `Memory` is a float in CreateJob and an integer in GetJob.
    if let Some(memory) = spec.pointer_mut("/Resource/Memory") {
        if let Some(value) = memory.as_f64() {
            *memory = json!(value.round() as i64);
        }
    }
    json!({
        "TaskName": task.name,
        "ExecutorPolicy": policy,
        "ExecutorStatus": executors,
        "TaskSpec": spec,
    })
}

/// The jobs `Filter` picks: by `JobId`, `JobIds`, `JobName`, `Status`,
/// `PoolName` and creation time.
fn filtered<'a>(call: &Call<'_>, jobs: &'a [InstantJob]) -> Vec<&'a InstantJob> {
    let filter = call.json("Filter").unwrap_or(Value::Null);
    let text = |name: &str| member(&filter, name).filter(|v| !v.is_empty());
    let (id, name, state, pool) = (
        text("JobId"),
        text("JobName"),
        text("Status"),
        text("PoolName"),
    );
    let ids = strings(&filter, "JobIds");
    jobs.iter()
        .filter(|j| id.as_ref().is_none_or(|i| &j.id == i) && admits(&ids, &j.id))
        .filter(|j| name.as_ref().is_none_or(|n| &j.name == n))
        .filter(|j| state.as_ref().is_none_or(|s| status(j.phase()) == s))
        .filter(|j| pool.is_none() || j.pool == pool)
        .filter(|j| within(&filter, "TimeCreatedAfter", "TimeCreatedBefore", j.created))
        .collect()
}

/// `DescribeJobResults`: what one executor printed (the emulator runs
/// nothing: a VM's script, decoded, or a container's command) and its
/// exit code, once it has ended.
fn job_result(call: &Call<'_>, job: &InstantJob, body: &mut Value) -> Result<(), ModelError> {
    let task_name = call
        .param("TaskName")
        .map(str::to_string)
        .or_else(|| job.tasks.first().map(|t| t.name.clone()))
        .unwrap_or_default();
    let task = job
        .tasks
        .iter()
        .find(|t| t.name == task_name)
        .ok_or_else(|| ModelError::InvalidParams {
            reason: format!("TaskName: the job {} has no task {task_name}", job.id),
        })?;
    let index = call.param("ArrayIndex").and_then(|i| i.parse::<i64>().ok());
    let executor = job
        .executors
        .iter()
        .find(|e| e.task == task.name && index.is_none_or(|i| e.index == i))
        .ok_or_else(|| ModelError::InvalidParams {
            reason: format!("ArrayIndex: the task {task_name} has no such index"),
        })?;
    let exit_code = match executor.phase {
        ExecutorPhase::Succeeded => 0,
        ExecutorPhase::Failed | ExecutorPhase::Exception => 1,
        ExecutorPhase::Deleted => 137,
        _ => {
            return Err(ModelError::InvalidParams {
                reason: format!("the executor {} has not ended", executor.id),
            })
        }
    };
    let script = STANDARD
        .decode(&task.command)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| task.command.clone());
    let mut output = format!("{script}\n");
    if let Some(limit) = call
        .param("LimitBytes")
        .and_then(|l| l.parse::<usize>().ok())
    {
        let mut end = limit.min(output.len());
        while !output.is_char_boundary(end) {
            end -= 1;
        }
        output.truncate(end);
    }
    if call
        .param("ContentEncoding")
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
    {
        output = STANDARD.encode(output);
    }
    body["Output"] = output.into();
    body["ExitCode"] = exit_code.into();
    Ok(())
}
