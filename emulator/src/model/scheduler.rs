//! What a cluster's scheduler keeps: queues, users and jobs.

use super::{Job, JobIdStyle, JobOutcome, JobPhase, Model, ModelError, NewJob, Queue, Scope, User};
use std::collections::BTreeMap;

impl Model {
    pub fn add_queue(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        attributes: BTreeMap<String, String>,
        now: u64,
    ) -> Result<Queue, ModelError> {
        self.make_room(1, |reason| ModelError::ExecFail { reason })?;
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        if cluster.queues.contains_key(name) {
            return Err(ModelError::ExecFail {
                reason: format!("the cluster {cluster_id} has a queue {name} already"),
            });
        }
        let sequence = cluster.next_sequence();
        let queue = Queue {
            name: name.to_string(),
            attributes,
            created: now,
            sequence,
        };
        cluster.queues.insert(name.to_string(), queue.clone());
        Ok(queue)
    }

    pub fn queues(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<Queue>, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let mut all: Vec<Queue> = cluster.queues.values().cloned().collect();
        all.sort_by_key(|q| q.sequence);
        Ok(all)
    }

    pub fn update_queue(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        attributes: BTreeMap<String, String>,
        now: u64,
    ) -> Result<Queue, ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let queue = cluster
            .queues
            .get_mut(name)
            .ok_or_else(|| no_queue(cluster_id, name))?;
        queue.attributes.extend(attributes);
        Ok(queue.clone())
    }

    /// Removes a queue; one that still has nodes cannot be removed.
    pub fn delete_queue(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        self.delete_queues(scope, cluster_id, &[name.to_string()], now)
    }

    /// Removes queues; all or none.
    pub fn delete_queues(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        names: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        for name in names {
            if !cluster.queues.contains_key(name) {
                return Err(ModelError::ExecFail {
                    reason: format!("the cluster {cluster_id} has no queue {name}"),
                });
            }
            if cluster.nodes.values().any(|n| &n.queue == name) {
                return Err(ModelError::ExecFail {
                    reason: format!("the queue {name} still has nodes"),
                });
            }
        }
        for name in names {
            cluster.queues.remove(name);
        }
        Ok(())
    }

    /// Adds users; all or none.
    pub fn add_users(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        users: &[(String, String)],
        now: u64,
    ) -> Result<(), ModelError> {
        self.make_room(users.len(), |reason| ModelError::InvalidParams { reason })?;
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        for (name, _) in users {
            if cluster.users.contains_key(name)
                || users.iter().filter(|(n, _)| n == name).count() > 1
            {
                return Err(ModelError::UserAlreadyExist { user: name.clone() });
            }
        }
        for (name, group) in users {
            let sequence = cluster.next_sequence();
            cluster.users.insert(
                name.clone(),
                User {
                    name: name.clone(),
                    group: group.clone(),
                    created: now,
                    sequence,
                },
            );
        }
        Ok(())
    }

    pub fn users(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<User>, ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let mut all: Vec<User> = cluster.users.values().cloned().collect();
        all.sort_by_key(|u| u.sequence);
        Ok(all)
    }

    pub fn update_user(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        group: Option<String>,
        now: u64,
    ) -> Result<User, ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let user = cluster
            .users
            .get_mut(name)
            .ok_or_else(|| ModelError::UserNotExist {
                user: name.to_string(),
            })?;
        if let Some(group) = group {
            user.group = group;
        }
        Ok(user.clone())
    }

    /// Removes users; all or none.
    pub fn delete_users(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        names: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if let Some(missing) = names.iter().find(|n| !cluster.users.contains_key(*n)) {
            return Err(ModelError::UserNotExist {
                user: missing.clone(),
            });
        }
        for name in names {
            cluster.users.remove(name);
        }
        Ok(())
    }

    pub fn submit_job(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        new: NewJob,
        now: u64,
    ) -> Result<Job, ModelError> {
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
        let outcome = match self.settings.job_outcome {
            JobOutcome::Succeeded => JobPhase::Succeeded,
            JobOutcome::Failed => JobPhase::Failed,
        };
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if !new.queue.is_empty() && !cluster.queues.contains_key(&new.queue) {
            return Err(no_queue(cluster_id, &new.queue));
        }
        cluster.last_job += 1;
        let id = match cluster.job_id_style {
            JobIdStyle::Pbs => format!("{}.manager", cluster.last_job),
            JobIdStyle::Plain => cluster.last_job.to_string(),
        };
        let sequence = cluster.next_sequence();
        let job = Job {
            id: id.clone(),
            name: new.name,
            owner: new.owner,
            queue: new.queue,
            command: new.command,
            phase: JobPhase::Queued,
            phase_since: now,
            submitted: now,
            started: None,
            outcome,
            sequence,
        };
        cluster.jobs.insert(id, job.clone());
        Ok(job)
    }

    pub fn job(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        id: &str,
        now: u64,
    ) -> Result<Job, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        cluster
            .jobs
            .get(id)
            .cloned()
            .ok_or_else(|| no_job(cluster_id, id))
    }

    /// The jobs of a cluster, oldest first.
    pub fn jobs(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<Job>, ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let mut all: Vec<Job> = cluster.jobs.values().cloned().collect();
        all.sort_by_key(|j| j.sequence);
        Ok(all)
    }

    /// Stops jobs; all or none: a job already finished refuses the call.
    pub fn stop_jobs(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        ids: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        for id in ids {
            let job = cluster.jobs.get(id).ok_or_else(|| no_job(cluster_id, id))?;
            if job.phase.is_final() {
                return Err(ModelError::ConflictOpt {
                    what: format!("the job {id} has finished already"),
                });
            }
        }
        for id in ids {
            if let Some(job) = cluster.jobs.get_mut(id) {
                job.phase = JobPhase::Stopped;
                job.phase_since = now;
            }
        }
        Ok(())
    }

    /// Removes jobs from the scheduler's record; all or none.
    pub fn delete_jobs(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        ids: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if let Some(missing) = ids.iter().find(|id| !cluster.jobs.contains_key(*id)) {
            return Err(no_job(cluster_id, missing));
        }
        for id in ids {
            cluster.jobs.remove(id);
        }
        Ok(())
    }

    /// A job's output and error log, once it has started.
    pub fn job_log(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        id: &str,
        now: u64,
    ) -> Result<(Job, String, String), ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let job = cluster.jobs.get(id).ok_or_else(|| no_job(cluster_id, id))?;
        if job.phase == JobPhase::Queued {
            return Err(ModelError::ConflictOpt {
                what: format!("the job {id} has not started; it has no log yet"),
            });
        }
        let (out, err) = cluster.job_log(job);
        Ok((job.clone(), out, err))
    }
}

fn no_queue(cluster: &str, name: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("the cluster {cluster} has no queue {name}"),
    }
}

fn no_job(cluster: &str, id: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("the cluster {cluster} has no job {id}"),
    }
}
