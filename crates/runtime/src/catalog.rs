//! The catalog: a static description of every operation of a provider, generated from its
//! spec. The runtime builds each request from it ([`crate::operation`]), and anything that
//! needs to know the operations without naming their Rust types reads it: the dynamic entry
//! point, help and completion in a shell, routing in a simulator.

use std::fmt;

/// Every operation of one provider, in spec order.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    /// The provider's name, which is also its crate's, e.g. `"profitbricks"`.
    pub provider: &'static str,
    /// The operations.
    pub operations: &'static [&'static OperationInfo],
    /// Other names of operations, as `(alias, operation)`: the source's class helpers
    /// (`"Server.hardware"` calls `"get_server_hardware"` with the same arguments).
    pub aliases: &'static [(&'static str, &'static str)],
    /// The models the operations send and answer with.
    pub models: &'static [&'static ModelInfo],
    /// How to wait for a resource to be ready, one entry per resource that can be waited for
    /// (the 1&1 handles' `wait_for`).
    pub waits: &'static [WaitInfo],
    /// The operations that read the current object before they change it, because the API
    /// wants members back that the caller cannot change (1&1's `modify_port`).
    pub reads_first: &'static [ReadFirst],
}

impl Catalog {
    /// The model named `name` (`"NewDatacenter"`).
    pub fn model(&self, name: &str) -> Option<&'static ModelInfo> {
        self.models.iter().copied().find(|m| m.name == name)
    }

    /// The operation named `name` as the source spells it (`"dns.zone_info"`), or by one of
    /// its aliases.
    pub fn operation(&self, name: &str) -> Option<&'static OperationInfo> {
        let name = self.aliases.iter().find(|(alias, _)| *alias == name).map_or(name, |(_, op)| op);
        self.operations.iter().copied().find(|op| op.name == name)
    }

    /// What the operation named `name` reads before it sends its change, if it does.
    pub fn read_first(&self, name: &str) -> Option<&'static ReadFirst> {
        self.reads_first.iter().find(|r| r.operation == name)
    }
}

/// A change that is sent in two requests: first `GET` on the operation's own path, then the
/// change itself with `members` of that answer copied into the body object `into`. The API
/// wants those members in the body although they cannot change, so the caller is not asked
/// for them and cannot send other values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadFirst {
    /// The operation that reads first (`"modify_port"`).
    pub operation: &'static str,
    /// The wire name of the body member the copied values go into (`"ports"`).
    pub into: &'static str,
    /// The wire names of the members copied from the current object (`["protocol", "port"]`).
    pub members: &'static [&'static str],
}

/// One operation: what it does, its parameters, and how it goes on the wire.
#[derive(Debug)]
pub struct OperationInfo {
    /// The source's name, dotted for namespaced methods (`"dns.zone_info"`).
    pub name: &'static str,
    /// The first sentence of its docs.
    pub summary: &'static str,
    /// Its whole description, as the spec gives it.
    pub doc: &'static str,
    /// Why it should no longer be used, if it is deprecated.
    pub deprecated: Option<&'static str>,
    /// The HTTP method.
    pub method: Verb,
    /// The path template relative to the base URL, with `{name}` for each path parameter
    /// (`"/datacenters/{datacenter_id}"`).
    pub path: &'static str,
    /// How the body parameters are encoded.
    pub body: BodyKind,
    /// The parameters, in the source's order.
    pub params: &'static [ParamInfo],
    /// The statuses that mean success.
    pub success: &'static [u16],
    /// Whether sending it twice does no more than sending it once, so it may be retried.
    pub idempotent: bool,
    /// What the answer is.
    pub answer: AnswerKind,
    /// The type of the answer's value in spec syntax (`"list<Server>"`), if there is one.
    pub returns: Option<&'static str>,
    /// How to walk every page, for a paged list.
    pub pages: Option<PageInfo>,
}

