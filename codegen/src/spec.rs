//! The spec files as written: serde mirrors of the TOML, keeping the position of every value
//! that validation may need to point at. Nothing here is checked beyond what serde checks
//! (known keys, value kinds); `validate` does the rest.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// `provider.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub provider: ProviderSection,
    pub errors: ErrorsSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSection {
    pub name: Spanned<String>,
    pub title: String,
    pub doc: String,
    pub base_url: Spanned<String>,
    pub transport: Spanned<String>,
    pub success: Spanned<Vec<i64>>,
    pub auth: AuthSection,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub request_id: Option<RequestIdSection>,
    #[serde(default)]
    pub lenient_numbers: bool,
    pub pages: Option<PagesSection>,
    /// Method names (last dotted part; `*` as a wildcard) of operations that are safe to
    /// retry although their HTTP method is not (Memset's read-only methods are POSTs).
    #[serde(default)]
    pub idempotent_names: Vec<Spanned<String>>,
}

/// How paged lists are asked for a page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagesSection {
    pub page: String,
    pub per_page: String,
    pub first: Spanned<i64>,
    pub size: Spanned<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    pub scheme: Spanned<String>,
    pub header: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestIdSection {
    pub header: String,
    pub marker: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsSection {
    pub code: Option<Spanned<String>>,
    pub message: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub error_type: Option<Spanned<String>>,
    #[serde(default)]
    pub kind: Vec<ErrorKindEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorKindEntry {
    pub name: Spanned<String>,
    pub doc: String,
    pub status: Option<Spanned<i64>>,
    pub code: Option<String>,
    #[serde(rename = "type")]
    pub error_type: Option<String>,
    pub category: Option<Spanned<String>>,
}

/// A resource group file: operations, models and enums.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    #[serde(default)]
    pub operation: Vec<Spanned<OperationEntry>>,
    #[serde(default)]
    pub model: Vec<Spanned<ModelEntry>>,
    #[serde(default, rename = "enum")]
    pub enums: Vec<Spanned<EnumEntry>>,
    #[serde(default)]
    pub deviation: Vec<Spanned<DeviationEntry>>,
    #[serde(default)]
    pub handle: Vec<Spanned<HandleEntry>>,
}

/// A resource handle: `client.<name>(id)` with methods that call operations on that id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandleEntry {
    pub name: Spanned<String>,
    pub doc: Spanned<String>,
    pub id: Spanned<String>,
    pub methods: Vec<Spanned<HandleMethodEntry>>,
    pub wait: Option<Spanned<WaitEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandleMethodEntry {
    pub name: Spanned<String>,
    pub operation: Spanned<String>,
}

/// How a handle's `wait_for` polls its resource.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitEntry {
    pub operation: Spanned<String>,
    pub state: Spanned<String>,
    pub done: Spanned<Vec<String>>,
    #[serde(default)]
    pub failed: Vec<String>,
    pub interval: Spanned<i64>,
    pub timeout: Spanned<i64>,
}

/// A deliberate difference from the source material, with its reason.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationEntry {
    pub operation: Spanned<String>,
    pub parameter: Option<String>,
    pub parameters: Option<Spanned<Vec<String>>>,
    pub reason: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationEntry {
    pub name: Spanned<String>,
    pub source: Option<String>,
    pub doc: Spanned<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub warning: Option<String>,
    pub deprecated: Option<String>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub returns: Option<Spanned<String>>,
    pub success: Option<Spanned<Vec<i64>>>,
    pub handle: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    /// Whether the operation may be retried; overrides the default of its HTTP method and
    /// the provider's `idempotent_names`.
    pub idempotent: Option<Spanned<bool>>,
    #[serde(default)]
    pub at_least_one_of: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    pub at_most_one_of: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    pub requires: Vec<Spanned<RequiresEntry>>,
    pub raises: Option<Spanned<Vec<String>>>,
    /// Read the current object first and send some of its members back (`[operation.read_first]`).
    pub read_first: Option<Spanned<ReadFirstEntry>>,
    #[serde(default)]
    pub param: Vec<Spanned<MemberEntry>>,
}

/// `[operation.read_first]`: the change reads the object at its own path with GET first and
/// copies `members` of the answer into the body parameter `param`, because the API wants
/// them back although the caller cannot change them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadFirstEntry {
    pub param: Spanned<String>,
    pub members: Spanned<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub name: Spanned<String>,
    pub doc: Spanned<String>,
    pub fields: Vec<Spanned<MemberEntry>>,
    #[serde(default)]
    pub at_least_one_of: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    pub at_most_one_of: Vec<Spanned<Vec<String>>>,
    #[serde(default)]
    pub requires: Vec<Spanned<RequiresEntry>>,
    /// A field (Rust name) that a bare string answer fills: the model also decodes from a
    /// plain string, as that field with every other one unset.
    pub from_string: Option<Spanned<String>>,
}

/// A conditional rule: when `when` is set (and, with `equals`, has that value), every member
/// in `then` must be set too.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiresEntry {
    pub when: Spanned<String>,
    pub equals: Option<Spanned<toml::Value>>,
    pub then: Spanned<Vec<String>>,
}

/// An operation parameter or a model field: they share most keys, so they share one shape;
/// `validate` rejects the keys that only one of them may use, pointing at the key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    #[serde(default)]
    pub required: bool,
    pub doc: Spanned<String>,
    pub deprecated: Option<String>,
    /// A password, token or key: never shown by `Debug` (names ending in `password` are
    /// secret unless this says otherwise).
    pub secret: Option<Spanned<bool>>,
    // fields only
    pub rust: Option<Spanned<String>>,
    // parameters only
    pub wire: Option<Spanned<String>>,
    #[serde(rename = "in")]
    pub location: Option<Spanned<String>>,
    pub default: Option<Spanned<toml::Value>>,
    pub allow_slash: Option<Spanned<bool>>,
    pub flatten: Option<Spanned<bool>>,
    pub nullable: Option<Spanned<bool>>,
    // documented constraints
    pub min: Option<Spanned<toml::Value>>,
    pub max: Option<Spanned<toml::Value>>,
    pub multiple_of: Option<Spanned<i64>>,
    pub min_length: Option<Spanned<i64>>,
    pub max_length: Option<Spanned<i64>>,
    pub chars: Option<Spanned<String>>,
    pub forbidden_chars: Option<Spanned<String>>,
    pub values: Option<Spanned<Vec<toml::Value>>>,
    /// With `values` on a string: several of the values may be joined by this separator.
    pub separator: Option<Spanned<String>>,
    pub min_items: Option<Spanned<i64>>,
    pub max_items: Option<Spanned<i64>>,
    /// A list of models: exactly one item has this boolean field (its Rust name) true.
    pub exactly_one: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumEntry {
    pub name: Spanned<String>,
    pub doc: Spanned<String>,
    pub values: Vec<Spanned<EnumValueEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValueEntry {
    pub value: Spanned<String>,
    pub rust: Option<Spanned<String>>,
    pub doc: String,
}
