//! The examples' shared parts: each example is a function here, run by a binary in
//! `examples/` and by this package's tests against the simulators.
//!
//! ```sh
//! cargo run -p cloud-sdks-examples --example profitbricks_quickstart   # against the simulator
//! PROFITBRICKS_USERNAME=… PROFITBRICKS_PASSWORD=… cargo run -p cloud-sdks-examples --example profitbricks_quickstart
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod profitbricks;

/// What an example failed with.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;
