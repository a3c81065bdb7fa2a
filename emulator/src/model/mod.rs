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

mod clusters;
mod error;
pub mod instant;
mod resources;
mod scheduler;
mod software;

pub use error::ModelError;
pub use resources::{
    Addon, Backend, Cluster, ClusterPhase, Job, JobIdStyle, JobPhase, Node, NodePhase, Queue,
    SharedStorage, Software, User,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Resources of every kind the model holds at most, so that requests
/// cannot make it grow without end; creating more is refused.
pub const MAX_RESOURCES: usize = 100_000;

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
    /// Whether clusters created from now on end running or in exception.
    pub cluster_outcome: StartOutcome,
    /// Whether nodes added from now on end running or in exception.
    pub node_outcome: StartOutcome,
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
            cluster_outcome: StartOutcome::Running,
            node_outcome: StartOutcome::Running,
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

/// How a cluster or node that is being started ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartOutcome {
    #[default]
    Running,
    Exception,
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
    /// Echoed fields to set, by wire name.
    pub attributes: BTreeMap<String, String>,
}

/// What new nodes are created with.
#[derive(Debug, Clone, Default)]
pub struct NewNodes {
    pub count: u32,
    pub queue: String,
    pub instance_type: String,
    pub hostname_prefix: String,
    pub keep_alive: bool,
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
    /// E-HPC Instant's resources, apart from the clusters.
    #[serde(default)]
    pub instant: instant::InstantAccounts,
}

const ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub(crate) const LOWER_ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

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

    /// The scope's resources, moved on as far as `now` allows; `None`
    /// when it has none (reads never make an empty one).
    fn settle(&mut self, scope: &Scope, now: u64) -> Option<&mut Backend> {
        let settings = self.settings;
        let backend = self
            .accounts
            .get_mut(scope.account)?
            .get_mut(scope.region)?;
        for cluster in backend.clusters.values_mut() {
            settle_cluster(cluster, &settings, now);
        }
        Some(backend)
    }

    /// Forgets the scope when it holds nothing any more.
    fn prune(&mut self, scope: &Scope) {
        if let Some(regions) = self.accounts.get_mut(scope.account) {
            if regions
                .get(scope.region)
                .is_some_and(|b| b.clusters.is_empty())
            {
                regions.remove(scope.region);
            }
            if regions.is_empty() {
                self.accounts.remove(scope.account);
            }
        }
    }

    /// Resources of every kind held, in every account and region.
    pub fn resource_count(&self) -> usize {
        self.accounts
            .values()
            .flat_map(|regions| regions.values())
            .flat_map(|backend| backend.clusters.values())
            .map(|c| {
                1 + c.nodes.len()
                    + c.queues.len()
                    + c.users.len()
                    + c.jobs.len()
                    + c.storages.len()
                    + c.addons.len()
                    + c.software.len()
            })
            .sum::<usize>()
            + instant::resource_count(&self.instant)
    }

    /// Refuses with `refusal` when `adding` more resources would pass
    /// [`MAX_RESOURCES`].
    fn make_room(
        &self,
        adding: usize,
        refusal: impl FnOnce(String) -> ModelError,
    ) -> Result<(), ModelError> {
        if self.resource_count().saturating_add(adding) > MAX_RESOURCES {
            return Err(refusal(format!(
                "the emulator holds at most {MAX_RESOURCES} resources in all"
            )));
        }
        Ok(())
    }

    fn cluster_mut(
        &mut self,
        scope: &Scope,
        id: &str,
        now: u64,
    ) -> Result<&mut Cluster, ModelError> {
        self.settle(scope, now)
            .and_then(|backend| backend.clusters.get_mut(id))
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
}

/// The phase after `phase` and how long `phase` lasts, for a cluster.
fn settle_cluster(cluster: &mut Cluster, settings: &Settings, now: u64) {
    loop {
        let (lasts, next) = match cluster.phase {
            ClusterPhase::Creating => (
                settings.cluster_creating_seconds,
                ClusterPhase::Initializing,
            ),
            ClusterPhase::Initializing => (settings.cluster_initializing_seconds, cluster.outcome),
            ClusterPhase::Running | ClusterPhase::Exception => break,
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
                NodePhase::Initializing => (settings.node_initializing_seconds, node.outcome),
                NodePhase::Running | NodePhase::Exception => break,
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
