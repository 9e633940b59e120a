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

/// Every crate's `Client::new` takes its own `Credentials`, and a credential of the wrong kind
/// does not compile. These compile:
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let _ = profitbricks::Client::new(profitbricks::Credentials::basic("user", "password"))?;
/// let _ = oneandone::Client::new(oneandone::Credentials::token("token"))?;
/// let _ = memset::Client::new(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"))?;
/// # Ok(())
/// # }
/// ```
///
/// and these do not: 1&1 takes no user name and password,
///
/// ```compile_fail
/// let _ = oneandone::Client::new(oneandone::Credentials::basic("user", "password"));
/// ```
///
/// Memset no bare string or 1&1 token,
///
/// ```compile_fail
/// let _ = memset::Client::new("0123456789abcdef0123456789abcdef");
/// ```
///
/// ```compile_fail
/// let _ = memset::Client::new(oneandone::Credentials::token("token"));
/// ```
///
/// and ProfitBricks no API key.
///
/// ```compile_fail
/// let _ = profitbricks::Client::builder(memset::Credentials::api_key("0123456789abcdef0123456789abcdef"));
/// ```
pub mod credential_kinds {}
