//! Clusters and their nodes.

use super::{
    region_code, Cluster, ClusterPhase, ClusterUpdate, JobIdStyle, Model, ModelError, NewCluster,
    NewNodes, Node, NodePhase, Queue, Scope, StartOutcome, ALPHANUMERIC, LOWER_ALPHANUMERIC,
};
use std::collections::BTreeMap;

impl Model {
    pub fn create_cluster(
        &mut self,
        scope: &Scope,
        new: NewCluster,
        now: u64,
    ) -> Result<Cluster, ModelError> {
        self.make_room(1 + new.queues.len(), |reason| ModelError::TooManyClusters {
            reason,
        })?;
        let id = format!(
            "ehpc-{}-{}",
            region_code(scope.region),
            self.random(ALPHANUMERIC, 10)
        );
        let outcome = match self.settings.cluster_outcome {
            StartOutcome::Running => ClusterPhase::Running,
            StartOutcome::Exception => ClusterPhase::Exception,
        };
        let backend = self.backend_mut(scope);
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
            outcome,
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
        Ok(cluster)
    }

    pub fn cluster(&mut self, scope: &Scope, id: &str, now: u64) -> Result<Cluster, ModelError> {
        self.cluster_mut(scope, id, now).map(|c| c.clone())
    }

    /// Every cluster of the scope, oldest first.
    pub fn clusters(&mut self, scope: &Scope, now: u64) -> Vec<Cluster> {
        let mut all: Vec<Cluster> = self
            .settle(scope, now)
            .map(|backend| backend.clusters.values().cloned().collect())
            .unwrap_or_default();
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
        cluster.attributes.extend(update.attributes);
        Ok(cluster.clone())
    }

    /// Removes a cluster and everything in it. A cluster still being
    /// created cannot be deleted yet; one that failed can.
    pub fn delete_cluster(&mut self, scope: &Scope, id: &str, now: u64) -> Result<(), ModelError> {
        let cluster = self.cluster_mut(scope, id, now)?;
        if !matches!(
            cluster.phase,
            ClusterPhase::Running | ClusterPhase::Exception
        ) {
            return Err(ModelError::ConflictOpt {
                what: format!("the cluster {id} is still being created"),
            });
        }
        self.backend_mut(scope).clusters.remove(id);
        self.prune(scope);
        Ok(())
    }

    pub fn add_nodes(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        new: NewNodes,
        now: u64,
    ) -> Result<Vec<String>, ModelError> {
        self.make_room(new.count as usize, |reason| ModelError::TooManyComputes {
            reason,
        })?;
        let ids: Vec<String> = (0..new.count)
            .map(|_| format!("i-{}", self.random(LOWER_ALPHANUMERIC, 20)))
            .collect();
        let outcome = match self.settings.node_outcome {
            StartOutcome::Running => NodePhase::Running,
            StartOutcome::Exception => NodePhase::Exception,
        };
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
                    outcome,
                    keep_alive: new.keep_alive,
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
    /// refuses the whole call (one that failed to start can go).
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
            if !matches!(node.phase, NodePhase::Running | NodePhase::Exception) {
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
}

impl Model {
    /// Sets whether a node is kept when the cluster scales in; all or
    /// none.
    pub fn keep_nodes_alive(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        changes: &[(String, bool)],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if let Some((missing, _)) = changes
            .iter()
            .find(|(id, _)| !cluster.nodes.contains_key(id))
        {
            return Err(ModelError::ComputeNotFound {
                node: missing.clone(),
            });
        }
        for (id, keep_alive) in changes {
            if let Some(node) = cluster.nodes.get_mut(id) {
                node.keep_alive = *keep_alive;
            }
        }
        Ok(())
    }
}
