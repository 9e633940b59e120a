//! The examples' shared parts: each example is a function here, run by a binary in
//! `examples/` and by this package's tests against the simulators.
//!
//! ```sh
//! cargo run -p cloud-sdks-examples --example profitbricks_quickstart   # against the simulator
//! PROFITBRICKS_USERNAME=… PROFITBRICKS_PASSWORD=… cargo run -p cloud-sdks-examples --example profitbricks_quickstart
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::time::Duration;

pub mod memset;
pub mod oneandone;
pub mod profitbricks;

/// What an example failed with.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Where an example runs: the real API when the provider's credentials are in the environment
/// (the crate's `Client::from_env()` variables), else a simulator started for it.
pub struct Target<C, S> {
    /// The client to use.
    pub client: C,
    /// How often to look at asynchronous work: the crate's pace for the real API, a quick one
    /// for the simulator.
    pub poll: Duration,
    /// The simulator, while it runs (`None` for the real API).
    pub simulator: Option<S>,
}

/// The pace of waits against a simulator, whose work takes a few looks, not minutes.
pub const SIMULATED_POLL: Duration = Duration::from_millis(10);

/// Whether the environment variable `name` is set to something.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}
