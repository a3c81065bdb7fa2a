//! Paginators: every page (or every item) of a listing operation, as a
//! [`Stream`](futures_core::Stream).
//!
//! `client.<operation>()….into_paginator()` returns a [`Paginator`]; set
//! [`page_size`](Paginator::page_size), then take [`pages`](Paginator::pages)
//! (each answer, with its request id) or [`items`](Paginator::items) (the
//! listed items, page after page). Both streams have an inherent `next()`,
//! so a `while let` loop needs no other crate; `futures::StreamExt` or
//! `tokio_stream::StreamExt` add the usual combinators.
//!
//! Paging stops at the last page: the `TotalCount` reached, a page shorter
//! than the page size or empty, or no `NextToken`. Each page is an ordinary
//! call (signing, retries, timeouts); an error ends the stream after it is
//! yielded. A service that sends the same `NextToken` twice, or a page that
//! starts past its own `TotalCount`, ends the stream with
//! [`crate::Error::Paging`] instead of looping.

use crate::operation_support::OperationError;
pub use crate::paging_error::PagingError;
use crate::paging_error::PagingProblem;
use crate::Error;
use std::collections::HashSet;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

/// How an operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingStyle {
    /// `PageNumber` and `PageSize`, with `TotalCount` in the answer.
    PageNumber,
    /// `NextToken` (and `MaxResults`), with the next `NextToken` in the answer.
    Token,
}

/// The answer to one page request.
pub type PageFuture<C> = Pin<
    Box<
        dyn Future<Output = Result<<C as Paged>::Output, Error<<C as Paged>::Error>>>
            + Send
            + 'static,
    >,
>;

/// One page as the stream yields it.
pub type PageResult<C> = Result<<C as Paged>::Output, Error<<C as Paged>::Error>>;
/// One item as the stream yields it.
pub type ItemResult<C> = Result<<C as Paged>::Item, Error<<C as Paged>::Error>>;

/// Implemented by the generated call of each paging operation: how to ask
/// for a page and what the answer says. Not meant to be implemented by hand.
#[doc(hidden)]
pub trait Paged: Clone + Send + Unpin + 'static {
    type Output: Send + Unpin + 'static;
    type Error: OperationError;
    type Item: Send + Unpin + 'static;
    /// The operation's `Action`, for errors.
    const ACTION: &'static str;
    const STYLE: PagingStyle;
    /// The call asking for page `number` (from 1).
    fn with_page_number(self, _number: u32) -> Self {
        self
    }
    /// The call continuing from `token`.
    fn with_token(self, _token: String) -> Self {
        self
    }
    /// The call asking for `size` items per page.
    fn with_page_size(self, size: u32) -> Self;
    fn send_page(self) -> PageFuture<Self>;
    fn total_count(_answer: &Self::Output) -> Option<u64> {
        None
    }
    fn next_token(_answer: &Self::Output) -> Option<&str> {
        None
    }
    fn request_id(answer: &Self::Output) -> &str;
    fn item_count(answer: &Self::Output) -> usize;
    fn into_items(answer: Self::Output) -> Vec<Self::Item>;
}

/// Pages through a listing: build it with `.into_paginator()` on a call.
#[derive(Debug, Clone)]
pub struct Paginator<C> {
    call: C,
    page_size: Option<u32>,
}

impl<C: Paged> Paginator<C> {
    #[doc(hidden)]
    pub fn new(call: C) -> Self {
        Paginator {
            call,
            page_size: None,
        }
    }

    /// Items per page (`PageSize` or `MaxResults`); the service's default
    /// when unset.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Every answer, page after page.
    pub fn pages(self) -> PageStream<C> {
        let call = match self.page_size {
            Some(size) => self.call.with_page_size(size),
            None => self.call,
        };
        PageStream {
            call,
            page_size: self.page_size,
            state: State::Ready,
            page: 1,
            fetched: 0,
            largest_page: 0,
            tokens: HashSet::new(),
            next_token: None,
        }
    }

    /// Every listed item, page after page.
    pub fn items(self) -> ItemStream<C> {
        ItemStream {
            pages: self.pages(),
            buffer: Vec::new().into_iter(),
        }
    }
}

enum State<C: Paged> {
    Ready,
    InFlight(PageFuture<C>),
    Done,
}

/// The pages of a [`Paginator`]: a [`Stream`](futures_core::Stream) of
/// answers, ending after the last page or the first error.
pub struct PageStream<C: Paged> {
    call: C,
    page_size: Option<u32>,
    state: State<C>,
    /// The page being asked for, from 1.
    page: u32,
    /// Items received so far.
    fetched: u64,
    largest_page: u64,
    tokens: HashSet<String>,
    next_token: Option<String>,
}

impl<C: Paged> fmt::Debug for PageStream<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("action", &C::ACTION)
            .field("page", &self.page)
            .field("fetched", &self.fetched)
            .field("done", &matches!(self.state, State::Done))
            .finish()
    }
}

