//! Stateful offline simulators of the cloud APIs the `profitbricks`, `oneandone` and `memset`
//! crates talk to, built from the same spec catalogs as the clients.
//!
//! A simulator serves the provider's real paths on 127.0.0.1, checks credentials, routes every
//! operation of the catalog, validates requests against the spec as the API would, and keeps
//! the resources it is asked to create in memory, so that a test can create a data center, add
//! a server, wait for it and see it in the next list, offline, in milliseconds.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use cloud_sdks_sim::Simulator;
//!
//! let sim = Simulator::profitbricks().start().await?;
//! let pb = sim.client();
//! let accepted = pb.create_datacenter(profitbricks::models::NewDatacenter::new("web", "de/fra")).await;
//! # let _ = accepted;
//! // dropping `sim` stops the server
//! # Ok(())
//! # }
//! ```
//!
//! The `cloud-sdks-sim` binary serves the same simulators for other languages and tools:
//! `cloud-sdks-sim serve --provider profitbricks --port 0` (or `--provider oneandone`, feature
//! `oneandone`: the 1&1 Cloud Server simulator, `Simulator::oneandone()`), with fault rules
//! as `--fault SPEC` (`--fault rate-limited:2@list_datacentersx1`).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod faults;
#[cfg(feature = "memset")]
pub mod memset;
#[cfg(feature = "oneandone")]
pub mod oneandone;
#[cfg(feature = "profitbricks")]
pub mod profitbricks;
pub mod route;
pub mod running;
mod schema;
mod server;
mod util;
mod validate;

/// The entry point: one constructor per simulated provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct Simulator;

impl Simulator {
    /// A ProfitBricks Cloud API v3 simulator with the default settings
    /// ([`profitbricks::DEFAULT_USERNAME`], [`profitbricks::DEFAULT_PASSWORD`], requests done on
    /// the second status poll), to adjust and then [`start`](crate::profitbricks::Builder::start).
    #[cfg(feature = "profitbricks")]
    pub fn profitbricks() -> crate::profitbricks::Builder {
        crate::profitbricks::Builder::default()
    }

    /// A Memset API simulator with the default settings ([`memset::DEFAULT_API_KEY`], jobs
    /// finished on the second `job.status` poll, the seed examples' starting account), to
    /// adjust and then [`start`](crate::memset::Builder::start).
    #[cfg(feature = "memset")]
    pub fn memset() -> crate::memset::Builder {
        crate::memset::Builder::default()
    }

    /// A 1&1 Cloud Server API v1 simulator with the default settings
    /// ([`oneandone::DEFAULT_TOKEN`], resources ready on the second look), to adjust and
    /// then [`start`](crate::oneandone::Builder::start).
    #[cfg(feature = "oneandone")]
    pub fn oneandone() -> crate::oneandone::Builder {
        crate::oneandone::Builder::default()
    }
}
