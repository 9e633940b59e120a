//! The `profitbricks` client crate.

mod generated;
pub use generated::*;
