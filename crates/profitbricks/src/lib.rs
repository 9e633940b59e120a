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
//! println!("provisioning: request {:?}", created.request_id());
//! # Ok(())
//! # }
//! ```
//!
//! Every operation of the API is a method of [`Client`] named as in the official Python SDK;
//! required arguments are positional, optional ones are setters on the request it returns,
//! and `.await` sends it. Errors are [`Error`], with the API's kinds in [`ErrorKind`].

#![deny(missing_docs)]

mod generated;

pub use generated::*;
