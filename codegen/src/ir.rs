//! The checked, resolved form of a provider's spec that the emitters work from. Every name
//! here is known to exist and every value to make sense; the emitters never fail.

/// A whole provider: everything one client crate is generated from.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub title: String,
    pub doc: String,
    pub base_url: String,
    pub transport: Transport,
    pub success: Vec<u16>,
    pub auth: Auth,
    pub headers: Vec<(String, String)>,
    pub request_id: Option<RequestIdSource>,
    /// Decode numbers sent as text, and integers sent as whole floats.
    pub lenient_numbers: bool,
    /// How paged lists are walked, if the API pages.
    pub pages: Option<PagesSpec>,
    pub errors: ErrorModel,
    pub operations: Vec<Operation>,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
    /// Deliberate differences from the source material (for `cargo xtask source-sync`).
    pub deviations: Vec<Deviation>,
    /// Resource handles: `client.<name>(id)`.
    pub handles: Vec<ResourceHandle>,
}

/// Paged lists: operations with both of these optional integer query parameters that return a
/// list get a `pages()` walk.
#[derive(Debug, Clone)]
pub struct PagesSpec {
    pub page: String,
    pub per_page: String,
    pub first: u64,
    pub size: u64,
}

/// A resource handle: `client.<name>(id)` whose methods call operations with that id.
#[derive(Debug, Clone)]
pub struct ResourceHandle {
    pub name: String,
    pub doc: String,
    /// The parameter every method's operation takes the id as.
    pub id: String,
    pub methods: Vec<HandleMethod>,
    pub wait: Option<WaitSpec>,
}

/// A method of a resource handle: calls `operation` with the handle's id.
#[derive(Debug, Clone)]
pub struct HandleMethod {
    pub name: String,
    pub operation: String,
}

/// How a handle's `wait_for` polls.
#[derive(Debug, Clone)]
pub struct WaitSpec {
    pub operation: String,
    /// The fields from the operation's answer to the state.
    pub state: Vec<StateStep>,
    pub done: Vec<String>,
    pub failed: Vec<String>,
    pub interval_secs: u64,
    pub timeout_secs: u64,
}

/// One field on the way from an answer to its state.
#[derive(Debug, Clone)]
pub struct StateStep {
    /// The Rust field name.
    pub field: String,
    /// Its wire name(s), dot-separated.
    pub wire: String,
    /// Whether the field is required (not an `Option`).
    pub required: bool,
}

/// A deliberate difference from the source material: an operation (by the source's name, which
/// need not exist in the spec) or one of its parameters, and why.
#[derive(Debug, Clone)]
pub struct Deviation {
    pub operation: String,
    pub parameter: Option<String>,
    pub reason: String,
    /// Where it is written, as `file:line:col`.
    pub place: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A verb and a path per operation.
    Rest,
    /// `POST <base>/<method name>` with named parameters.
    Memset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    Basic,
    Header(String),
    BasicUsername,
}

#[derive(Debug, Clone)]
pub struct RequestIdSource {
    pub header: String,
    pub marker: String,
}

#[derive(Debug, Clone)]
pub struct ErrorModel {
    pub code: Option<String>,
    pub message: Option<String>,
    pub error_type: Option<String>,
    pub kinds: Vec<ErrorKind>,
}

#[derive(Debug, Clone)]
pub struct ErrorKind {
    pub name: String,
    pub doc: String,
    pub status: Option<u16>,
    pub code: Option<String>,
    pub error_type: Option<String>,
    /// What the kind means, for `Error::is_not_found()` and the like: the runtime's
    /// `ErrorCategory` variant name (`NotFound`, `RateLimited`, `Unauthorized`).
    pub category: Option<&'static str>,
}

/// A type of a parameter, field or return value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    Json,
    /// A date as the API writes it (`cloud_sdks_runtime::date::Date`).
    Date,
    List(Box<Ty>),
    Map(Box<Ty>),
    Model(String),
    Enum(String),
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// The source's name, dotted for Memset (`dns.zone_info`).
    pub name: String,
    /// The spec group (file stem) it is written in, e.g. `dns`.
    pub group: String,
    /// The namespaces before the method name (`["dns"]`), empty for REST providers.
    pub namespace: Vec<String>,
    /// The Rust method name (the last part of `name`).
    pub method_name: String,
    pub source: Option<String>,
    pub doc: String,
    pub notes: Vec<String>,
    pub warning: Option<String>,
    pub deprecated: Option<String>,
    pub http: Http,
    pub returns: Option<Ty>,
    pub success: Vec<u16>,
    pub handle: Handle,
    pub params: Vec<Param>,
    pub at_least_one_of: Vec<Vec<String>>,
    pub at_most_one_of: Vec<Vec<String>>,
    pub requires: Vec<Requirement>,
    /// The provider's error kinds the source says this operation can raise.
    pub raises: Vec<String>,
    /// Sending it twice has the effect of sending it once, so it may be retried: GET, PUT
    /// and DELETE, unless the spec says otherwise, and operations the spec marks.
    pub idempotent: bool,
    /// How the answer is read.
    pub answer: Answer,
    /// How its pages are walked, for a paged list.
    pub paging: Option<Paging>,
    /// What it reads before sending its change, if anything.
    pub read_first: Option<ReadFirst>,
}

