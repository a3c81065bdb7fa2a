//! The resources of one account in one region, and the phases they go
//! through. Phases are the model's own; each API version's service names
//! them with its status values.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a cluster is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterPhase {
    Creating,
    Initializing,
    Running,
    /// Creation failed; final (the cluster can only be deleted).
    Exception,
}

/// Where a node is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodePhase {
    Installing,
    Initializing,
    Running,
    /// Starting failed; final (the node can only be deleted).
    Exception,
}

/// Where a job is in its life; the last three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobPhase {
    Queued,
    Running,
    Succeeded,
    Failed,
    Stopped,
}

impl JobPhase {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobPhase::Succeeded | JobPhase::Failed | JobPhase::Stopped
        )
    }
}

/// How job ids are shaped: PBS-style `<n>.manager` (E-HPC 1.0 clusters)
/// or the plain number Slurm prints (E-HPC 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobIdStyle {
    Pbs,
    Plain,
}

/// One cluster and everything in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    pub description: String,
    pub phase: ClusterPhase,
    /// Emulator-clock second the current phase began.
    pub phase_since: u64,
    pub created: u64,
    /// Order of creation in the account and region, for listing.
    pub sequence: u64,
    pub job_id_style: JobIdStyle,
    /// The phase it reaches after initializing; dumps without it predate
    /// failing clusters.
    #[serde(default = "running_cluster")]
    pub outcome: ClusterPhase,
    /// Fields the service echoes back as given at creation (scheduler,
    /// OS, VPC, ...), by wire name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub nodes: BTreeMap<String, Node>,
    #[serde(default)]
    pub queues: BTreeMap<String, Queue>,
    #[serde(default)]
    pub users: BTreeMap<String, User>,
    #[serde(default)]
    pub jobs: BTreeMap<String, Job>,
    #[serde(default)]
    pub storages: BTreeMap<String, SharedStorage>,
    #[serde(default)]
    pub addons: BTreeMap<String, Addon>,
    #[serde(default)]
    pub software: BTreeMap<String, Software>,
    /// Number of the last job submitted.
    #[serde(default)]
    pub last_job: u64,
    #[serde(default)]
    pub last_sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub hostname: String,
    pub queue: String,
    pub instance_type: String,
    pub phase: NodePhase,
    pub phase_since: u64,
    pub created: u64,
    pub sequence: u64,
    /// The phase it reaches after initializing.
    #[serde(default = "running_node")]
    pub outcome: NodePhase,
    /// Kept when the cluster scales in (E-HPC 2.0 `KeepAlive`).
    #[serde(default)]
    pub keep_alive: bool,
}

fn running_cluster() -> ClusterPhase {
    ClusterPhase::Running
}

fn running_node() -> NodePhase {
    NodePhase::Running
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub name: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub created: u64,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub group: String,
    pub created: u64,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub queue: String,
    pub command: String,
    pub phase: JobPhase,
    pub phase_since: u64,
    pub submitted: u64,
    /// When it started running, once it has.
    #[serde(default)]
    pub started: Option<u64>,
    /// The final phase it reaches if not stopped.
    pub outcome: JobPhase,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedStorage {
    pub file_system_id: String,
    pub mount_directory: String,
    /// Mount fields echoed as given (protocol, mount target, ...), by
    /// wire name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Addon {
    pub id: String,
    pub name: String,
    pub version: String,
    pub installed: u64,
    pub sequence: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Software {
    pub name: String,
    pub version: String,
    pub installed: u64,
    pub sequence: u64,
}

/// The resources of one account in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Backend {
    #[serde(default)]
    pub clusters: BTreeMap<String, Cluster>,
    #[serde(default)]
    pub last_sequence: u64,
}

impl Cluster {
    pub(crate) fn next_sequence(&mut self) -> u64 {
        self.last_sequence += 1;
        self.last_sequence
    }

    /// The output a finished job leaves, as the scheduler would write it.
    pub fn job_log(&self, job: &Job) -> (String, String) {
        let out = format!("{}\n", job.command);
        let err = match job.phase {
            JobPhase::Failed => format!("job {} exited with status 1\n", job.id),
            JobPhase::Stopped => format!("job {} was stopped\n", job.id),
            _ => String::new(),
        };
        (out, err)
    }
}