/// How a paged list is walked: ask for page after page until one is shorter than the page
/// size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageInfo {
    /// The parameter that numbers the page (`"page"`).
    pub page: &'static str,
    /// The parameter that sizes the page (`"per_page"`).
    pub per_page: &'static str,
    /// The number of the first page.
    pub first: u64,
    /// The page size used when the caller gives none.
    pub size: u64,
}

/// How a resource is waited for: look at it with `operation` (its id in the parameter `id`)
/// until the member at `state` is one of `done`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitInfo {
    /// The parameter the resource's id goes in (`"server_id"`).
    pub id: &'static str,
    /// The operation that looks at the resource (`"get_server_status"`).
    pub operation: &'static str,
    /// The wire names from the answer to its state (`&["state"]`).
    pub state: &'static [&'static str],
    /// The states that mean ready.
    pub done: &'static [&'static str],
    /// The states that mean it will never be ready.
    pub failed: &'static [&'static str],
    /// Seconds between two looks.
    pub interval_secs: u64,
    /// Seconds to wait in all before giving up.
    pub timeout_secs: u64,
}

impl OperationInfo {
    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Verb {
    /// The method as `reqwest` names it.
    pub fn method(self) -> reqwest::Method {
        match self {
            Verb::Get => reqwest::Method::GET,
            Verb::Post => reqwest::Method::POST,
            Verb::Put => reqwest::Method::PUT,
            Verb::Patch => reqwest::Method::PATCH,
            Verb::Delete => reqwest::Method::DELETE,
        }
    }

    /// The method's name, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an operation's body parameters are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON object.
    Json,
    /// An `application/x-www-form-urlencoded` form.
    Form,
    /// Memset's named parameters: the form field `parameters` holding a JSON object.
    Named,
}

/// What an operation's answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// Nothing worth reading: the body is ignored.
    Nothing,
    /// A value.
    Value,
    /// A value with the id of the provisioning request it started (`Accepted<T>`).
    Accepted,
    /// A job to wait on.
    Job,
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Replaces `{name}` in the path, percent-encoded.
    Path,
    /// A query parameter.
    Query,
    /// A member of the JSON or form body, at the wire path.
    Body,
    /// A form field.
    Form,
    /// One entry of Memset's named parameters.
    Named,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A date as the API writes it.
    Date,
    /// A list of values of one type.
    List(&'static Type),
    /// An object with values of one type.
    Map(&'static Type),
    /// A model (an object with named members), by name.
    Model(&'static str),
    /// A string enum: its name and its values.
    Enum(&'static str, &'static [&'static str]),
}

impl fmt::Display for Type {
    /// The type in spec syntax: `list<string>`, `Server`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Integer => f.write_str("integer"),
            Type::Number => f.write_str("number"),
            Type::Boolean => f.write_str("boolean"),
            Type::Json => f.write_str("json"),
            Type::Date => f.write_str("date"),
            Type::List(item) => write!(f, "list<{item}>"),
            Type::Map(item) => write!(f, "map<{item}>"),
            Type::Model(name) | Type::Enum(name, _) => f.write_str(name),
        }
    }
}

/// A value sent when the caller sets none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    /// Text, or an enum's wire value.
    String(&'static str),
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// `true` or `false`.
    Boolean(bool),
}

impl Literal {
    /// The value as JSON.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Literal::String(s) => serde_json::Value::from(s),
            Literal::Integer(i) => serde_json::Value::from(i),
            Literal::Number(n) => serde_json::Value::from(n),
            Literal::Boolean(b) => serde_json::Value::from(b),
        }
    }
}

/// One parameter of an operation.
#[derive(Debug)]
pub struct ParamInfo {
    /// The source's argument name.
    pub name: &'static str,
    /// The name on the wire; dotted for a body member nested in objects
    /// (`"properties.name"`).
    pub wire: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Its type.
    pub ty: Type,
    /// Whether the caller must give it.
    pub required: bool,
    /// The value sent when the caller sets none.
    pub default: Option<Literal>,
    /// A path parameter whose `/` is kept unencoded (ids like `"us/las"`).
    pub allow_slash: bool,
    /// A model whose members become members of the body itself.
    pub flatten: bool,
    /// The caller may clear it, which sends `null`.
    pub nullable: bool,
    /// A password, token or key: never shown.
    pub secret: bool,
    /// Why it should no longer be used, if it is deprecated.
    pub deprecated: Option<&'static str>,
    /// What it is.
    pub doc: &'static str,
    /// The documented rules it must follow.
    pub limits: Limits,
}

impl ParamInfo {
    /// An optional query parameter of type string with no default, doc or rules and every
    /// flag off: the generated catalogs give what differs and take the rest from here
    /// (`..ParamInfo::BASE`).
    pub const BASE: ParamInfo = ParamInfo {
        name: "",
        wire: "",
        location: Location::Query,
        ty: Type::String,
        required: false,
        default: None,
        allow_slash: false,
        flatten: false,
        nullable: false,
        secret: false,
        deprecated: None,
        doc: "",
        limits: Limits::NONE,
    };
}

/// The documented rules of a parameter, checked before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The smallest value (of an integer too, as a number).
    pub min: Option<f64>,
    /// The largest value (of an integer too, as a number).
    pub max: Option<f64>,
    /// The value must be a multiple of this.
    pub multiple_of: Option<i64>,
    /// The fewest characters.
    pub min_length: Option<usize>,
    /// The most characters.
    pub max_length: Option<usize>,
    /// The only characters allowed (a class such as `a-zA-Z0-9`).
    pub chars: Option<&'static str>,
    /// Characters not allowed.
    pub forbidden_chars: Option<&'static str>,
    /// The allowed values of a string (or of an enum, when only some are allowed).
    pub values: &'static [&'static str],
    /// Joins several allowed values into one string value (`tcp,udp`), when set.
    pub separator: Option<&'static str>,
    /// The allowed values of an integer.
    pub int_values: &'static [i64],
    /// The fewest items of a list.
    pub min_items: Option<usize>,
    /// The most items of a list.
    pub max_items: Option<usize>,
    /// A list of objects: the boolean member that exactly one item must have true (as one
    /// server disk must be the main one).
    pub exactly_one: Option<&'static str>,
}

