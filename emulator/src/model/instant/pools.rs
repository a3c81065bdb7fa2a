//! Pools, images and how long job records are kept.

use super::{ExecutorPhase, Image, Pool, PoolPhase};
use crate::model::{Model, ModelError, Scope, LOWER_ALPHANUMERIC};
use std::collections::BTreeMap;

/// What `CreatePool` and `UpdatePool` set; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PoolChange {
    pub priority: Option<i64>,
    pub max_executors: Option<u64>,
    /// Echoed fields, by wire name.
    pub attributes: BTreeMap<String, String>,
}

/// What an image is added with.
#[derive(Debug, Clone, Default)]
pub struct NewImage {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub version: String,
    pub source: String,
}

impl Model {
    pub fn create_pool(
        &mut self,
        scope: &Scope,
        name: &str,
        change: PoolChange,
        now: u64,
    ) -> Result<(), ModelError> {
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
        let backend = self.instant_mut(scope, now);
        if backend.pools.contains_key(name) {
            return Err(ModelError::InvalidParams {
                reason: format!("PoolName: the pool {name} exists already"),
            });
        }
        let pool = Pool {
            name: name.to_string(),
            priority: change.priority.unwrap_or(1),
            max_executors: change.max_executors,
            phase: PoolPhase::Creating,
            phase_since: now,
            created: now,
            updated: now,
            sequence: backend.next_sequence(),
            attributes: change.attributes,
        };
        backend.pools.insert(name.to_string(), pool);
        Ok(())
    }

    /// A pool with the executors it runs now (`ExecutorUsage`).
    pub fn pool(&mut self, scope: &Scope, name: &str, now: u64) -> Result<(Pool, u64), ModelError> {
        let backend = self.instant(scope, now).ok_or_else(|| unknown_pool(name))?;
        let pool = backend
            .pools
            .get(name)
            .ok_or_else(|| unknown_pool(name))?
            .clone();
        let usage = backend
            .jobs
            .values()
            .filter(|j| j.pool.as_deref() == Some(name))
            .flat_map(|j| &j.executors)
            .filter(|e| e.phase.is_active())
            .count() as u64;
        Ok((pool, usage))
    }

    /// Every pool, oldest first.
    pub fn pools(&mut self, scope: &Scope, now: u64) -> Vec<Pool> {
        let mut pools: Vec<Pool> = self
            .instant(scope, now)
            .map(|b| b.pools.values().cloned().collect())
            .unwrap_or_default();
        pools.sort_by_key(|p| p.sequence);
        pools
    }

    /// Changes a working pool, which is `Updating` for a while.
    pub fn update_pool(
        &mut self,
        scope: &Scope,
        name: &str,
        change: PoolChange,
        now: u64,
    ) -> Result<(), ModelError> {
        let pool = self.pool_in(scope, name, now)?;
        if pool.phase != PoolPhase::Working {
            return Err(busy_pool(pool));
        }
        pool.priority = change.priority.unwrap_or(pool.priority);
        pool.max_executors = change.max_executors.or(pool.max_executors);
        pool.attributes.extend(change.attributes);
        pool.phase = PoolPhase::Updating;
        pool.phase_since = now;
        pool.updated = now;
        Ok(())
    }

    /// Starts deleting a pool that no unfinished job uses.
    pub fn delete_pool(&mut self, scope: &Scope, name: &str, now: u64) -> Result<(), ModelError> {
        let backend = self.instant(scope, now).ok_or_else(|| unknown_pool(name))?;
        let in_use = backend
            .jobs
            .values()
            .any(|j| j.pool.as_deref() == Some(name) && !j.phase().is_final());
        let pool = backend
            .pools
            .get_mut(name)
            .ok_or_else(|| unknown_pool(name))?;
        if pool.phase == PoolPhase::Deleting {
            return Err(busy_pool(pool));
        }
        if in_use {
            return Err(ModelError::InvalidParams {
                reason: format!("PoolName: the pool {name} has jobs under way"),
            });
        }
        pool.phase = PoolPhase::Deleting;
        pool.phase_since = now;
        pool.updated = now;
        Ok(())
    }

    fn pool_in(&mut self, scope: &Scope, name: &str, now: u64) -> Result<&mut Pool, ModelError> {
        self.instant(scope, now)
            .and_then(|b| b.pools.get_mut(name))
            .ok_or_else(|| unknown_pool(name))
    }

    pub fn add_image(
        &mut self,
        scope: &Scope,
        new: NewImage,
        now: u64,
    ) -> Result<Image, ModelError> {
        self.make_room(1, |reason| ModelError::InvalidParams { reason })?;
        let id = format!("m-{}", self.random(LOWER_ALPHANUMERIC, 20));
        let backend = self.instant_mut(scope, now);
        let image = Image {
            id: id.clone(),
            name: new.name,
            description: new.description,
            kind: new.kind,
            version: new.version,
            created: now,
            sequence: backend.next_sequence(),
            source: new.source,
        };
        backend.images.insert(id, image.clone());
        Ok(image)
    }

    pub fn image(&mut self, scope: &Scope, id: &str, now: u64) -> Result<Image, ModelError> {
        self.instant(scope, now)
            .and_then(|b| b.images.get(id))
            .cloned()
            .ok_or_else(|| unknown_image(id))
    }

    /// Every image, oldest first.
    pub fn images(&mut self, scope: &Scope, now: u64) -> Vec<Image> {
        let mut images: Vec<Image> = self
            .instant(scope, now)
            .map(|b| b.images.values().cloned().collect())
            .unwrap_or_default();
        images.sort_by_key(|i| i.sequence);
        images
    }

    /// Removes an image no unfinished job runs, by its id or the image
    /// it stands for.
    pub fn remove_image(&mut self, scope: &Scope, id: &str, now: u64) -> Result<(), ModelError> {
        let backend = self.instant(scope, now).ok_or_else(|| unknown_image(id))?;
        let image = backend.images.get(id).ok_or_else(|| unknown_image(id))?;
        let in_use = backend.jobs.values().any(|job| {
            job.executors
                .iter()
                .any(|e| !e.phase.is_final() && e.phase != ExecutorPhase::Deleted)
                && job.tasks.iter().any(|t| {
                    t.image == image.id || (!image.source.is_empty() && t.image == image.source)
                })
        });
        if in_use {
            return Err(ModelError::ImageInUse {
                image: id.to_string(),
            });
        }
        backend.images.remove(id);
        Ok(())
    }

    /// Days job records are kept; `None` until set.
    pub fn record_days(&mut self, scope: &Scope, now: u64) -> Option<i64> {
        self.instant(scope, now).and_then(|b| b.record_days)
    }

    pub fn set_record_days(
        &mut self,
        scope: &Scope,
        days: i64,
        now: u64,
    ) -> Result<(), ModelError> {
        if days < 1 {
            return Err(ModelError::InvalidParams {
                reason: "JobRecordDuration must be at least 1".to_string(),
            });
        }
        self.instant_mut(scope, now).record_days = Some(days);
        Ok(())
    }
}

/// The metadata documents no code for an unknown pool; the service refuses
/// what it does not know as a parameter, as the SDK's `pool_deleted`
/// waiter expects.
fn unknown_pool(name: &str) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("PoolName: there is no pool {name}"),
    }
}

fn busy_pool(pool: &Pool) -> ModelError {
    ModelError::InvalidParams {
        reason: format!("PoolName: the pool {} is {:?}", pool.name, pool.phase),
    }
}

fn unknown_image(id: &str) -> ModelError {
    ModelError::ImageNotFound {
        image: id.to_string(),
    }
}
