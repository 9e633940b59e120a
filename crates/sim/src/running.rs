//! What every running simulator offers, whichever provider it simulates: where it listens, a
//! client of it, its fault rules, the requests it received and a reset. Each provider's module
//! names its own as `Running` ([`profitbricks::Running`](crate::profitbricks::Running), ...)
//! and adds what only it has (`resource`, `snapshot`, ...).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use crate::faults::Faults;
use crate::server::{self, Handler};

/// A simulated provider: the simulator behind a [`Running`]. Only this crate's simulators are
/// providers.
pub trait Provider: sealed::Simulated {
    /// The client crate's client (`profitbricks::Client`).
    type Client;
    /// A request as the simulator notes it, for [`Running::received`].
    type Received: Clone;
}

pub(crate) mod sealed {
    use super::{Faults, Mutex, Provider};

    /// What [`Running`](super::Running) needs of a simulator, out of users' reach.
    pub trait Simulated: Send + Sync + 'static {
        /// The requests received so far.
        fn log(&self) -> &Mutex<Vec<<Self as Provider>::Received>>
        where
            Self: Provider;
        /// The fault rules.
        fn faults(&self) -> &Faults;
        /// Puts the state back as it was at the start.
        fn restart(&self);
        /// A client pointed at `base_url` with the credentials the simulator accepts.
        fn client(&self, base_url: &str) -> <Self as Provider>::Client
        where
            Self: Provider;
    }
}

/// A running simulator; dropping it stops the server.
pub struct Running<P: Provider> {
    sim: Arc<P>,
    base_url: String,
    addr: SocketAddr,
    /// Stops the server when the simulator is dropped.
    _stop: server::Stop,
}

impl<P: Provider> std::fmt::Debug for Running<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl<P: Provider> Running<P> {
    /// Serves the simulator `make` builds for its base URL on 127.0.0.1:`port` (0: any free
    /// port) under `prefix`, on the current tokio runtime.
    pub(crate) async fn start(
        port: u16,
        prefix: &str,
        make: impl FnOnce(&str) -> P,
    ) -> io::Result<Self>
    where
        P: Handler,
    {
        let listener = server::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}{prefix}");
        let sim = Arc::new(make(&base_url));
        let stop = server::spawn(listener, Arc::clone(&sim) as Arc<dyn Handler>);
        Ok(Running { sim, base_url, addr, _stop: stop })
    }

    /// The simulator itself, for the provider's own inspection methods.
    pub(crate) fn sim(&self) -> &P {
        &self.sim
    }

    /// The base URL to give a client (`http://127.0.0.1:<port>/cloudapi/v3` for ProfitBricks,
    /// `http://127.0.0.1:<port>/v1` for 1&1 and Memset).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client pointed at it with the credentials it accepts.
    ///
    /// # Panics
    /// Never in practice: a client refuses only settings this does not make (a base URL that
    /// is not http(s), plain http to another host than loopback). Credentials given to the
    /// builder that cannot go in a header (a token or API key with a line break, an API key
    /// with a `:`) would be refused.
    pub fn client(&self) -> P::Client {
        self.sim.client(&self.base_url)
    }

    /// Every request received so far, oldest first (at most the last 10 000), faulted ones
    /// too (status 0 for a dropped connection).
    pub fn received(&self) -> Vec<P::Received> {
        self.sim.log().lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The fault rules: add one to make the next matching requests fail (see
    /// [`crate::faults`]). Each provider answers in its own shape: a ProfitBricks 429 carries
    /// `X-RateLimit-*` headers, a 1&1 one `X-Rate-Limit-*`, and Memset throttles with
    /// `ApiErrorThrottled` (HTTP 403; a rule for one method hits its JSON interface,
    /// `/json/<method>`, and its XML-RPC calls, while JSON-RPC requests only meet rules for every
    /// request).
    /// [`Fault::FailWork`](crate::faults::Fault::FailWork) makes the work a call starts fail: a
    /// ProfitBricks provisioning request ends `FAILED` with the message, a Memset job finishes
    /// with `error` set, and a 1&1 resource, as the API has no failure state, stays in its
    /// transitional state for good.
    pub fn faults(&self) -> &Faults {
        self.sim.faults()
    }

    /// Goes back to the starting account (or an empty one, if built so) and forgets the
    /// requests received. The fault rules stay.
    pub fn reset(&self) {
        self.sim.restart();
        if let Ok(mut received) = self.sim.log().lock() {
            received.clear();
        }
    }
}
