//! Jobs and their executors: submitted, read, deleted, forgotten.

use super::settle::{enter, outcome};
use super::{Executor, ExecutorPhase, InstantBackend, InstantJob, PoolPhase, Task};
use crate::model::{Model, ModelError, Scope, LOWER_ALPHANUMERIC};
use serde_json::Value;
use std::collections::BTreeMap;

/// Executors a task asks for: one per index of its array, or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NewExecutors {
    pub start: i64,
    pub end: i64,
    pub step: i64,
}

/// A task of a job to submit.
#[derive(Debug, Clone, Default)]
pub struct NewTask {
    pub name: String,
    pub array: Option<NewExecutors>,
    pub image: String,
    pub command: String,
    pub spec: Value,
}

/// What a job is submitted with.
#[derive(Debug, Clone, Default)]
pub struct NewJob {
    pub name: String,
    pub description: String,
    pub pool: Option<String>,
    pub tasks: Vec<NewTask>,
    pub attributes: BTreeMap<String, Value>,
}

/// Executors a job's array can have at most (the service's own bound is
/// far lower; this one keeps a request from filling the model).
const MAX_EXECUTORS: usize = 10_000;

impl NewExecutors {
    fn indexes(self) -> Result<Vec<i64>, ModelError> {
        let invalid = |reason: &str| ModelError::InvalidParams {
            reason: format!("ArraySpec: {reason}"),
        };
        if self.step < 1 {
            return Err(invalid("IndexStep must be at least 1"));
        }
        if self.end < self.start {
            return Err(invalid("IndexEnd is below IndexStart"));
        }
        let count = (self.end - self.start) / self.step + 1;
        if count > MAX_EXECUTORS as i64 {
            return Err(invalid("too many indexes"));
        }
        Ok((0..count).map(|n| self.start + n * self.step).collect())
    }
}

impl Model {
    /// The scope's Instant resources, moved on as far as `now` allows;
    /// `None` when it has none (reads never make an empty one).
    pub(super) fn instant(&mut self, scope: &Scope, now: u64) -> Option<&mut InstantBackend> {
        let settings = self.settings;
        let backend = self.instant.get_mut(scope.account)?.get_mut(scope.region)?;
        backend.settle(&settings, now);
        Some(backend)
    }

    /// The scope's Instant resources, made when there are none yet.
    pub(super) fn instant_mut(&mut self, scope: &Scope, now: u64) -> &mut InstantBackend {
        let settings = self.settings;
        let backend = self
            .instant
            .entry(scope.account.to_string())
            .or_default()
            .entry(scope.region.to_string())
            .or_default();
        backend.settle(&settings, now);
        backend
    }

    pub fn submit_instant_job(
        &mut self,
        scope: &Scope,
        new: NewJob,
        now: u64,
    ) -> Result<InstantJob, ModelError> {
        let mut planned = Vec::with_capacity(new.tasks.len());
        for task in &new.tasks {
            let indexes = match task.array {
                Some(array) => array.indexes()?,
                None => vec![0],
            };
            planned.push(indexes);
        }
        let adding = 1 + planned.iter().map(Vec::len).sum::<usize>();
        self.make_room(adding, |reason| ModelError::InvalidParams { reason })?;
        if let Some(pool) = &new.pool {
            let known = self
                .instant(scope, now)
                .and_then(|b| b.pools.get(pool))
                .is_some_and(|p| p.phase != PoolPhase::Deleting);
            if !known {
                return Err(ModelError::InvalidParams {
                    reason: format!("DeploymentPolicy.Pool: there is no pool {pool}"),
                });
            }
        }
        let id = format!("job-{}", self.random(LOWER_ALPHANUMERIC, 20));
        let ends = outcome(&self.settings);
        let backend = self.instant_mut(scope, now);
        let mut executors = Vec::with_capacity(adding - 1);
        for (task, indexes) in new.tasks.iter().zip(&planned) {
            for index in indexes {
                let mut executor = Executor {
                    id: format!("{id}-{}-{index}", task.name),
                    task: task.name.clone(),
                    index: *index,
                    phase: ExecutorPhase::Pending,
                    phase_since: now,
                    created: now,
                    started: None,
                    ended: None,
                    outcome: ends,
                    history: Vec::new(),
                };
                enter(&mut executor, ExecutorPhase::Pending, now);
                executors.push(executor);
            }
        }
        let tasks = new
            .tasks
            .into_iter()
            .map(|t| Task {
                name: t.name,
                array: t.array.map(|a| (a.start, a.end, a.step)),
                image: t.image,
                command: t.command,
                spec: t.spec,
            })
            .collect();
        let job = InstantJob {
            id: id.clone(),
            name: new.name,
            description: new.description,
            pool: new.pool,
            tasks,
            executors,
            created: now,
            sequence: backend.next_sequence(),
            attributes: new.attributes,
        };
        backend.jobs.insert(id, job.clone());
        Ok(job)
    }

