//! The model of E-HPC's resources that stateful operations act on, in the
//! manner of moto's backends: one [`Backend`] per account (access key id)
//! and region, resources in maps keyed by id, typed refusals
//! ([`ModelError`]). It knows nothing of HTTP, parameters or status
//! strings: times are emulator-clock seconds passed in by the caller, and
//! phases are named by each API version's service.
//!
//! Transitions are lazy: a resource entered its phase at `phase_since`, and
//! every operation first moves each resource on as far as the clock allows
//! ([`Settings`] says how long each phase lasts).

mod error;
mod resources;

pub use error::ModelError;
pub use resources::{
    Addon, Backend, Cluster, ClusterPhase, Job, JobIdStyle, JobPhase, Node, NodePhase, Queue,
    SharedStorage, Software, User,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long each phase lasts, in emulator-clock seconds, and how jobs end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    pub cluster_creating_seconds: u64,
    pub cluster_initializing_seconds: u64,
    pub node_installing_seconds: u64,
    pub node_initializing_seconds: u64,
    pub job_queued_seconds: u64,
    pub job_running_seconds: u64,
    /// Whether jobs submitted from now on succeed or fail.
    pub job_outcome: JobOutcome,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cluster_creating_seconds: 120,
            cluster_initializing_seconds: 60,
            node_installing_seconds: 60,
            node_initializing_seconds: 30,
            job_queued_seconds: 5,
            job_running_seconds: 60,
            job_outcome: JobOutcome::Succeeded,
        }
    }
}

/// How a job that is not stopped ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    #[default]
    Succeeded,
    Failed,
}

/// Whose resources, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// What a new cluster is created with.
#[derive(Debug, Clone, Default)]
pub struct NewCluster {
    pub name: String,
    pub description: String,
    pub job_id_style: Option<JobIdStyle>,
    pub attributes: BTreeMap<String, String>,
    /// Queues it starts with (E-HPC 2.0 creates them with the cluster).
    pub queues: Vec<String>,
}

/// What `update_cluster` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClusterUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// What new nodes are created with.
#[derive(Debug, Clone, Default)]
pub struct NewNodes {
    pub count: u32,
    pub queue: String,
    pub instance_type: String,
    pub hostname_prefix: String,
}

/// What a job is submitted with.
#[derive(Debug, Clone, Default)]
pub struct NewJob {
    pub name: String,
    pub owner: String,
    pub queue: String,
    pub command: String,
}

/// Every account's resources, the settings, and the id sequence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    #[serde(default)]
    pub settings: Settings,
    /// Seed of the next generated id; ids never repeat within a model.
    #[serde(default)]
    pub next_id: u64,
    /// Account, then region.
    #[serde(default)]
    pub accounts: BTreeMap<String, BTreeMap<String, Backend>>,
}

const ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER_ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// The short region code in cluster ids: `cn-hangzhou` → `hz`.
pub fn region_code(region: &str) -> String {
    let known = [
        ("cn-hangzhou", "hz"),
        ("cn-shanghai", "sh"),
        ("cn-beijing", "bj"),
        ("cn-shenzhen", "sz"),
        ("cn-qingdao", "qd"),
        ("cn-zhangjiakou", "zjk"),
        ("cn-huhehaote", "hhht"),
        ("cn-hongkong", "hk"),
        ("cn-wulanchabu", "wlcb"),
    ];
    if let Some((_, code)) = known.iter().find(|(name, _)| *name == region) {
        return code.to_string();
    }
    // Otherwise the initials of the region's parts after the country.
    let parts: Vec<&str> = region.split('-').filter(|p| !p.is_empty()).collect();
    let code: String = parts
        .iter()
        .skip(usize::from(parts.len() > 1))
        .filter_map(|p| p.chars().next())
        .collect();
    if code.is_empty() {
        "xx".to_string()
    } else {
        code.to_ascii_lowercase()
    }
}

