//! The error a paginator stops with, apart from the paginators, so the
//! crate's error type can hold it without looking at how paging works.

use std::fmt;

/// A paginator stopped because the service's answers would make it loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingError {
    pub(crate) action: &'static str,
    pub(crate) problem: PagingProblem,
    pub(crate) request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PagingProblem {
    RepeatedToken { token: String },
    PastTotalCount { page: u32, total: u64 },
}

impl PagingError {
    /// The operation paged through.
    pub fn action(&self) -> &str {
        self.action
    }

    /// The request id of the answer that stopped paging.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The token the service sent a second time, when that is the problem.
    pub fn repeated_token(&self) -> Option<&str> {
        match &self.problem {
            PagingProblem::RepeatedToken { token } => Some(token),
            PagingProblem::PastTotalCount { .. } => None,
        }
    }

    /// Whether a page came back with items although the pages before it
    /// already held `TotalCount` items.
    pub fn is_past_total_count(&self) -> bool {
        matches!(self.problem, PagingProblem::PastTotalCount { .. })
    }
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            PagingProblem::RepeatedToken { token } => write!(
                f,
                "{}: the service returned the NextToken `{token}` a second time; paging stopped instead of looping",
                self.action
            )?,
            PagingProblem::PastTotalCount { page, total } => write!(
                f,
                "{}: page {page} holds items although the pages before it already held the TotalCount of {total}; paging stopped instead of going past it",
                self.action
            )?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PagingError {}