    pub fn instant_job(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<InstantJob, ModelError> {
        self.instant(scope, now)
            .and_then(|b| b.jobs.get(id))
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    /// Every job, oldest first.
    pub fn instant_jobs(&mut self, scope: &Scope, now: u64) -> Vec<InstantJob> {
        let mut jobs: Vec<InstantJob> = self
            .instant(scope, now)
            .map(|b| b.jobs.values().cloned().collect())
            .unwrap_or_default();
        jobs.sort_by_key(|j| j.sequence);
        jobs
    }

    /// Deletes executors, all or none: every executor of a job named
    /// alone, the indexes of a task named with them, the executors named
    /// by id. A deleted executor stays listed as `Deleted` until its
    /// job's record is deleted.
    pub fn delete_instant_executors(
        &mut self,
        scope: &Scope,
        targets: &[DeleteTarget],
        executor_ids: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let mut chosen: Vec<(String, usize)> = Vec::new();
        {
            let Some(backend) = self.instant(scope, now) else {
                return match (targets.first(), executor_ids.first()) {
                    (Some(target), _) => Err(not_found(&target.job)),
                    (None, Some(id)) => Err(unknown_executor(id)),
                    (None, None) => Ok(()),
                };
            };
            for target in targets {
                let job = backend
                    .jobs
                    .get(&target.job)
                    .ok_or_else(|| not_found(&target.job))?;
                if target.tasks.is_empty() {
                    chosen.extend((0..job.executors.len()).map(|i| (job.id.clone(), i)));
                }
                for (task, indexes) in &target.tasks {
                    if !job.tasks.iter().any(|t| &t.name == task) {
                        return Err(ModelError::InvalidParams {
                            reason: format!("the job {} has no task {task}", job.id),
                        });
                    }
                    let picked = job.executors.iter().enumerate().filter(|(_, e)| {
                        &e.task == task && (indexes.is_empty() || indexes.contains(&e.index))
                    });
                    chosen.extend(picked.map(|(i, _)| (job.id.clone(), i)));
                    if let Some(missing) = indexes.iter().find(|n| {
                        !job.executors
                            .iter()
                            .any(|e| &e.task == task && e.index == **n)
                    }) {
                        return Err(ModelError::InvalidParams {
                            reason: format!("the task {task} of {} has no index {missing}", job.id),
                        });
                    }
                }
            }
            for id in executor_ids {
                let found = backend.jobs.values().find_map(|job| {
                    let i = job.executors.iter().position(|e| &e.id == id)?;
                    Some((job.id.clone(), i))
                });
                chosen.push(found.ok_or_else(|| unknown_executor(id))?);
            }
        }
        let backend = self.instant_mut(scope, now);
        for (job, i) in chosen {
            if let Some(executor) = backend
                .jobs
                .get_mut(&job)
                .and_then(|j| j.executors.get_mut(i))
            {
                if executor.phase != ExecutorPhase::Deleted {
                    enter(executor, ExecutorPhase::Deleted, now);
                }
            }
        }
        Ok(())
    }

    /// Forgets jobs, all or none; a job still under way is refused.
    pub fn delete_instant_job_records(
        &mut self,
        scope: &Scope,
        ids: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let Some(backend) = self.instant(scope, now) else {
            return ids.first().map_or(Ok(()), |id| Err(not_found(id)));
        };
        for id in ids {
            let job = backend.jobs.get(id).ok_or_else(|| not_found(id))?;
            if !job.phase().is_final() {
                return Err(ModelError::InvalidParams {
                    reason: format!("the job {id} has not finished"),
                });
            }
        }
        for id in ids {
            backend.jobs.remove(id);
        }
        Ok(())
    }
}

/// What `DeleteJobs` names in `JobSpec`: a job, and optionally tasks of
/// it with the indexes to delete (none: every index of the task).
#[derive(Debug, Clone, Default)]
pub struct DeleteTarget {
    pub job: String,
    pub tasks: Vec<(String, Vec<i64>)>,
}

fn not_found(id: &str) -> ModelError {
    ModelError::JobNotFound {
        job: id.to_string(),
    }
}

fn unknown_executor(id: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("there is no executor {id}"),
    }
}
