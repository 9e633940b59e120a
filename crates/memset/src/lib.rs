//! The `memset` client crate.

mod generated;
pub use generated::*;
