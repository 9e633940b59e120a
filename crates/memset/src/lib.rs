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
//! # Access methods
//!
//! By default calls go to the JSON interface, authenticated with the API key as the user name
//! of HTTP Basic authentication. [`ClientBuilder`] offers the documentation's other ways:
//!
//! * [`ClientBuilder::api_key_in_query`]: the key as the `api_key` query parameter instead of
//!   the Authorization header; only over `https` (or to a loopback address), and redacted from
//!   everything the client logs or puts in an error.
//! * [`ClientBuilder::protocol`] with `Protocol::XmlRpc` (feature `xmlrpc`): the same typed
//!   calls over the XML-RPC interface (`/v1/xmlrpc`); see [`Protocol`].
//!
//! ```no_run
//! # fn main() -> Result<(), memset::ConfigError> {
//! let key = "0123456789abcdef0123456789abcdef";
//! let ms = memset::Client::builder(memset::Credentials::api_key(key))
//!     .api_key_in_query(true)
//!     .protocol(memset::Protocol::Json) // or Protocol::XmlRpc, with the `xmlrpc` feature
//!     .build()?;
//! # Ok(())
//! # }
//! ```

//!
#![doc = include_str!("generated/OVERVIEW.md")]
#![deny(missing_docs)]

mod access;
#[rustfmt::skip]
mod generated;
mod wait;

pub use access::Protocol;
pub use generated::*;
pub use wait::{JobId, DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