impl Model {
    /// `length` characters of `alphabet`, different for every call.
    fn random(&mut self, alphabet: &[u8], length: usize) -> String {
        self.next_id += 1;
        // splitmix64, started from the mixed seed, so that consecutive
        // seeds give unrelated text.
        fn mix(mut z: u64) -> u64 {
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        let mut state = mix(self.next_id);
        (0..length)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                alphabet[(mix(state) % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    fn backend_mut(&mut self, scope: &Scope) -> &mut Backend {
        self.accounts
            .entry(scope.account.to_string())
            .or_default()
            .entry(scope.region.to_string())
            .or_default()
    }

    /// Moves every resource of the scope on as far as `now` allows.
    fn settle(&mut self, scope: &Scope, now: u64) -> &mut Backend {
        let settings = self.settings;
        let backend = self.backend_mut(scope);
        for cluster in backend.clusters.values_mut() {
            settle_cluster(cluster, &settings, now);
        }
        backend
    }

    fn cluster_mut(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<&mut Cluster, ModelError> {
        self.settle(scope, now)
            .clusters
            .get_mut(id)
            .ok_or_else(|| ModelError::ClusterNotFound {
                cluster: id.to_string(),
            })
    }

    /// A cluster that must be running for the operation.
    fn running_cluster(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<&mut Cluster, ModelError> {
        let cluster = self.cluster_mut(scope, id, now)?;
        if cluster.phase != ClusterPhase::Running {
            return Err(ModelError::InvalidClusterStatus {
                cluster: id.to_string(),
                status: format!("{:?}", cluster.phase).to_lowercase(),
            });
        }
        Ok(cluster)
    }

    // Clusters.

    pub fn create_cluster(&mut self, scope: &Scope, new: NewCluster, now: u64) -> Cluster {
        let id = format!(
            "ehpc-{}-{}",
            region_code(scope.region),
            self.random(ALPHANUMERIC, 10)
        );
        let backend = self.settle(scope, now);
        backend.last_sequence += 1;
        let mut cluster = Cluster {
            id: id.clone(),
            name: new.name,
            description: new.description,
            phase: ClusterPhase::Creating,
            phase_since: now,
            created: now,
            sequence: backend.last_sequence,
            job_id_style: new.job_id_style.unwrap_or(JobIdStyle::Pbs),
            attributes: new.attributes,
            nodes: BTreeMap::new(),
            queues: BTreeMap::new(),
            users: BTreeMap::new(),
            jobs: BTreeMap::new(),
            storages: BTreeMap::new(),
            addons: BTreeMap::new(),
            software: BTreeMap::new(),
            last_job: 0,
            last_sequence: 0,
        };
        for name in new.queues {
            let sequence = cluster.next_sequence();
            cluster.queues.insert(
                name.clone(),
                Queue {
                    name,
                    attributes: BTreeMap::new(),
                    created: now,
                    sequence,
                },
            );
        }
        backend.clusters.insert(id, cluster.clone());
        cluster
    }

    pub fn cluster(&mut self, scope: &Scope, id: &str, now: u64) -> Result<Cluster, ModelError> {
        self.cluster_mut(scope, id, now).map(|c| c.clone())
    }

    /// Every cluster of the scope, oldest first.
    pub fn clusters(&mut self, scope: &Scope, now: u64) -> Vec<Cluster> {
        let mut all: Vec<Cluster> = self.settle(scope, now).clusters.values().cloned().collect();
        all.sort_by_key(|c| c.sequence);
        all
    }

    pub fn update_cluster(
        &mut self,
        scope: &Scope,
        id: &str,
        update: ClusterUpdate,
        now: u64,
    ) -> Result<Cluster, ModelError> {
        let cluster = self.cluster_mut(scope, id, now)?;
        if let Some(name) = update.name {
            cluster.name = name;
        }
        if let Some(description) = update.description {
            cluster.description = description;
        }
        Ok(cluster.clone())
    }

    /// Removes a cluster and everything in it. A cluster still being
    /// created cannot be deleted yet.
    pub fn delete_cluster(&mut self, scope: &Scope, id: &str, now: u64) -> Result<(), ModelError> {
        let cluster = self.cluster_mut(scope, id, now)?;
        if cluster.phase != ClusterPhase::Running {
            return Err(ModelError::ConflictOpt {
                what: format!("the cluster {id} is still being created"),
            });
        }
        self.backend_mut(scope).clusters.remove(id);
        Ok(())
    }

    // Nodes.

    pub fn add_nodes(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        new: NewNodes,
        now: u64,
    ) -> Result<Vec<String>, ModelError> {
        let ids: Vec<String> = (0..new.count)
            .map(|_| format!("i-{}", self.random(LOWER_ALPHANUMERIC, 20)))
            .collect();
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if !new.queue.is_empty() && !cluster.queues.contains_key(&new.queue) {
            return Err(ModelError::InvalidParams {
                reason: format!("the cluster {cluster_id} has no queue {}", new.queue),
            });
        }
        for id in &ids {
            let sequence = cluster.next_sequence();
            let prefix = if new.hostname_prefix.is_empty() {
                "compute"
            } else {
                &new.hostname_prefix
            };
            cluster.nodes.insert(
                id.clone(),
                Node {
                    id: id.clone(),
                    hostname: format!("{prefix}{sequence:03}"),
                    queue: new.queue.clone(),
                    instance_type: new.instance_type.clone(),
                    phase: NodePhase::Installing,
                    phase_since: now,
                    created: now,
                    sequence,
                },
            );
        }
        Ok(ids)
    }

    /// The nodes of a cluster, oldest first.
    pub fn nodes(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<Node>, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let mut all: Vec<Node> = cluster.nodes.values().cloned().collect();
        all.sort_by_key(|n| n.sequence);
        Ok(all)
    }

    /// Removes nodes; all or none: an unknown node or one still starting
    /// refuses the whole call.
    pub fn delete_nodes(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        ids: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        for id in ids {
            let node = cluster
                .nodes
                .get(id)
                .ok_or_else(|| ModelError::ComputeNotFound { node: id.clone() })?;
            if node.phase != NodePhase::Running {
                return Err(ModelError::InvalidNodeStatus {
                    node: id.clone(),
                    status: format!("{:?}", node.phase).to_lowercase(),
                });
            }
        }
        for id in ids {
            cluster.nodes.remove(id);
        }
        Ok(())
    }

    // Queues.

    pub fn add_queue(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        attributes: BTreeMap<String, String>,
        now: u64,
    ) -> Result<Queue, ModelError> {
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
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
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
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        if !cluster.queues.contains_key(name) {
            return Err(ModelError::ExecFail {
                reason: format!("the cluster {cluster_id} has no queue {name}"),
            });
        }
        if cluster.nodes.values().any(|n| n.queue == name) {
            return Err(ModelError::ExecFail {
                reason: format!("the queue {name} still has nodes"),
            });
        }
        cluster.queues.remove(name);
        Ok(())
    }

    // Users.

    /// Adds users; all or none.
    pub fn add_users(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        users: &[(String, String)],
        now: u64,
    ) -> Result<(), ModelError> {
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

    // Jobs.

    pub fn submit_job(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        new: NewJob,
        now: u64,
    ) -> Result<Job, ModelError> {
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

    // Shared storages, add-ons and software (E-HPC 2.0).

    pub fn attach_storage(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        file_system_id: &str,
        mount_directory: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if cluster.storages.contains_key(file_system_id) {
            return Err(ModelError::ConflictOpt {
                what: format!("the file system {file_system_id} is attached already"),
            });
        }
        let sequence = cluster.next_sequence();
        cluster.storages.insert(
            file_system_id.to_string(),
            SharedStorage {
                file_system_id: file_system_id.to_string(),
                mount_directory: mount_directory.to_string(),
                sequence,
            },
        );
        Ok(())
    }

    pub fn storages(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<SharedStorage>, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let mut all: Vec<SharedStorage> = cluster.storages.values().cloned().collect();
        all.sort_by_key(|s| s.sequence);
        Ok(all)
    }

    pub fn detach_storage(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        file_system_id: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        cluster
            .storages
            .remove(file_system_id)
            .map(|_| ())
            .ok_or_else(|| ModelError::InvalidParams {
                reason: format!("the file system {file_system_id} is not attached to {cluster_id}"),
            })
    }

    /// Installs an add-on; its id is `<name>-<version>-<random>`.
    pub fn install_addon(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        version: &str,
        now: u64,
    ) -> Result<Addon, ModelError> {
        let id = format!("{name}-{version}-{}", self.random(ALPHANUMERIC, 7));
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let sequence = cluster.next_sequence();
        let addon = Addon {
            id: id.clone(),
            name: name.to_string(),
            version: version.to_string(),
            installed: now,
            sequence,
        };
        cluster.addons.insert(id, addon.clone());
        Ok(addon)
    }

    pub fn addons(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<Addon>, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let mut all: Vec<Addon> = cluster.addons.values().cloned().collect();
        all.sort_by_key(|a| a.sequence);
        Ok(all)
    }

    pub fn uninstall_addon(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        id: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        cluster
            .addons
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| ModelError::InvalidParams {
                reason: format!("the cluster {cluster_id} has no add-on {id}"),
            })
    }

    pub fn install_software(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        version: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        let sequence = cluster.next_sequence();
        cluster.software.insert(
            name.to_string(),
            Software {
                name: name.to_string(),
                version: version.to_string(),
                installed: now,
                sequence,
            },
        );
        Ok(())
    }

    pub fn software(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        now: u64,
    ) -> Result<Vec<Software>, ModelError> {
        let cluster = self.cluster_mut(scope, cluster_id, now)?;
        let mut all: Vec<Software> = cluster.software.values().cloned().collect();
        all.sort_by_key(|s| s.sequence);
        Ok(all)
    }

    pub fn uninstall_software(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        cluster
            .software
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| ModelError::InvalidParams {
                reason: format!("the software {name} is not installed on {cluster_id}"),
            })
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

/// The phase after `phase` and how long `phase` lasts, for a cluster.
fn settle_cluster(cluster: &mut Cluster, settings: &Settings, now: u64) {
    loop {
        let (lasts, next) = match cluster.phase {
            ClusterPhase::Creating => (
                settings.cluster_creating_seconds,
                ClusterPhase::Initializing,
            ),
            ClusterPhase::Initializing => {
                (settings.cluster_initializing_seconds, ClusterPhase::Running)
            }
            ClusterPhase::Running => break,
        };
        let ends = cluster.phase_since.saturating_add(lasts);
        if ends > now {
            break;
        }
        cluster.phase = next;
        cluster.phase_since = ends;
    }
    for node in cluster.nodes.values_mut() {
        loop {
            let (lasts, next) = match node.phase {
                NodePhase::Installing => {
                    (settings.node_installing_seconds, NodePhase::Initializing)
                }
                NodePhase::Initializing => (settings.node_initializing_seconds, NodePhase::Running),
                NodePhase::Running => break,
            };
            let ends = node.phase_since.saturating_add(lasts);
            if ends > now {
                break;
            }
            node.phase = next;
            node.phase_since = ends;
        }
    }
    for job in cluster.jobs.values_mut() {
        loop {
            let (lasts, next) = match job.phase {
                JobPhase::Queued => (settings.job_queued_seconds, JobPhase::Running),
                JobPhase::Running => (settings.job_running_seconds, job.outcome),
                _ => break,
            };
            let ends = job.phase_since.saturating_add(lasts);
            if ends > now {
                break;
            }
            if next == JobPhase::Running {
                job.started = Some(ends);
            }
            job.phase = next;
            job.phase_since = ends;
        }
    }
}

#[cfg(test)]
mod tests;
