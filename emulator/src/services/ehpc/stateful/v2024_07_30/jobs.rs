//! Jobs: submitted, followed, stopped, and their logs.

use super::super::super::shape::{self, Page};
use super::super::{admits, member, string_list};
use super::super::{time, Call};
use super::job_state;
use crate::model::{Job, Model, ModelError, NewJob, Scope};
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
    let cluster_id = call.text("ClusterId");
    Some(match action {
        "CreateJob" => {
            let spec = call.json("JobSpec").unwrap_or(Value::Null);
            let new = NewJob {
                name: call.text("JobName"),
                owner: member(&spec, "RunasUser").unwrap_or_default(),
                queue: member(&spec, "JobQueue").unwrap_or_default(),
                command: member(&spec, "CommandLine").unwrap_or_default(),
            };
            model
                .submit_job(scope, &cluster_id, new, now)
                .map(|job| body["JobId"] = job.id.into())
        }
        "GetJob" => model
            .job(scope, &cluster_id, &call.text("JobId"), now)
            .map(|job| {
                let info = &mut body["JobInfo"];
                for (name, value) in [
                    ("JobId", job.id.as_str()),
                    ("JobName", &job.name),
                    ("JobQueue", &job.queue),
                    ("RunasUser", &job.owner),
                    ("CommandLine", &job.command),
                    ("State", job_state(job.phase)),
                ] {
                    shape::set(info, name, value);
                }
                shape::set(info, "CreateTime", time(job.submitted));
                shape::set(info, "StartTime", job.started.map(time).unwrap_or_default());
                shape::set(info, "LastModifyTime", time(job.phase_since));
            }),
        "ListJobs" => model.jobs(scope, &cluster_id, now).map(|jobs| {
            let chosen = filtered(call, &jobs);
            let page = Page::from_request(call.request);
            let items = page.take(&chosen).iter().map(|job| {
                json!({
                    "JobName": job.name,
                    "JobSpec": {
                        "Id": job.id,
                        "JobQueue": job.queue,
                        "RunasUser": job.owner,
                        "State": job_state(job.phase),
                        "SubmitTime": time(job.submitted),
                        "StartTime": job.started.map(time).unwrap_or_default(),
                        "LastModifyTime": time(job.phase_since),
                    },
                })
            });
            shape::list_field(body, "Jobs", items.collect());
            page.answer(body, chosen.len());
        }),
        "StopJobs" => {
            let ids = string_list(call, "JobIds").unwrap_or_default();
            model.stop_jobs(scope, &cluster_id, &ids, now)
        }
        "GetJobLog" => model
            .job_log(scope, &cluster_id, &call.text("JobId"), now)
            .map(|(job, out, err)| {
                let kind = call.param("LogType").map(str::to_ascii_lowercase);
                let window = |log: String, wanted: &str| {
                    if kind.as_deref().is_some_and(|k| k != wanted) {
                        return (String::new(), 0);
                    }
                    let size = log.len();
                    let offset = number(call.param("Offset")).unwrap_or(0).min(size);
                    let end = number(call.param("Size"))
                        .map_or(size, |s| offset.saturating_add(s).min(size));
                    (STANDARD.encode(&log.as_bytes()[offset..end]), size)
                };
                let (stdout, stdout_size) = window(out, "stdout");
                let (stderr, stderr_size) = window(err, "stderr");
                body["JobId"] = job.id.into();
                body["StdoutLog"] = stdout.into();
                body["StdoutLogSize"] = stdout_size.to_string().into();
                body["StderrLog"] = stderr.into();
                body["StderrLogSize"] = stderr_size.to_string().into();
            }),
        _ => return None,
    })
}

fn number(text: Option<&str>) -> Option<usize> {
    text?.trim().parse().ok()
}

/// The jobs `JobFilter` picks: by `JobName`, `JobStatus` (`all`, a state,
/// or `finished` for every final one), `Queues` and `Users`.
fn filtered<'a>(call: &Call<'_>, jobs: &'a [Job]) -> Vec<&'a Job> {
    let filter = call.json("JobFilter").unwrap_or(Value::Null);
    let name = member(&filter, "JobName").filter(|n| !n.is_empty());
    let status = member(&filter, "JobStatus").filter(|s| !s.eq_ignore_ascii_case("all"));
    let strings = |field: &str| {
        filter.get(field).and_then(Value::as_array).map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
    };
    let (queues, users) = (strings("Queues"), strings("Users"));
    jobs.iter()
        .filter(|j| name.as_ref().is_none_or(|n| &j.name == n))
        .filter(|j| {
            status.as_ref().is_none_or(|s| {
                job_state(j.phase).eq_ignore_ascii_case(s)
                    || (s.eq_ignore_ascii_case("finished") && j.phase.is_final())
            })
        })
        .filter(|j| admits(&queues, &j.queue) && admits(&users, &j.owner))
        .collect()
}
