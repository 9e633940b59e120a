//! The READMEs' examples as doc tests: `cargo test -p workspace-tests --doc` compiles every
//! `rust` block of the workspace README and of each published crate's README (the page
//! crates.io shows) against the crates as they are, so a quick start cannot drift from the API.
//! The blocks are `no_run`: they would call the real APIs.
//!
//! A crate's own `lib.rs` does not include its README, so the crate docs stay free to say more.

#![doc = include_str!("../README.md")]

/// `crates/profitbricks/README.md`.
#[doc = include_str!("../crates/profitbricks/README.md")]
pub mod profitbricks_readme {}

/// `crates/oneandone/README.md`.
#[doc = include_str!("../crates/oneandone/README.md")]
pub mod oneandone_readme {}

/// `crates/memset/README.md`.
#[doc = include_str!("../crates/memset/README.md")]
pub mod memset_readme {}

/// `crates/runtime/README.md`.
#[doc = include_str!("../crates/runtime/README.md")]
pub mod runtime_readme {}

/// `crates/sim/README.md`.
#[doc = include_str!("../crates/sim/README.md")]
pub mod sim_readme {}
