//! The retry budget: a token bucket per region, shared by every clone of a
//! client, that retries take from and that successes and time fill. When
//! a service keeps failing the bucket empties and calls fail fast instead
//! of multiplying the load; it fills again on its own, so a client does
//! not stay without retries after an outage that left nothing to succeed.

use super::RetryKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::time::Instant;

/// Tokens a full budget holds.
pub(crate) const BUDGET_CAPACITY: u32 = 500;
/// Tokens a retry takes; a timeout, which held a connection for long,
/// takes more.
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a first-attempt success gives back.
const SUCCESS_REWARD: u32 = 1;
/// Tokens the budget gains each second: an empty budget is full again in
/// 50 s, and allows two retries a second meanwhile.
const REFILL_PER_SECOND: f64 = 10.0;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug)]
pub(crate) struct RetryBudget {
    state: Mutex<BudgetState>,
    capacity: f64,
}

#[derive(Debug)]
struct BudgetState {
    tokens: f64,
    updated: Instant,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::with_capacity(BUDGET_CAPACITY)
    }
}

impl RetryBudget {
    pub(crate) fn with_capacity(capacity: u32) -> Self {
        RetryBudget {
            state: Mutex::new(BudgetState {
                tokens: f64::from(capacity),
                updated: Instant::now(),
            }),
            capacity: f64::from(capacity),
        }
    }

    /// The state, with the tokens the time since the last look brought.
    fn refilled(&self) -> MutexGuard<'_, BudgetState> {
        let mut state = lock(&self.state);
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * REFILL_PER_SECOND).min(self.capacity);
        state.updated = now;
        state
    }

    /// Takes the tokens a retry of `kind` costs; `None` when too few are left.
    pub(crate) fn try_acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = match kind {
            RetryKind::Timeout => TIMEOUT_RETRY_COST,
            RetryKind::Transient | RetryKind::Throttling => RETRY_COST,
        };
        let mut state = self.refilled();
        if state.tokens < f64::from(cost) {
            return None;
        }
        state.tokens -= f64::from(cost);
        Some(cost)
    }

    /// A call succeeded: the retries it took are refunded, or a first-try
    /// success adds a token.
    pub(crate) fn succeeded(&self, retry_costs: u32) {
        let refund = if retry_costs == 0 {
            SUCCESS_REWARD
        } else {
            retry_costs
        };
        let mut state = self.refilled();
        state.tokens = (state.tokens + f64::from(refund)).min(self.capacity);
    }

    #[cfg(test)]
    pub(crate) fn available(&self) -> f64 {
        self.refilled().tokens
    }
}

/// The budgets of a client, one per region its calls go to (the client
/// has one endpoint): an outage in one region does not spend the retries
/// of another.
#[derive(Debug, Default)]
pub(crate) struct Budgets {
    by_region: Mutex<HashMap<Box<str>, Arc<RetryBudget>>>,
}

impl Budgets {
    pub(crate) fn for_region(&self, region: &str) -> Arc<RetryBudget> {
        let mut budgets = lock(&self.by_region);
        if let Some(budget) = budgets.get(region) {
            return Arc::clone(budget);
        }
        let budget = Arc::new(RetryBudget::default());
        budgets.insert(region.into(), Arc::clone(&budget));
        budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn the_budget_empties_under_failures_and_refills_on_success() {
        let budget = RetryBudget::with_capacity(12);
        assert_eq!(budget.try_acquire(RetryKind::Transient), Some(5));
        assert_eq!(budget.try_acquire(RetryKind::Throttling), Some(5));
        assert_eq!(budget.try_acquire(RetryKind::Transient), None);
        assert_eq!(budget.available(), 2.0);
        budget.succeeded(10);
        assert_eq!(budget.available(), 12.0);
        budget.succeeded(0);
        assert_eq!(budget.available(), 12.0, "never above capacity");
        assert_eq!(budget.try_acquire(RetryKind::Timeout), Some(10));
        budget.succeeded(0);
        assert_eq!(budget.available(), 3.0);
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_budget_fills_again_with_time_alone() {
        let budget = RetryBudget::default();
        while budget.try_acquire(RetryKind::Transient).is_some() {}
        assert!(budget.available() < 5.0);
        // Half a second brings one retry back.
        tokio::time::advance(Duration::from_millis(500)).await;
        assert_eq!(budget.try_acquire(RetryKind::Transient), Some(5));
        assert_eq!(budget.try_acquire(RetryKind::Transient), None);
        // 50 s fill it from empty, and no further.
        tokio::time::advance(Duration::from_secs(50)).await;
        assert_eq!(budget.available(), f64::from(BUDGET_CAPACITY));
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(budget.available(), f64::from(BUDGET_CAPACITY));
    }

    #[tokio::test(start_paused = true)]
    async fn each_region_has_its_own_budget_shared_by_its_calls() {
        let budgets = Budgets::default();
        let hangzhou = budgets.for_region("cn-hangzhou");
        while hangzhou.try_acquire(RetryKind::Transient).is_some() {}
        assert!(budgets
            .for_region("cn-hangzhou")
            .try_acquire(RetryKind::Transient)
            .is_none());
        assert_eq!(
            budgets
                .for_region("cn-beijing")
                .try_acquire(RetryKind::Transient),
            Some(5)
        );
    }
}
