//! `generated/mod.rs`: the provider's description, its error kinds, the `Client` and its
//! builder.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust;
use crate::docs;
use crate::ir::{Auth, Provider};

pub fn file(p: &Provider) -> TokenStream {
    let doc = format!(
        "The code generated from `spec/{}`; the crate's overview is `generated/OVERVIEW.md`.",
        p.name
    );
    let provider = provider_static(p);
    let errors = error_kinds(p);
    let client = client(p);
    let call = call(p);
    let handles = (!p.handles.is_empty()).then(|| {
        quote!(
            pub mod handles;
        )
    });
    let pages = p.operations.iter().any(|op| op.paging.is_some()).then(|| {
        quote!(
            pub use cloud_sdks_runtime::pages::{Items, Pages};
        )
    });
    let reexported_batch = (p.transport == crate::ir::Transport::Memset).then(|| {
        quote!(
            pub use cloud_sdks_runtime::batch::{Batch, BatchResults, Ticket};
        )
    });
    quote! {
        #![doc = #doc]

        pub mod models;
        pub mod operations;
        pub mod catalog;
        mod dynamic;
        #handles

        pub use catalog::CATALOG;
        // every runtime type a public signature names, so users never need the runtime crate
        pub use cloud_sdks_runtime::{reqwest, Accepted, ApiError, CallFuture, ConfigError, EnvError, ErrorCategory, InvalidArgument, JobOrState, OneOrMany, Operation, RetryBudget, RetryPolicy, TimeoutKind};
        pub use cloud_sdks_runtime::date::Date;
        pub use cloud_sdks_runtime::DateConversionError;
        pub use cloud_sdks_runtime::wait::{Wait, WaitError};
        #pages
        #reexported_batch

        #provider
        #errors
        #client
        #call
    }
}

/// `Call<O>`: an operation's parameters with the client that sends them, the one type every
/// request builder is.
fn call(p: &Provider) -> TokenStream {
    let walk = p.operations.iter().any(|op| op.paging.is_some()).then(|| {
        quote! {
            impl<O, T> Call<O>
            where
                O: cloud_sdks_runtime::Operation<Kind = ErrorKind, Output = Vec<T>> + Clone,
                T: Send + 'static,
            {
                /// Every page from `first`, `size` items each; `set` puts a page's number and
                /// size into the parameters.
                fn walk(self, first: u64, size: u64, set: fn(&mut O, i64, i64)) -> cloud_sdks_runtime::pages::Pages<T, ErrorKind> {
                    let per_page = i64::try_from(size).unwrap_or(i64::MAX);
                    cloud_sdks_runtime::pages::Pages::new(first, size, Box::new(move |page| {
                        let mut call = self.clone();
                        set(&mut call.params, i64::try_from(page).unwrap_or(i64::MAX), per_page);
                        Box::pin(call.send())
                    }))
                }
            }
        }
    });
    let batch = (p.transport == crate::ir::Transport::Memset).then(|| {
        quote! {
            impl<O: cloud_sdks_runtime::Operation<Kind = ErrorKind>> cloud_sdks_runtime::batch::Prepared for Call<O> {
                type Operation = O;

                fn operation(&self) -> &O {
                    &self.params
                }
            }
        }
    });
    quote! {
        /// A call of one operation, not sent yet: its parameters (set the optional ones with
        /// the setters), and the client that sends them. `.await` it, or [`send`](Self::send)
        /// it, to get a `Send + 'static` future that can be spawned.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct Call<O> {
            client: Client,
            params: O,
        }

        impl<O> Call<O> {
            fn new(client: Client, params: O) -> Self {
                Call { client, params }
            }

            /// The arguments as they stand.
            pub fn params(&self) -> &O {
                &self.params
            }

            /// The arguments, to keep or to send later with [`Client::request`].
            pub fn into_params(self) -> O {
                self.params
            }
        }

        impl<O: cloud_sdks_runtime::Operation<Kind = ErrorKind>> Call<O> {
            /// Checks the arguments, sends the request and reads the answer.
            pub fn send(self) -> cloud_sdks_runtime::CallFuture<O::Output, ErrorKind> {
                cloud_sdks_runtime::run(&self.client.transport, self.params)
            }
        }

        impl<O: cloud_sdks_runtime::Operation<Kind = ErrorKind>> std::future::IntoFuture for Call<O> {
            type Output = Result<O::Output, Error>;
            type IntoFuture = cloud_sdks_runtime::CallFuture<O::Output, ErrorKind>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        impl Client {
            /// A call of the operation whose arguments are `params` (any `…Params` model of
            /// [`operations`]), for code that builds operations as data.
            pub fn request<O: cloud_sdks_runtime::Operation<Kind = ErrorKind>>(&self, params: O) -> Call<O> {
                Call::new(self.clone(), params)
            }
        }

        #walk
        #batch
    }
}

