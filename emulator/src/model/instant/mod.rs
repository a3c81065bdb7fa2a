//! E-HPC Instant's resources: jobs of tasks, each task run by one
//! executor per index of its array, pools that bound how many executors
//! run at once, and images. Kept apart from the cluster resources, per
//! account and region, with the same lazy transitions: every operation
//! first moves each resource on as far as the clock allows.

mod jobs;
mod pools;
mod settle;
mod templates;

pub use jobs::{DeleteTarget, NewExecutors, NewJob, NewTask};
pub use pools::{NewImage, PoolChange};
pub use templates::TemplateFields;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where an executor, or the job made of them, is in its life; the last
/// four are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecutorPhase {
    Pending,
    Initing,
    Running,
    Succeeded,
    Failed,
    /// Its machine never started.
    Exception,
    Deleted,
}

impl ExecutorPhase {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ExecutorPhase::Succeeded
                | ExecutorPhase::Failed
                | ExecutorPhase::Exception
                | ExecutorPhase::Deleted
        )
    }

    /// Whether it holds a place in its pool.
    fn is_active(self) -> bool {
        matches!(self, ExecutorPhase::Initing | ExecutorPhase::Running)
    }
}

/// Where a pool is in its life; a deleted pool is gone once deleting ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoolPhase {
    Creating,
    Working,
    Updating,
    Deleting,
}

/// One run of a task: one index of its array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Executor {
    /// `<JobId>-<TaskName>-<Index>`.
    pub id: String,
    pub task: String,
    pub index: i64,
    pub phase: ExecutorPhase,
    pub phase_since: u64,
    pub created: u64,
    #[serde(default)]
    pub started: Option<u64>,
    #[serde(default)]
    pub ended: Option<u64>,
    /// The final phase it reaches unless deleted.
    pub outcome: ExecutorPhase,
    /// Every phase it entered, with when, oldest first.
    #[serde(default)]
    pub history: Vec<(ExecutorPhase, u64)>,
}

/// A task of a job, as submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub name: String,
    /// `IndexStart`, `IndexEnd`, `IndexStep` of its array, when it has one.
    #[serde(default)]
    pub array: Option<(i64, i64, i64)>,
    pub image: String,
    /// What it runs, as given (a VM script or a container command).
    pub command: String,
    /// Its `TaskSpec`, echoed as given.
    #[serde(default)]
    pub spec: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstantJob {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub pool: Option<String>,
    pub tasks: Vec<Task>,
    /// In order of creation: task by task, index by index.
    pub executors: Vec<Executor>,
    pub created: u64,
    pub sequence: u64,
    /// Fields echoed as given (`DeploymentPolicy`, `JobScheduler`, ...).
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
}

impl InstantJob {
    /// The job's state, from its executors': running while any is under
    /// way, then the worst way one ended.
    pub fn phase(&self) -> ExecutorPhase {
        let live: Vec<ExecutorPhase> = self
            .executors
            .iter()
            .map(|e| e.phase)
            .filter(|p| *p != ExecutorPhase::Deleted)
            .collect();
        let any = |phase| live.contains(&phase);
        if live.is_empty() {
            ExecutorPhase::Deleted
        } else if any(ExecutorPhase::Running)
            || (live.iter().any(|p| !p.is_final()) && live.iter().any(|p| p.is_final()))
        {
            ExecutorPhase::Running
        } else if any(ExecutorPhase::Initing) {
            ExecutorPhase::Initing
        } else if any(ExecutorPhase::Pending) {
            ExecutorPhase::Pending
        } else if any(ExecutorPhase::Exception) {
            ExecutorPhase::Exception
        } else if any(ExecutorPhase::Failed) {
            ExecutorPhase::Failed
        } else {
            ExecutorPhase::Succeeded
        }
    }

    /// When its first executor started.
    pub fn started(&self) -> Option<u64> {
        self.executors.iter().filter_map(|e| e.started).min()
    }

    /// When its last executor ended, once all have.
    pub fn ended(&self) -> Option<u64> {
        if !self.phase().is_final() {
            return None;
        }
        self.executors.iter().filter_map(|e| e.ended).max()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub name: String,
    pub priority: i64,
    /// Executors it runs at once (`MaxExecutorNum`); `None`: no bound.
    #[serde(default)]
    pub max_executors: Option<u64>,
    pub phase: PoolPhase,
    pub phase_since: u64,
    pub created: u64,
    pub updated: u64,
    pub sequence: u64,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `VM` or `Container`.
    pub kind: String,
    pub version: String,
    pub created: u64,
    pub sequence: u64,
    /// The image it stands for (`VMImageSpec.ImageId`, the container's
    /// image), by which jobs name it too.
    #[serde(default)]
    pub source: String,
}

/// A job template: the parameters of a job to come, kept as given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobTemplate {
    pub id: String,
    pub name: String,
    /// Its fields by wire name (json-style ones decoded).
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    pub created: u64,
    pub updated: u64,
    pub sequence: u64,
}

/// The Instant resources of one account in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstantBackend {
    #[serde(default)]
    pub jobs: BTreeMap<String, InstantJob>,
    #[serde(default)]
    pub pools: BTreeMap<String, Pool>,
    #[serde(default)]
    pub images: BTreeMap<String, Image>,
    #[serde(default)]
    pub templates: BTreeMap<String, JobTemplate>,
    /// Days job records are kept (`UpdateJobRecordDuration`).
    #[serde(default)]
    pub record_days: Option<i64>,
    #[serde(default)]
    pub last_sequence: u64,
    /// The clock when the resources were last moved on; nothing waiting
    /// for a place in a pool starts earlier than this.
    #[serde(default)]
    pub settled_at: u64,
}

impl InstantBackend {
    fn next_sequence(&mut self) -> u64 {
        self.last_sequence += 1;
        self.last_sequence
    }

    fn resource_count(&self) -> usize {
        self.jobs
            .values()
            .map(|j| 1 + j.executors.len())
            .sum::<usize>()
            + self.pools.len()
            + self.images.len()
            + self.templates.len()
    }
}

/// Every account's Instant resources: account, then region.
pub type InstantAccounts = BTreeMap<String, BTreeMap<String, InstantBackend>>;

/// Resources of every kind in every account and region.
pub(super) fn resource_count(accounts: &InstantAccounts) -> usize {
    accounts
        .values()
        .flat_map(|regions| regions.values())
        .map(InstantBackend::resource_count)
        .sum()
}
