//! Memset's other access methods, chosen on the [`ClientBuilder`]: the API key as the
//! documented `api_key` parameter instead of Basic authentication, and the XML-RPC interface
//! instead of the JSON one (feature `xmlrpc`). The defaults, Basic authentication and JSON,
//! are what the crate always did.

use crate::ClientBuilder;

/// Which of Memset's interfaces the client's calls go to; set with
/// [`ClientBuilder::protocol`]. Batches ([`Client::batch`](crate::Client::batch)) always go
/// to the JSON-RPC interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// JSON over HTTPS, `POST <base_url>/json/<method>` with the parameters as one JSON
    /// object (the default).
    #[default]
    Json,
    /// XML-RPC, `POST <base_url>/xmlrpc` with a `methodCall` whose one `struct` argument
    /// holds the parameters (feature `xmlrpc`). The answer is turned into the JSON the typed
    /// models read, with `dateTime.iso8601` dates as `YYYY-MM-DD HH:MM:SS`; a fault is an
    /// [`Error::Api`](crate::Error::Api) whose code is the `faultCode`, classified into the
    /// same [`ErrorKind`](crate::ErrorKind) as the JSON interface's error of that code. An
    /// answer that is not a valid `methodResponse` is an
    /// [`Error::Decode`](crate::Error::Decode) keeping its status and body. Whole numbers
    /// must fit XML-RPC's 32-bit `int`, and text must hold no control character but tab,
    /// line feed and carriage return; a call that breaks either is refused before sending.
    #[cfg(feature = "xmlrpc")]
    XmlRpc,
}

impl ClientBuilder {
    /// Sends the API key as the `api_key` query parameter of every request URL
    /// (`…/json/server.info?api_key=…`), the documentation's alternative to HTTP Basic
    /// authentication, instead of in the Authorization header. Off unless set: Basic
    /// authentication is the default, and keeps the key out of URLs, which servers and
    /// proxies log.
    ///
    /// [`build`](Self::build) refuses it unless the base URL uses `https` (or is a loopback
    /// address, for tests), even with [`allow_insecure_http`](Self::allow_insecure_http).
    /// The key never shows in what the client logs or puts in an error: tracing spans carry
    /// the URL path only, transport errors drop the URL's query, and error bodies, messages
    /// and headers that echo the key have it replaced by `<redacted>`.
    pub fn api_key_in_query(self, enabled: bool) -> Self {
        Self { transport: self.transport.token_in_query(enabled.then_some("api_key")) }
    }

    /// Chooses the interface calls go to: [`Protocol::Json`] (the default) or, with the
    /// `xmlrpc` feature, `Protocol::XmlRpc`. The typed operations are the same either way.
    pub fn protocol(self, protocol: Protocol) -> Self {
        match protocol {
            Protocol::Json => self.without_xml_rpc(),
            #[cfg(feature = "xmlrpc")]
            Protocol::XmlRpc => Self { transport: self.transport.xml_rpc(Some(&crate::CATALOG)) },
        }
    }

    #[cfg(feature = "xmlrpc")]
    fn without_xml_rpc(self) -> Self {
        Self { transport: self.transport.xml_rpc(None) }
    }

    #[cfg(not(feature = "xmlrpc"))]
    fn without_xml_rpc(self) -> Self {
        self
    }
}