impl Limits {
    /// Whether `text` passes `values` (and `separator`): always when no values are listed.
    pub fn allows(&self, text: &str) -> bool {
        self.values.is_empty() || crate::check::is_allowed(text, self.values, self.separator)
    }

    /// No rules.
    pub const NONE: Limits = Limits {
        min: None,
        max: None,
        multiple_of: None,
        min_length: None,
        max_length: None,
        chars: None,
        forbidden_chars: None,
        values: &[],
        separator: None,
        int_values: &[],
        min_items: None,
        max_items: None,
        exactly_one: None,
    };
}

/// A model: an object with named members, sent in requests, read from answers, or both.
#[derive(Debug)]
pub struct ModelInfo {
    /// The Rust type name (`"NewDatacenter"`).
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Sent in requests (its Rust names are what `Client::call` takes).
    pub input: bool,
    /// Read from answers.
    pub output: bool,
    /// Its members.
    pub fields: &'static [FieldInfo],
}

/// A member of a model.
#[derive(Debug)]
pub struct FieldInfo {
    /// The Rust field name, which is also the member's name in `Client::call` arguments.
    pub name: &'static str,
    /// The name on the wire; dotted when it is nested in objects (`"properties.name"`).
    pub wire: &'static str,
    /// Its type.
    pub ty: Type,
    /// Whether it must be present.
    pub required: bool,
    /// A password, token or key: never shown.
    pub secret: bool,
    /// What it is.
    pub doc: &'static str,
    /// The documented rules it must follow.
    pub limits: Limits,
}

impl FieldInfo {
    /// An optional, non-secret string member with no doc or rules: the generated catalogs
    /// give what differs and take the rest from here (`..FieldInfo::BASE`).
    pub const BASE: FieldInfo = FieldInfo {
        name: "",
        wire: "",
        ty: Type::String,
        required: false,
        secret: false,
        doc: "",
        limits: Limits::NONE,
    };
}
