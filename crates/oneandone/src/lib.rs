//! The `oneandone` client crate.

mod generated;
pub use generated::*;
