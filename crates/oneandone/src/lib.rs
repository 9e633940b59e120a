//! Client for the 1&1 Cloud Server API, generated from `spec/oneandone`.
//!
//! ```no_run
//! use oneandone::{Client, Credentials};
//! use oneandone::models::{NewHdd, NewServer};
//!
//! # async fn example() -> Result<(), oneandone::Error> {
//! let oa = Client::new(Credentials::token("my-api-token"))?;
//! let page = oa.list_servers().per_page(50).q("web").await?;
//! for server in &page {
//!     println!("{} {:?}", server.id, server.name);
//! }
//! let server = NewServer::new().name("web-1").vcore(2).cores_per_processor(1).ram(4.0);
//! let created = oa.create_server(server, vec![NewHdd::new(40, true)]).await?;
//! println!("{}", created.id);
//! # Ok(())
//! # }
//! ```
//!
//! Every operation of the API is a method of [`Client`] named as in the official Python SDK;
//! required arguments are positional, optional ones are setters on the request it returns,
//! and `.await` sends it. Errors are [`Error`], with the API's kinds in [`ErrorKind`].

//!
#![doc = include_str!("generated/OVERVIEW.md")]
#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
pub mod power;

pub use generated::*;
