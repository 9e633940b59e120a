//! Client for the ProfitBricks Cloud API v3, generated from `spec/profitbricks`.
//!
//! ```no_run
//! use profitbricks::{Client, Credentials};
//! use profitbricks::models::NewDatacenter;
//!
//! # async fn example() -> Result<(), profitbricks::Error> {
//! let pb = Client::new(Credentials::basic("user@example.com", "password"))?;
//! let datacenters = pb.list_datacenters().depth(2).await?;
//! for dc in datacenters.items.iter().flatten() {
//!     println!("{}", dc.id);
//! }
//! let created = pb.create_datacenter(NewDatacenter::new("web", "de/fra")).await?;
//! pb.wait_for(&created).await?; // polls the request's status until it is DONE
//! # Ok(())
//! # }
//! ```
//!
//! Every operation of the API is a method of [`Client`] named as in the official Python SDK;
//! required arguments are positional, optional ones are setters on the request it returns,
//! and `.await` sends it. Errors are [`Error`], with the API's kinds in [`ErrorKind`].
//!
//! Creates, updates, deletes and actions are carried out in the background: they answer
//! with an [`Accepted`] value that carries the id of the provisioning request, and
//! [`Client::wait_for`] polls that request until it is done.

//!
#![doc = include_str!("generated/OVERVIEW.md")]
#![deny(missing_docs)]

#[rustfmt::skip]
mod generated;
mod wait;

pub use generated::*;
pub use wait::{RequestId, DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