fn provider_static(p: &Provider) -> TokenStream {
    let name = &p.name;
    let base_url = &p.base_url;
    let auth = match &p.auth {
        Auth::Basic => quote!(cloud_sdks_runtime::AuthScheme::Basic),
        Auth::Header(header) => quote!(cloud_sdks_runtime::AuthScheme::Header(#header)),
        Auth::BasicUsername => quote!(cloud_sdks_runtime::AuthScheme::BasicUsername),
    };
    let headers = p.headers.iter().map(|(k, v)| quote!((#k, #v)));
    let pointer = |value: &Option<String>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let (code, message, error_type) =
        (pointer(&p.errors.code), pointer(&p.errors.message), pointer(&p.errors.error_type));
    let request_id = match &p.request_id {
        Some(source) => {
            let (header, marker) = (&source.header, &source.marker);
            quote!(Some(cloud_sdks_runtime::RequestIdSource { header: #header, marker: #marker }))
        }
        None => quote!(None),
    };
    quote! {
        /// What the runtime needs to know about this API.
        pub(crate) static PROVIDER: cloud_sdks_runtime::Provider = cloud_sdks_runtime::Provider {
            name: #name,
            base_url: #base_url,
            user_agent: concat!(#name, "/", env!("CARGO_PKG_VERSION")),
            auth: #auth,
            default_headers: &[#(#headers),*],
            errors: cloud_sdks_runtime::ErrorModel { code: #code, message: #message, error_type: #error_type },
            request_id: #request_id,
            tracer: cloud_sdks_runtime::tracer!(#name),
        };
    }
}

fn error_kinds(p: &Provider) -> TokenStream {
    let variants = p.errors.kinds.iter().map(|k| {
        let name = rust::ident(&k.name);
        let doc = docs::attrs(&docs::prose(&k.doc));
        quote! { #doc #name, }
    });
    // Two passes: first the kinds that name a type, on the answer's type (and status); then,
    // for an answer whose type matched none of them (or that has none), the kinds that give a
    // code or name no type, on their code and status. So an API that reports both (Memset:
    // `error_type` and `error_code`) is classified by the type when it is one the spec knows,
    // else by the code (JSON-RPC errors and XML-RPC faults carry only the code).
    let by_type = p.errors.kinds.iter().filter(|k| k.error_type.is_some()).map(|k| {
        let mut conditions = Vec::new();
        if let Some(status) = k.status {
            conditions.push(quote!(error.status == #status));
        }
        if let Some(error_type) = &k.error_type {
            conditions.push(quote!(error.error_type.as_deref() == Some(#error_type)));
        }
        (k, conditions)
    });
    let by_code =
        p.errors.kinds.iter().filter(|k| k.error_type.is_none() || k.code.is_some()).map(|k| {
            let mut conditions = Vec::new();
            if let Some(status) = k.status {
                conditions.push(quote!(error.status == #status));
            }
            if let Some(code) = &k.code {
                conditions.push(quote!(error.code.as_deref() == Some(#code)));
            }
            (k, conditions)
        });
    let arms = by_type.chain(by_code).map(|(k, conditions)| {
        let name = rust::ident(&k.name);
        quote! {
            if #(#conditions)&&* {
                return Self::#name;
            }
        }
    });
    let categorized: Vec<_> = p
        .errors
        .kinds
        .iter()
        .filter_map(|k| {
            let category = rust::ident(k.category?);
            Some((rust::ident(&k.name), category))
        })
        .collect();
    let category = (!categorized.is_empty()).then(|| {
        let arms = categorized.iter().map(|(name, category)| {
            quote!(Self::#name => Some(cloud_sdks_runtime::ErrorCategory::#category),)
        });
        quote! {
            fn category(&self) -> Option<cloud_sdks_runtime::ErrorCategory> {
                match self {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    });
    let title = &p.title;
    let kind_doc =
        format!("The kinds of error the {title} reports, told apart by the error response.");
    quote! {
        /// The error of every operation of this crate: a broken rule caught before sending, an
        /// error answer of the API (with its [`ErrorKind`]), an undecodable answer, or a
        /// transport failure.
        pub type Error = cloud_sdks_runtime::Error<ErrorKind>;

        #[doc = #kind_doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            #(#variants)*
            /// An error answer that matches none of the kinds above.
            Other,
        }

        impl cloud_sdks_runtime::Classify for ErrorKind {
            fn classify(error: &cloud_sdks_runtime::ApiError) -> Self {
                #(#arms)*
                Self::Other
            }

            #category
        }
    }
}

fn client(p: &Provider) -> TokenStream {
    let title = &p.title;
    let env = p.name.to_uppercase();
    let url_var = format!("{env}_API_URL");
    // the credential type, how it is made, and the variables from_env reads
    let (kind, made, read, vars) = match &p.auth {
        Auth::Basic => {
            let (user, password) = (format!("{env}_USERNAME"), format!("{env}_PASSWORD"));
            let read = quote!(Credentials::from_lookup(&lookup, #user, #password)?);
            let vars = format!("`{user}` and `{password}`");
            (
                quote!(Basic),
                "`Credentials::basic(user, password)`: a user name and password",
                read,
                vars,
            )
        }
        Auth::Header(_) => {
            let token = format!("{env}_TOKEN");
            (
                quote!(Token),
                "`Credentials::token(token)`: an API token",
                quote!(Credentials::from_lookup(&lookup, #token)?),
                format!("`{token}`"),
            )
        }
        Auth::BasicUsername => {
            let key = format!("{env}_API_KEY");
            (
                quote!(ApiKey),
                "`Credentials::api_key(key)`: an API key of 32 hexadecimal digits",
                quote!(Credentials::from_lookup(&lookup, #key)?),
                format!("`{key}`"),
            )
        }
    };
    let credentials_doc = format!("The credentials of the {title}, made with {made}. A credential of another kind (or another crate's) does not compile; an empty or line-broken one is refused when the client is built, naming what is wrong.");
    let from_env_doc = format!("Starts a client with the credentials in the environment variable(s) {vars}, and the base URL in `{url_var}` if it is set (and not empty).");
    let from_lookup_doc = format!("Like [`from_env`](Self::from_env), with the variables read by `lookup` (of the shape of [`std::env::var`]) instead of from the process environment: {vars}, and `{url_var}`.");
    let client_from_env_doc = format!("Creates a client from the environment: credentials from {vars}, and another base URL from `{url_var}` if it is set. For more settings, start with [`ClientBuilder::from_env`].");
    let batch = (p.transport == crate::ir::Transport::Memset).then(|| {
        quote! {
            /// Starts a batch: add typed calls (each request builder, unsent), then send them
            /// together as JSON-RPC 2.0 batches of at most 100 calls to `<base_url>/jsonrpc`;
            /// each answer comes back to its own call's ticket.
            pub fn batch(&self) -> cloud_sdks_runtime::batch::Batch<ErrorKind> {
                cloud_sdks_runtime::batch::Batch::new(self.transport.clone())
            }
        }
    });
    let client_doc = format!("A client of the {title}.\n\nCheap to clone: clones share one connection pool. Every operation is a method (or, for dotted names, a method of a namespace handle) that returns a request builder; `.await` sends it.");
    quote! {
        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) transport: cloud_sdks_runtime::Transport,
        }

        #[doc = #credentials_doc]
        pub type Credentials = cloud_sdks_runtime::Credentials<cloud_sdks_runtime::credentials::#kind>;

        impl Client {
            /// Creates a client for the production API, authenticating with `credentials`.
            ///
            /// # Errors
            ///
            /// A [`ConfigError`] naming what is wrong if the credentials are empty, hold a line
            /// break or do not have their documented form, or the HTTP client cannot be set up.
            pub fn new(credentials: Credentials) -> Result<Self, ConfigError> {
                Self::builder(credentials).build()
            }

            #[doc = #client_from_env_doc]
            ///
            /// # Errors
            ///
            /// An [`EnvError`] naming the variable that is missing, empty or invalid, or the
            /// [`ConfigError`] of building the client.
            pub fn from_env() -> Result<Self, EnvError> {
                Ok(ClientBuilder::from_env()?.build()?)
            }

            /// Starts a client with more settings: another base URL, your own `reqwest` client,
            /// extra headers, retries, timeouts, a response size limit.
            pub fn builder(credentials: Credentials) -> ClientBuilder {
                ClientBuilder { transport: cloud_sdks_runtime::Transport::builder(&PROVIDER, credentials) }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            #batch
        }

        /// Settings of a [`Client`]; finish with [`build`](Self::build).
        #[derive(Debug)]
        #[must_use]
        pub struct ClientBuilder {
            pub(crate) transport: cloud_sdks_runtime::TransportBuilder,
        }

        impl ClientBuilder {
            #[doc = #from_env_doc]
            ///
            /// # Errors
            ///
            /// An [`EnvError`] naming the variable that is missing, empty or invalid.
            pub fn from_env() -> Result<Self, EnvError> {
                Self::from_lookup(|name| std::env::var(name))
            }

            #[doc = #from_lookup_doc]
            ///
            /// # Errors
            ///
            /// An [`EnvError`] naming the variable that is missing, empty or invalid.
            pub fn from_lookup(lookup: impl Fn(&str) -> Result<String, std::env::VarError>) -> Result<Self, EnvError> {
                let builder = Client::builder(#read);
                Ok(match cloud_sdks_runtime::env::base_url(&lookup, #url_var)? {
                    Some(url) => builder.base_url(url),
                    None => builder,
                })
            }

            /// Sends requests to `url` instead of the production API (a test server or a proxy).
            pub fn base_url(self, url: impl Into<String>) -> Self {
                Self { transport: self.transport.base_url(url) }
            }

            /// Uses your own `reqwest` client (timeouts, proxies, TLS settings), of the `reqwest`
            /// 0.12 this crate re-exports. Build it with
            /// `.redirect(reqwest::redirect::Policy::none())`: the client follows redirects
            /// itself, only to the same origin, so credentials never reach another host;
            /// [`build`](Self::build) refuses a client that would follow them on its own.
            pub fn http_client(self, client: cloud_sdks_runtime::reqwest::Client) -> Self {
                Self { transport: self.transport.http_client(client) }
            }

            /// Adds a header to every request.
            pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
                Self { transport: self.transport.header(name, value) }
            }

            /// Sets how transient failures are retried (by default 3 attempts with exponential
            /// backoff and full jitter, honouring the server's Retry-After and rate-limit headers
            /// up to 60 s); [`RetryPolicy::disabled`] turns retrying off.
            pub fn retry_policy(self, policy: RetryPolicy) -> Self {
                Self { transport: self.transport.retry_policy(policy) }
            }

            /// Sets how long to wait for a connection (30 s unless set).
            pub fn connect_timeout(self, timeout: std::time::Duration) -> Self {
                Self { transport: self.transport.connect_timeout(timeout) }
            }

            /// Sets how long one attempt may take, from connecting until the whole answer is read
            /// (60 s unless set).
            pub fn attempt_timeout(self, timeout: std::time::Duration) -> Self {
                Self { transport: self.transport.attempt_timeout(timeout) }
            }

            /// Sets how long a call may take in all, retries included (no limit unless set).
            pub fn total_timeout(self, timeout: std::time::Duration) -> Self {
                Self { transport: self.transport.total_timeout(timeout) }
            }

            /// Sets the largest response body read, in bytes (32 MiB unless set).
            pub fn max_response_bytes(self, limit: u64) -> Self {
                Self { transport: self.transport.max_response_bytes(limit) }
            }

            /// Allows an `http://` base URL on a host that is not a loopback address, which sends
            /// the credentials unencrypted (refused unless allowed).
            pub fn allow_insecure_http(self, allow: bool) -> Self {
                Self { transport: self.transport.allow_insecure_http(allow) }
            }

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// A [`ConfigError`] if the base URL or a header is not valid, or the base URL is plain
            /// `http` on a host that is not a loopback address without
            /// [`allow_insecure_http`](Self::allow_insecure_http).
            pub fn build(self) -> Result<Client, ConfigError> {
                Ok(Client { transport: self.transport.build()? })
            }
        }
    }
}
