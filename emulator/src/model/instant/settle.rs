//! Moving Instant's resources on with the clock. Executors of a pool with
//! a bound wait in `Pending` while the pool runs as many as it may, so
//! their transitions are replayed in time order, one at a time.

use super::{ExecutorPhase, InstantBackend, PoolPhase};
use crate::model::{Settings, StartOutcome};
use std::collections::BTreeMap;

impl InstantBackend {
    /// Moves every resource on as far as `now` allows.
    pub(super) fn settle(&mut self, settings: &Settings, now: u64) {
        self.settle_pools(settings, now);
        let limits: BTreeMap<String, u64> = self
            .pools
            .values()
            .filter_map(|p| Some((p.name.clone(), p.max_executors?)))
            .collect();
        let mut waiting: Vec<(Option<String>, &mut super::Executor)> = self
            .jobs
            .values_mut()
            .flat_map(|job| {
                let pool = job.pool.clone();
                job.executors
                    .iter_mut()
                    .filter(|e| !e.phase.is_final())
                    .map(move |e| (pool.clone(), e))
            })
            .collect();
        // Places taken in each bounded pool.
        let mut taken: BTreeMap<String, u64> = BTreeMap::new();
        for (pool, executor) in &waiting {
            if let Some(pool) = pool.as_ref().filter(|p| limits.contains_key(*p)) {
                if executor.phase.is_active() {
                    *taken.entry(pool.clone()).or_default() += 1;
                }
            }
        }
        let mut cursor = self.settled_at.min(now);
        loop {
            let mut next: Option<(u64, usize)> = None;
            for (i, (pool, executor)) in waiting.iter().enumerate() {
                let since = executor.phase_since;
                let at = match executor.phase {
                    ExecutorPhase::Pending => {
                        let full = pool
                            .as_ref()
                            .and_then(|p| Some((limits.get(p)?, p)))
                            .is_some_and(|(limit, p)| taken.get(p).copied().unwrap_or(0) >= *limit);
                        if full {
                            continue;
                        }
                        since
                            .saturating_add(settings.job_queued_seconds)
                            .max(cursor)
                    }
                    ExecutorPhase::Initing => {
                        since.saturating_add(settings.node_initializing_seconds)
                    }
                    ExecutorPhase::Running => since.saturating_add(settings.job_running_seconds),
                    _ => continue,
                };
                if at <= now && next.is_none_or(|(best, _)| at < best) {
                    next = Some((at, i));
                }
            }
            let Some((at, i)) = next else { break };
            cursor = cursor.max(at);
            let (pool, executor) = &mut waiting[i];
            let was_active = executor.phase.is_active();
            let phase = match executor.phase {
                ExecutorPhase::Pending => ExecutorPhase::Initing,
                ExecutorPhase::Initing if executor.outcome == ExecutorPhase::Exception => {
                    ExecutorPhase::Exception
                }
                ExecutorPhase::Initing => ExecutorPhase::Running,
                _ => executor.outcome,
            };
            enter(executor, phase, at);
            if let Some(p) = pool.as_ref().filter(|p| limits.contains_key(*p)) {
                let count = taken.entry(p.clone()).or_default();
                match (was_active, phase.is_active()) {
                    (true, false) => *count = count.saturating_sub(1),
                    (false, true) => *count += 1,
                    _ => {}
                }
            }
        }
        self.settled_at = self.settled_at.max(now);
    }

    fn settle_pools(&mut self, settings: &Settings, now: u64) {
        let lasts = settings.cluster_initializing_seconds;
        self.pools.retain(|_, pool| {
            let done = pool.phase_since.saturating_add(lasts) <= now;
            match pool.phase {
                PoolPhase::Creating | PoolPhase::Updating if done => {
                    pool.phase_since = pool.phase_since.saturating_add(lasts);
                    pool.phase = PoolPhase::Working;
                    true
                }
                PoolPhase::Deleting => !done,
                _ => true,
            }
        });
    }
}

/// Puts an executor in `phase` from `at`, noting when it started or ended.
pub(super) fn enter(executor: &mut super::Executor, phase: ExecutorPhase, at: u64) {
    executor.phase = phase;
    executor.phase_since = at;
    executor.history.push((phase, at));
    if phase == ExecutorPhase::Running {
        executor.started = Some(at);
    }
    if phase.is_final() {
        executor.ended = Some(at);
    }
}

/// The final phase of an executor created now.
pub(super) fn outcome(settings: &Settings) -> ExecutorPhase {
    match (settings.node_outcome, settings.job_outcome) {
        (StartOutcome::Exception, _) => ExecutorPhase::Exception,
        (_, crate::model::JobOutcome::Failed) => ExecutorPhase::Failed,
        (_, crate::model::JobOutcome::Succeeded) => ExecutorPhase::Succeeded,
    }
}