/// A change sent as read-then-write: GET on its own path, then the change with `members` of
/// that answer copied into the body member `into`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadFirst {
    /// The body parameter the members go into (its source name).
    pub param: String,
    /// That parameter's wire name.
    pub into: String,
    /// The wire names copied from the current object.
    pub members: Vec<String>,
}

/// How an operation's answer is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The body is ignored.
    Nothing,
    /// The body is the value.
    Value(Ty),
    /// The value (if any) with the provisioning request id.
    Accepted(Option<Ty>),
    /// A job to wait on; its id is the Rust field `id_field` of the answer, when it has one.
    Job { ty: Ty, id_field: Option<String> },
    /// A job (of this type) when the call changed something, else the API's answer as JSON.
    JobOrState(Ty),
}

/// A paged list's walk: the operation's page parameters and the type of its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    pub page: String,
    pub per_page: String,
    pub first: u64,
    pub size: u64,
    pub item: Ty,
}

/// When `when` is set (and equals `equals`, if given), every member of `then` must be set.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub when: String,
    pub equals: Option<Literal>,
    pub then: Vec<String>,
}

/// How an operation goes on the wire.
#[derive(Debug, Clone)]
pub enum Http {
    Rest { method: String, path: Vec<PathPart>, body: BodyEncoding },
    Memset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    Form,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    None,
    /// Hand back the request id with the value (`Accepted<T>`).
    Request,
    /// The value is a job to wait on.
    Job,
    /// The value is a job when the call changed something, else the current state.
    JobWhenChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Body,
    Form,
    Named,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// The wire name, split on dots for nested body members.
    pub wire: Vec<String>,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<Literal>,
    pub allow_slash: bool,
    pub flatten: bool,
    /// The caller may clear it: the setter has a `clear_` twin that sends `null`.
    pub nullable: bool,
    pub doc: String,
    pub deprecated: Option<String>,
    pub constraints: Constraints,
    /// A password, token or key: `Debug` shows `<redacted>`.
    pub secret: bool,
}

/// A default value, already checked against the parameter's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    /// A value of an enum: (enum name, wire value).
    Enum(String, String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub multiple_of: Option<i64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub chars: Option<String>,
    pub forbidden_chars: Option<String>,
    pub values: Vec<String>,
    /// Several of `values` may be joined by this separator into one string.
    pub separator: Option<String>,
    /// Allowed values of an integer.
    pub int_values: Vec<i64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// A list of models: the Rust name of the boolean field exactly one item has true.
    pub exactly_one: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Integer(i64),
    Number(f64),
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    /// The spec group it is written in.
    pub group: String,
    pub doc: String,
    pub fields: Vec<Field>,
    pub at_least_one_of: Vec<Vec<String>>,
    pub at_most_one_of: Vec<Vec<String>>,
    pub requires: Vec<Requirement>,
    /// Some field has a dotted wire name, so the model is only ever sent, never decoded.
    pub nested: bool,
    /// Reachable from an operation parameter: gets a constructor and setters.
    pub input: bool,
    /// Reachable from an operation's return type: decoded from responses.
    pub output: bool,
    /// It, or a model inside it, has a rule to check before sending.
    pub checked: bool,
    /// The field (Rust name) a plain string answer fills: the model decodes from either.
    pub from_string: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: Vec<String>,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
    pub deprecated: Option<String>,
    pub constraints: Constraints,
    /// A password, token or key: `Debug` shows `<redacted>`.
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub name: String,
    /// The spec group it is written in.
    pub group: String,
    pub doc: String,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub value: String,
    pub rust: String,
    pub doc: String,
}

/// A type written back in spec syntax (`list<Server>`), for messages.
impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::String => f.write_str("string"),
            Ty::Integer => f.write_str("integer"),
            Ty::Number => f.write_str("number"),
            Ty::Boolean => f.write_str("boolean"),
            Ty::Json => f.write_str("json"),
            Ty::Date => f.write_str("date"),
            Ty::List(inner) => write!(f, "list<{inner}>"),
            Ty::Map(inner) => write!(f, "map<{inner}>"),
            Ty::Model(name) | Ty::Enum(name) => f.write_str(name),
        }
    }
}

impl Provider {
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}