impl<C: Paged> PageStream<C> {
    /// The next page, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<C::Output, Error<C::Error>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_page(cx)).await
    }

    fn request(&self) -> PageFuture<C> {
        let call = self.call.clone();
        let call = match C::STYLE {
            PagingStyle::PageNumber => call.with_page_number(self.page),
            PagingStyle::Token => match &self.next_token {
                Some(token) => call.with_token(token.clone()),
                None => call,
            },
        };
        call.send_page()
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<PageResult<C>>> {
        if let State::Ready = self.state {
            self.state = State::InFlight(self.request());
        }
        let State::InFlight(future) = &mut self.state else {
            return Poll::Ready(None);
        };
        let answer = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(answer) => answer,
        };
        self.state = State::Done;
        Poll::Ready(Some(answer.and_then(|answer| self.after(answer))))
    }

    /// Decides, from the answer to the current page, whether another page
    /// follows; an answer that would make paging loop becomes an error.
    fn after(&mut self, answer: C::Output) -> Result<C::Output, Error<C::Error>> {
        let count = C::item_count(&answer) as u64;
        let more = match C::STYLE {
            PagingStyle::PageNumber => {
                let before = self.fetched;
                self.fetched += count;
                self.largest_page = self.largest_page.max(count);
                let total = C::total_count(&answer);
                if let Some(total) = total.filter(|total| count > 0 && before >= *total) {
                    return Err(self.fail(
                        PagingProblem::PastTotalCount {
                            page: self.page,
                            total,
                        },
                        &answer,
                    ));
                }
                let size = self.page_size.map(u64::from).unwrap_or(self.largest_page);
                let short = count < size;
                let complete = total.is_some_and(|total| self.fetched >= total);
                count > 0 && !short && !complete
            }
            PagingStyle::Token => match C::next_token(&answer).filter(|t| !t.is_empty()) {
                None => false,
                Some(token) => {
                    if !self.tokens.insert(token.to_string()) {
                        let token = token.to_string();
                        return Err(self.fail(PagingProblem::RepeatedToken { token }, &answer));
                    }
                    self.next_token = Some(token.to_string());
                    true
                }
            },
        };
        if more {
            self.page += 1;
            self.state = State::Ready;
        }
        Ok(answer)
    }

    fn fail(&self, problem: PagingProblem, answer: &C::Output) -> Error<C::Error> {
        Error::Paging(PagingError {
            action: C::ACTION,
            problem,
            request_id: Some(C::request_id(answer).to_string()).filter(|id| !id.is_empty()),
        })
    }
}

impl<C: Paged> futures_core::Stream for PageStream<C> {
    type Item = Result<C::Output, Error<C::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// The items of a [`Paginator`]: a [`Stream`](futures_core::Stream) of the
/// listed items, ending after the last page or the first error.
pub struct ItemStream<C: Paged> {
    pages: PageStream<C>,
    buffer: std::vec::IntoIter<C::Item>,
}

impl<C: Paged> fmt::Debug for ItemStream<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<C: Paged> ItemStream<C> {
    /// The next item, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<C::Item, Error<C::Error>>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<ItemResult<C>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffer = C::into_items(page).into_iter(),
            }
        }
    }
}

impl<C: Paged> futures_core::Stream for ItemStream<C> {
    type Item = Result<C::Item, Error<C::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(all(test, feature = "v2018-04-12"))]
mod tests {
    use super::*;
    use std::sync::Arc;

    type AnyError = crate::operation::stop_visual_service::StopVisualServiceError;

    /// A service answering page `n` with `pages[n - 1]`: (items, TotalCount).
    #[derive(Clone, Debug)]
    struct Scripted {
        pages: Arc<Vec<(Vec<u32>, Option<u64>)>>,
        page: u32,
    }

    impl Paged for Scripted {
        type Output = (Vec<u32>, Option<u64>);
        type Error = AnyError;
        type Item = u32;
        const ACTION: &'static str = "ListScripted";
        const STYLE: PagingStyle = PagingStyle::PageNumber;
        fn with_page_number(mut self, number: u32) -> Self {
            self.page = number;
            self
        }
        fn with_page_size(self, _size: u32) -> Self {
            self
        }
        fn send_page(self) -> PageFuture<Self> {
            let answer = self.pages.get(self.page as usize - 1).cloned();
            Box::pin(async move { Ok(answer.unwrap_or_default()) })
        }
        fn total_count(answer: &Self::Output) -> Option<u64> {
            answer.1
        }
        fn request_id(_answer: &Self::Output) -> &str {
            "REQ"
        }
        fn item_count(answer: &Self::Output) -> usize {
            answer.0.len()
        }
        fn into_items(answer: Self::Output) -> Vec<u32> {
            answer.0
        }
    }

    fn scripted(pages: Vec<(Vec<u32>, Option<u64>)>) -> Paginator<Scripted> {
        Paginator::new(Scripted {
            pages: Arc::new(pages),
            page: 0,
        })
    }

    #[tokio::test]
    async fn a_page_past_the_total_count_ends_with_an_error() {
        // The total shrinks from 4 to 2 while page 2 still holds items.
        let mut items = scripted(vec![(vec![1, 2], Some(4)), (vec![3, 4], Some(2))])
            .page_size(2)
            .items();
        assert_eq!(items.next().await.unwrap().unwrap(), 1);
        assert_eq!(items.next().await.unwrap().unwrap(), 2);
        let error = items.next().await.unwrap().unwrap_err();
        let Error::Paging(paging) = &error else {
            panic!("{error:?}");
        };
        assert!(paging.is_past_total_count());
        assert_eq!(paging.request_id(), Some("REQ"));
        assert!(error.to_string().contains("page 2"), "{error}");
        assert!(items.next().await.is_none());
    }

    #[tokio::test]
    async fn without_a_total_count_a_short_page_is_the_last() {
        let mut pages = scripted(vec![(vec![1, 2], None), (vec![3], None), (vec![9], None)])
            .page_size(2)
            .pages();
        assert_eq!(pages.next().await.unwrap().unwrap().0, [1, 2]);
        assert_eq!(pages.next().await.unwrap().unwrap().0, [3]);
        assert!(pages.next().await.is_none());
    }
}
