//! The model's refusals, one variant per error the service documents for
//! them. The services answer each with the operation's documented status
//! and message for [`ModelError::code`].

use std::fmt;

/// Why an operation on the resources was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelError {
    /// No cluster with this id in the account and region.
    ClusterNotFound { cluster: String },
    /// The cluster is not in a state that allows the operation.
    InvalidClusterStatus { cluster: String, status: String },
    /// Another operation on the resource is under way, or the resource is
    /// past the point where the operation means anything.
    ConflictOpt { what: String },
    /// No more clusters can be created.
    TooManyClusters { reason: String },
    /// No more nodes can be added.
    TooManyComputes { reason: String },
    /// No compute node with this id in the cluster.
    ComputeNotFound { node: String },
    /// The node is not in a state that allows the operation.
    InvalidNodeStatus { node: String, status: String },
    /// A user with this name exists already.
    UserAlreadyExist { user: String },
    /// No user with this name in the cluster.
    UserNotExist { user: String },
    /// The scheduler refused a queue change: the name is taken, there is
    /// no such queue, or it still has nodes.
    ExecFail { reason: String },
    /// No file system is mounted at this directory of the cluster.
    VolumeNotFound { mount_directory: String },
    /// No E-HPC Instant job with this id.
    JobNotFound { job: String },
    /// No E-HPC Instant image with this id.
    ImageNotFound { image: String },
    /// The image is used by a job that has not finished.
    ImageInUse { image: String },
    /// No job with this id, or a file system, add-on or software that is
    /// not there; the service documents these as invalid parameters.
    InvalidParams { reason: String },
}

impl ModelError {
    /// The service's `Code` for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::ClusterNotFound { .. } => "ClusterNotFound",
            ModelError::InvalidClusterStatus { .. } => "InvalidClusterStatus",
            ModelError::ConflictOpt { .. } => "ConflictOpt",
            ModelError::TooManyClusters { .. } => "TooManyClusters",
            ModelError::TooManyComputes { .. } => "TooManyComputes",
            ModelError::ComputeNotFound { .. } => "ComputeNotFound",
            ModelError::InvalidNodeStatus { .. } => "InvalidNodeStatus",
            ModelError::UserAlreadyExist { .. } => "AgentError.Account.UserAlreadyExist",
            ModelError::UserNotExist { .. } => "AgentError.Account.UserNotExist",
            ModelError::ExecFail { .. } => "ExecFail",
            ModelError::VolumeNotFound { .. } => "VolumeNotFound",
            ModelError::InvalidParams { .. } => "InvalidParams",
            ModelError::JobNotFound { .. } => "JobNotFound",
            ModelError::ImageNotFound { .. } => "ImageNotFound",
            ModelError::ImageInUse { .. } => "ImageInUse",
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::ClusterNotFound { cluster } => {
                write!(f, "the cluster {cluster} does not exist")
            }
            ModelError::InvalidClusterStatus { cluster, status } => {
                write!(
                    f,
                    "the cluster {cluster} is {status}, which does not allow this"
                )
            }
            ModelError::ConflictOpt { what } => write!(f, "{what}"),
            ModelError::ComputeNotFound { node } => write!(f, "the node {node} does not exist"),
            ModelError::InvalidNodeStatus { node, status } => {
                write!(f, "the node {node} is {status}, which does not allow this")
            }
            ModelError::UserAlreadyExist { user } => write!(f, "the user {user} exists already"),
            ModelError::UserNotExist { user } => write!(f, "the user {user} does not exist"),
            ModelError::VolumeNotFound { mount_directory } => {
                write!(f, "no file system is mounted at {mount_directory}")
            }
            ModelError::JobNotFound { job } => write!(f, "the job {job} does not exist"),
            ModelError::ImageNotFound { image } => write!(f, "the image {image} does not exist"),
            ModelError::ImageInUse { image } => {
                write!(
                    f,
                    "the image {image} is used by a job that has not finished"
                )
            }
            ModelError::TooManyClusters { reason }
            | ModelError::TooManyComputes { reason }
            | ModelError::ExecFail { reason }
            | ModelError::InvalidParams { reason } => {
                write!(f, "{reason}")
            }
        }
    }
}

impl std::error::Error for ModelError {}
