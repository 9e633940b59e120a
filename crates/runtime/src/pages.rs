//! Walking every page of a paged list: a [`Pages`] asks for page after page until one comes
//! back shorter than the page size. It is a [`Stream`] of pages, and [`Pages::items`] turns it
//! into an [`Items`] stream of their items; both also have an inherent `next().await`, so no
//! stream crate is needed to walk them:
//!
//! ```ignore
//! let mut servers = client.list_servers().pages().items();
//! while let Some(server) = servers.next().await {
//!     println!("{}", server?.id);
//! }
//! ```

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

    /// The next page, or `None` after the last one (or after an error): the same as
    /// [`next_page`](Self::next_page), spelt as a stream's `next` (without needing
    /// `StreamExt`).
    #[allow(clippy::should_implement_trait)]
    pub async fn next(&mut self) -> Option<Result<Vec<T>, Error<K>>> {
        self.next_page().await
    }

    /// The items of every page, one at a time, fetching the next page when the last one is
    /// used up.
    pub fn items(self) -> Items<T, K> {
        Items { pages: self, page: Vec::new().into_iter() }
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

/// The items of every page of a paged list, in order: a [`Stream`] of `Result<T, Error<K>>`
/// (also walked with its inherent [`next`](Self::next)), from [`Pages::items`]. An error ends
/// it after it is yielded.
#[must_use = "pages are only fetched when polled"]
pub struct Items<T, K> {
    pages: Pages<T, K>,
    page: std::vec::IntoIter<T>,
}

impl<T, K> Items<T, K> {
    /// The next item, or `None` after the last one (or after an error).
    #[allow(clippy::should_implement_trait)]
    pub async fn next(&mut self) -> Option<Result<T, Error<K>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

// nothing in it is pinned in place: the page in flight is boxed, the items are moved out
impl<T, K> Unpin for Items<T, K> {}

impl<T, K> Stream for Items<T, K> {
    type Item = Result<T, Error<K>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.page.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.page = page.into_iter(),
            }
        }
    }
}

impl<T, K> fmt::Debug for Items<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("left_in_page", &self.page.len())
            .finish()
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

    #[tokio::test]
    async fn items_walk_every_page_with_an_inherent_next() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let mut items = numbers(7, 3, Arc::clone(&asked)).items();
        let mut seen = Vec::new();
        while let Some(item) = items.next().await {
            seen.push(item.expect("no errors"));
        }
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
        assert_eq!(*asked.lock().expect("not poisoned"), [1, 2, 3]);
        assert!(items.next().await.is_none(), "stays finished");

        // pages too, through the same inherent next
        let mut pages = numbers(4, 2, Arc::new(Mutex::new(Vec::new())));
        let mut sizes = Vec::new();
        while let Some(page) = pages.next().await {
            sizes.push(page.expect("no errors").len());
        }
        assert_eq!(sizes, [2, 2, 0]);
    }

    #[tokio::test]
    async fn items_yield_an_error_then_end() {
        let pages: Pages<u64, ()> = Pages::new(
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
        let mut items = pages.items();
        assert!(matches!(items.next().await, Some(Ok(1))));
        assert!(matches!(items.next().await, Some(Ok(2))));
        assert!(matches!(items.next().await, Some(Err(_))));
        assert!(items.next().await.is_none());
    }
}
