//! The one send path every operation takes: [`run`] checks the arguments, builds the request
//! from the catalog, sends it through the [`Transport`] (retries, timeouts, tracing) and reads
//! the answer (a change that must read the current object first sends that read before it,
//! see [`ReadFirst`]). What it gives back is a [`CallFuture`]: `Send + 'static`, so it can be spawned.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::catalog::ReadFirst;
use crate::error::{Classify, Error};
use crate::operation::Operation;
use crate::read_first;
use crate::request::Request;
use crate::response::Response;
use crate::transport::Transport;

/// A response on its way, before it is read.
type Sending<K> = Pin<Box<dyn Future<Output = Result<Response, Error<K>>> + Send>>;

/// The future of one call: the request in flight, then the answer read into `T`.
#[must_use = "a call does nothing until it is awaited"]
pub struct CallFuture<T, K> {
    state: State<T, K>,
}

enum State<T, K> {
    Sending {
        sending: Sending<K>,
        read: fn(Response) -> Result<T, Error<K>>,
    },
    /// The arguments were refused before anything was sent.
    Refused(Error<K>),
    Finished,
}

impl<T, K> CallFuture<T, K> {
    /// A call that fails with `error` without sending anything.
    pub fn failed(error: Error<K>) -> Self {
        CallFuture { state: State::Refused(error) }
    }
}

/// Sends `operation` through `transport` and reads its answer.
pub fn run<O: Operation>(transport: &Transport, operation: O) -> CallFuture<O::Output, O::Kind> {
    CallFuture::new(transport, &operation, O::read)
}

impl<T, K: Classify + Send + 'static> CallFuture<T, K> {
    /// Sends `operation` through `transport`; `read` reads the answer.
    pub(crate) fn new<O: Operation<Kind = K>>(
        transport: &Transport,
        operation: &O,
        read: fn(Response) -> Result<T, Error<K>>,
    ) -> Self {
        match operation.request() {
            Ok(request) => CallFuture {
                state: State::Sending {
                    sending: send(transport.clone(), request, O::read_first()),
                    read,
                },
            },
            Err(invalid) => CallFuture::failed(Error::InvalidArgument(invalid)),
        }
    }
}

/// The transport's send, boxed: one copy per error kind, not one per operation. A change
/// that reads first ([`ReadFirst`]) gets the current object's members before it is sent.
fn send<K: Classify + Send + 'static>(
    transport: Transport,
    request: Request,
    read_first: Option<&'static ReadFirst>,
) -> Sending<K> {
    Box::pin(async move {
        let request = match read_first {
            Some(read) => read_first::complete::<K>(&transport, request, read).await?,
            None => request,
        };
        transport.send::<K>(request).await
    })
}

// nothing in it is ever pinned in place: the future in flight is boxed
impl<T, K> Unpin for CallFuture<T, K> {}

impl<T, K> Future for CallFuture<T, K> {
    type Output = Result<T, Error<K>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, State::Finished) {
            State::Sending { mut sending, read } => match sending.as_mut().poll(cx) {
                Poll::Pending => {
                    this.state = State::Sending { sending, read };
                    Poll::Pending
                }
                Poll::Ready(result) => Poll::Ready(result.and_then(read)),
            },
            State::Refused(error) => Poll::Ready(Err(error)),
            State::Finished => panic!("a CallFuture was polled after it completed"),
        }
    }
}

impl<T, K> fmt::Debug for CallFuture<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Sending { .. } => "sending",
            State::Refused(_) => "refused",
            State::Finished => "finished",
        };
        f.debug_struct("CallFuture").field("state", &state).finish()
    }
}
