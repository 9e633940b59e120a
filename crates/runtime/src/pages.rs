//! Walking every page of a paged list: a [`Pages`] asks for page after page until one comes
//! back shorter than the page size. It is a [`Stream`] of pages, and also has plain async
//! methods for callers who don't use streams.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::Error;

/// A boxed future of one page.
pub type PageFuture<T, K> = Pin<Box<dyn Future<Output = Result<Vec<T>, Error<K>>> + Send>>;

/// Fetches the page with the given number.
pub type FetchPage<T, K> = Box<dyn FnMut(u64) -> PageFuture<T, K> + Send>;

/// Every page of a paged list, one request per page, in order.
#[must_use = "pages are only fetched when polled"]
pub struct Pages<T, K> {
    fetch: FetchPage<T, K>,
    next: u64,
    per_page: u64,
    in_flight: Option<PageFuture<T, K>>,
    done: bool,
}

impl<T, K> Pages<T, K> {
    /// Pages numbered from `first`, `per_page` items each, fetched by `fetch`.
    pub fn new(first: u64, per_page: u64, fetch: FetchPage<T, K>) -> Self {
        Pages { fetch, next: first, per_page, in_flight: None, done: false }
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<Vec<T>, Error<K>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item of every page.
    ///
    /// # Errors
    ///
    /// The first page request that fails.
    pub async fn all(mut self) -> Result<Vec<T>, Error<K>> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?);
        }
        Ok(items)
    }
}

impl<T, K> Stream for Pages<T, K> {
    type Item = Result<Vec<T>, Error<K>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // every field is Unpin (boxed futures and closures), so the struct is too
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let next = this.next;
        let future = this.in_flight.get_or_insert_with(|| (this.fetch)(next));
        let result = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.in_flight = None;
        match &result {
            Ok(items) if (items.len() as u64) < this.per_page || items.is_empty() => {
                this.done = true
            }
            Ok(_) => this.next += 1,
            Err(_) => this.done = true,
        }
        Poll::Ready(Some(result))
    }
}

impl<T, K> fmt::Debug for Pages<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .field("per_page", &self.per_page)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Pages over `total` numbers, recording which pages were asked for.
    fn numbers(total: u64, per_page: u64, asked: Arc<Mutex<Vec<u64>>>) -> Pages<u64, ()> {
        Pages::new(
            1,
            per_page,
            Box::new(move |page| {
                asked.lock().expect("not poisoned").push(page);
                let start = (page - 1) * per_page;
                let items: Vec<u64> = (start..total.min(start + per_page)).collect();
                Box::pin(async move { Ok(items) })
            }),
        )
    }

    #[tokio::test]
    async fn walks_until_a_short_page() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let all = numbers(7, 3, Arc::clone(&asked)).all().await.expect("no errors");
        assert_eq!(all, (0..7).collect::<Vec<_>>());
        assert_eq!(*asked.lock().expect("not poisoned"), [1, 2, 3]);
    }

    #[tokio::test]
    async fn an_exact_multiple_ends_on_the_empty_page() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let mut pages = numbers(6, 3, Arc::clone(&asked));
        let mut sizes = Vec::new();
        while let Some(page) = pages.next_page().await {
            sizes.push(page.expect("no errors").len());
        }
        assert_eq!(sizes, [3, 3, 0]);
        assert!(pages.next_page().await.is_none(), "stays finished");
    }

    #[tokio::test]
    async fn an_error_ends_the_walk() {
        let mut pages: Pages<u64, ()> = Pages::new(
            1,
            2,
            Box::new(|page| {
                Box::pin(async move {
                    if page == 1 {
                        Ok(vec![1, 2])
                    } else {
                        Err(Error::InvalidArgument(crate::InvalidArgument::new(
                            "list", "page", "boom",
                        )))
                    }
                })
            }),
        );
        assert!(matches!(pages.next_page().await, Some(Ok(_))));
        assert!(matches!(pages.next_page().await, Some(Err(_))));
        assert!(pages.next_page().await.is_none());
    }
}
