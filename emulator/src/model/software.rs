//! What is installed on or attached to a cluster: shared storages,
//! add-ons and software.

use super::{Addon, Model, ModelError, Scope, SharedStorage, Software, ALPHANUMERIC};

// Shared storages and add-ons are E-HPC 2.0 resources.
impl Model {
    /// Mounts file systems, each at its own directory; all or none.
    pub fn attach_storages(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        mounts: Vec<SharedStorage>,
        now: u64,
    ) -> Result<(), ModelError> {
        self.make_room(mounts.len(), |reason| ModelError::InvalidParams { reason })?;
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        for (at, mount) in mounts.iter().enumerate() {
            let directory = &mount.mount_directory;
            if cluster.storages.contains_key(directory)
                || mounts[..at].iter().any(|m| &m.mount_directory == directory)
            {
                return Err(ModelError::ConflictOpt {
                    what: format!("a file system is mounted at {directory} already"),
                });
            }
        }
        for mut mount in mounts {
            mount.sequence = cluster.next_sequence();
            cluster
                .storages
                .insert(mount.mount_directory.clone(), mount);
        }
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

    /// Unmounts the file systems at these directories; all or none.
    pub fn detach_storages(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        mount_directories: &[String],
        now: u64,
    ) -> Result<(), ModelError> {
        let cluster = self.running_cluster(scope, cluster_id, now)?;
        if let Some(missing) = mount_directories
            .iter()
            .find(|d| !cluster.storages.contains_key(*d))
        {
            return Err(ModelError::VolumeNotFound {
                mount_directory: missing.clone(),
            });
        }
        for directory in mount_directories {
            cluster.storages.remove(directory);
        }
        Ok(())
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
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
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
}

impl Model {
    pub fn install_software(
        &mut self,
        scope: &Scope,
        cluster_id: &str,
        name: &str,
        version: &str,
        now: u64,
    ) -> Result<(), ModelError> {
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
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
