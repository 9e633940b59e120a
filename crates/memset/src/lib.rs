//! Client for the Memset API, generated from `spec/memset`.
//!
//! ```no_run
//! use memset::{Client, Credentials};
//!
//! # async fn example() -> Result<(), memset::Error> {
//! let ms = Client::new(Credentials::api_key("0123456789abcdef0123456789abcdef"))?;
//! let info = ms.server().info("myserver1").await?;
//! println!("{:?}", info.os);
//! let services = ms.service().list().await?;
//! println!("{} services", services.len());
//! # Ok(())
//! # }
//! ```
//!
//! Memset's dotted method names are namespaces: `server.info` is `client.server().info(..)`.
//! Required parameters are positional, optional ones are setters on the request it returns,
//! and `.await` sends it. Errors are [`Error`], with the API's `ApiError*` kinds in
//! [`ErrorKind`]. Methods that work in the background return a [`models::Job`];
//! [`Client::wait_for_job`] polls it until it has finished.

//!
#![doc = include_str!("generated/OVERVIEW.md")]
#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
mod wait;

pub use generated::*;
pub use wait::{JobId, DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
