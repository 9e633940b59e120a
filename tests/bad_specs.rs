//! A malformed spec must be rejected with a rustc-style diagnostic that points at the exact
//! place (file:line:col), says what is wrong and how to fix it. Each test breaks one thing in
//! an otherwise valid spec and checks the one diagnostic it gets.

use codegen::{generate, Diagnostic, ProviderSpec, SourceFile};

const PROVIDER: &str = r#"[provider]
name = "demo"
title = "Demo API"
doc = "A demo API."
base_url = "https://api.example.com/v1"
transport = "rest"
success = [200]

[provider.auth]
scheme = "basic"

[errors]
message = "/message"

[[errors.kind]]
name = "NotFound"
status = 404
doc = "The thing does not exist."
"#;

const GROUP: &str = r#"[[operation]]
name = "get_thing"
doc = "Gets a thing."
method = "GET"
path = "/things/{thing_id}"
returns = "Thing"

[[operation.param]]
name = "thing_id"
in = "path"
type = "string"
required = true
doc = "The thing's id."

[[operation.param]]
name = "depth"
in = "query"
type = "integer"
min = 0
doc = "How deep to expand."

[[model]]
name = "Thing"
doc = "A thing."
fields = [
  { name = "id", type = "string", required = true, doc = "Its id." },
  { name = "size", type = "integer", doc = "Its size." },
]

[[enum]]
name = "Colour"
doc = "A colour."
values = [
  { value = "RED", doc = "Red." },
]
"#;

fn spec(provider: &str, group: &str) -> ProviderSpec {
    ProviderSpec {
        name: "demo".to_owned(),
        provider: SourceFile {
            name: "spec/demo/provider.toml".to_owned(),
            text: provider.to_owned(),
        },
        groups: vec![SourceFile {
            name: "spec/demo/things.toml".to_owned(),
            text: group.to_owned(),
        }],
    }
}

/// Replaces `from` (which must occur exactly once) with `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "the edit target {from:?} must occur exactly once");
    text.replacen(from, to, 1)
}

/// 1-based line and column of the first occurrence of `needle` (after `after`, if given).
fn position(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Generates and returns the one diagnostic the spec must produce.
fn only_error(spec: ProviderSpec) -> Diagnostic {
    let diagnostics = match generate(&spec) {
        Ok(_) => panic!("the broken spec was accepted"),
        Err(d) => d,
    };
    assert_eq!(
        diagnostics.len(),
        1,
        "expected exactly one diagnostic, got:\n{}",
        diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
    diagnostics.into_iter().next().unwrap_or_else(|| unreachable!())
}

/// Asserts the diagnostic's file, position (of `needle` in that file's text), message and help.
fn assert_diagnostic(
    d: &Diagnostic,
    file: &str,
    text: &str,
    needle: &str,
    message: &str,
    help: &str,
) {
    let (line, column) = position(text, needle);
    assert_eq!((d.file.as_str(), d.line, d.column), (file, line, column), "wrong place for: {d}");
    assert_eq!(d.message, message, "wrong message: {d}");
    assert_eq!(d.help.as_deref(), Some(help), "wrong help: {d}");
    assert_eq!(d.to_string(), format!("error: {file}:{line}:{column}: {message}\n  help: {help}"));
}

const GROUP_FILE: &str = "spec/demo/things.toml";
const PROVIDER_FILE: &str = "spec/demo/provider.toml";

#[test]
fn the_valid_spec_generates() {
    let files = generate(&spec(PROVIDER, GROUP)).expect("the base spec is valid");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "generated/mod.rs",
            "generated/catalog.rs",
            "generated/dynamic.rs",
            "generated/models/mod.rs",
            "generated/operations/mod.rs",
            "generated/models/things.rs",
            "generated/operations/things.rs",
            "generated/OVERVIEW.md"
        ]
    );
}

#[test]
fn misspelt_type_suggests_the_right_one() {
    let group = edit(GROUP, "type = \"integer\"\nmin = 0", "type = \"integr\"\nmin = 0");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"integr\"", "parameter 'depth' of operation 'get_thing': unknown type 'integr'", "did you mean 'integer'? Types are string, integer, number, boolean, json, date, list<T>, map<T>, or a model or enum name");
}

#[test]
fn unknown_key_is_rejected() {
    let group = edit(GROUP, "type = \"integer\"\nmin = 0", "tyep = \"integer\"\nmin = 0");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "tyep", "unknown field `tyep`, expected one of `name`, `type`, `required`, `doc`, `deprecated`, `secret`, `rust`, `wire`, `in`, `default`, `allow_slash`, `flatten`, `nullable`, `min`, `max`, `multiple_of`, `min_length`, `max_length`, `chars`, `forbidden_chars`, `values`, `separator`, `min_items`, `max_items`, `exactly_one`", "remove the key or fix its spelling; spec/README.md lists every key");
}

#[test]
fn missing_doc_is_rejected() {
    let group = edit(GROUP, "doc = \"Gets a thing.\"\n", "");
    let d = only_error(spec(PROVIDER, &group));
    // serde reports a missing key at the start of its table
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "[[operation]]",
        "missing field `doc`",
        "add the key; spec/README.md says what it holds",
    );
}

#[test]
fn path_segment_without_parameter() {
    let group = edit(GROUP, "\"/things/{thing_id}\"", "\"/things/{thing_id}/parts/{part_id}\"");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"/things/",
        "path segment '{part_id}' has no path parameter",
        "add a parameter with name = \"part_id\", in = \"path\", required = true",
    );
}

#[test]
fn path_parameter_missing_from_path() {
    let group = edit(GROUP, "\"/things/{thing_id}\"", "\"/things\"");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"/things\"",
        "path parameter 'thing_id' does not appear in the path",
        "put {thing_id} in the path, or change its `in`",
    );
}

#[test]
fn unknown_http_method() {
    let group = edit(GROUP, "method = \"GET\"", "method = \"FETCH\"");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"FETCH\"",
        "unknown HTTP method 'FETCH'",
        "expected one of GET, POST, PUT, PATCH, DELETE (upper case)",
    );
}

#[test]
fn returns_unknown_model() {
    let group = edit(GROUP, "returns = \"Thing\"", "returns = \"Thingy\"");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"Thingy\"", "operation 'get_thing': unknown type 'Thingy'", "did you mean 'Thing'? Types are string, integer, number, boolean, json, date, list<T>, map<T>, or a model or enum name");
}

#[test]
fn length_rule_on_an_integer() {
    let group = edit(GROUP, "min = 0\n", "min_length = 1\n");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "1\ndoc = \"How deep",
        "parameter 'depth' of operation 'get_thing': 'min_length' does not apply to type integer",
        "'min_length' applies to string and list<string>",
    );
}

#[test]
fn default_of_the_wrong_type() {
    let group = edit(GROUP, "min = 0\n", "min = 0\ndefault = \"deep\"\n");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"deep\"", "parameter 'depth' of operation 'get_thing': a default of type string does not fit the type integer", "give a default of the parameter's type (only strings, numbers, booleans and enum values can be defaults)");
}

#[test]
fn duplicate_operation() {
    let copy = &GROUP[..GROUP.find("[[model]]").unwrap_or(GROUP.len())];
    let group = format!("{GROUP}\n{copy}");
    let d = only_error(spec(PROVIDER, &group));
    let second = group.rfind("[[operation]]").unwrap_or(0);
    let (line, column) = position(&group[second..], "\"get_thing\"");
    let line = line + group[..second].matches('\n').count();
    assert_eq!((d.line, d.column), (line, column), "{d}");
    assert_eq!(
        d.message,
        "operation 'get_thing' is defined twice (first in spec/demo/things.toml)"
    );
}

#[test]
fn enum_value_that_would_shadow_unknown() {
    let group = edit(
        GROUP,
        "{ value = \"RED\", doc = \"Red.\" }",
        "{ value = \"UNKNOWN\", doc = \"Not known.\" }",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"UNKNOWN\"",
        "enum value 'UNKNOWN' gives the variant name 'Unknown', which is not usable",
        "add rust = \"SomeName\" (UpperCamelCase, not 'Unknown')",
    );
}

#[test]
fn nested_model_cannot_be_returned() {
    let group = edit(GROUP, "{ name = \"size\",", "{ name = \"properties.size\",");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"Thing\"\n", "operation 'get_thing' returns 'Thing', which has dotted field names and so cannot be decoded", "return a model whose fields mirror the response (dotted names are for request models only)");
}

#[test]
fn toml_syntax_error() {
    let group = edit(GROUP, "method = \"GET\"", "method = GET");
    let d = only_error(spec(PROVIDER, &group));
    let (line, column) = position(&group, "GET\n");
    assert_eq!((d.file.as_str(), d.line, d.column), (GROUP_FILE, line, column), "{d}");
    assert!(
        d.message.contains("string values must be quoted") || d.message.contains("invalid string"),
        "{d}"
    );
}

#[test]
fn header_auth_needs_a_header_name() {
    let provider = edit(PROVIDER, "scheme = \"basic\"", "scheme = \"header\"");
    let d = only_error(spec(&provider, GROUP));
    assert_diagnostic(
        &d,
        PROVIDER_FILE,
        &provider,
        "\"header\"",
        "auth scheme 'header' needs the header's name",
        "add header = \"X-TOKEN\" (the header that carries the token)",
    );
}

#[test]
fn structured_query_parameter() {
    let group =
        edit(GROUP, "type = \"integer\"\nmin = 0", "type = \"list<integer>\"\nmin_items = 1");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"list<integer>\"", "parameter 'depth' of operation 'get_thing': a query parameter must be a string, number, boolean or enum", "send structured values in the body");
}

#[test]
fn one_of_group_with_unknown_member() {
    let group = edit(
        GROUP,
        "returns = \"Thing\"\n",
        "returns = \"Thing\"\nat_most_one_of = [[\"thing_id\", \"colour\"]]\n",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "[\"thing_id\"",
        "operation 'get_thing': 'colour' in a one-of group is not one of its names",
        "use one of: thing_id, depth",
    );
}

#[test]
fn request_handle_needs_a_request_id_source() {
    let group = edit(GROUP, "returns = \"Thing\"\n", "returns = \"Thing\"\nhandle = \"request\"\n");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(&d, GROUP_FILE, &group, "\"request\"", "operation 'get_thing' hands back a request id, but the provider does not say where to find one", "add [provider.request_id] with header and marker to provider.toml");
}

#[test]
fn every_error_in_a_run_is_reported() {
    let group = edit(
        &edit(GROUP, "method = \"GET\"", "method = \"FETCH\""),
        "{ value = \"RED\", doc = \"Red.\" }",
        "{ value = \"RED\", doc = \"\" }",
    );
    let diagnostics = generate(&spec(PROVIDER, &group)).expect_err("two mistakes");
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["enum value 'RED' has an empty doc", "unknown HTTP method 'FETCH'"]);
}

#[test]
fn overlapping_field_names() {
    let group = edit(
        GROUP,
        "{ name = \"size\", type = \"integer\"",
        "{ name = \"id.size\", type = \"integer\"",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"id.size\"",
        "field 'id.size' overlaps field 'id'",
        "a wire name may not be a prefix of another",
    );
}

#[test]
fn requirement_on_an_unknown_member() {
    let group = edit(
        GROUP,
        "returns = \"Thing\"\n",
        "returns = \"Thing\"\nrequires = [{ when = \"dpth\", then = [\"thing_id\"] }]\n",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"dpth\"",
        "operation 'get_thing': 'requires' names an unknown member 'dpth'",
        "use one of: thing_id, depth",
    );
}

#[test]
fn idempotent_name_matching_no_operation() {
    let provider = edit(
        PROVIDER,
        "success = [200]\n",
        "success = [200]\nidempotent_names = [\"get_thing\", \"*_infoo\"]\n",
    );
    let d = only_error(spec(&provider, GROUP));
    assert_diagnostic(
        &d,
        PROVIDER_FILE,
        &provider,
        "\"*_infoo\"",
        "idempotent_names: '*_infoo' matches no operation",
        "fix the name, or remove it (names match the part after the last dot)",
    );
}

#[test]
fn idempotent_name_that_is_not_a_pattern() {
    let provider = edit(
        PROVIDER,
        "success = [200]\n",
        "success = [200]\nidempotent_names = [\"get*thing*\"]\n",
    );
    let d = only_error(spec(&provider, GROUP));
    assert_diagnostic(&d, PROVIDER_FILE, &provider, "\"get*thing*\"", "idempotent_names: 'get*thing*' is not a method name pattern", "use a snake_case method name with at most one '*', e.g. \"info\", \"*_list\" or \"list_*\"");
}

#[test]
fn idempotent_names_may_not_match_everything() {
    let provider =
        edit(PROVIDER, "success = [200]\n", "success = [200]\nidempotent_names = [\"*\"]\n");
    let d = only_error(spec(&provider, GROUP));
    assert_diagnostic(
        &d,
        PROVIDER_FILE,
        &provider,
        "\"*\"",
        "idempotent_names: '*' would let every operation be retried, writes included",
        "list the read-only names, e.g. \"info\" and \"*_list\"",
    );
}

#[test]
fn idempotence_follows_the_method_the_names_and_the_operation_key() {
    let operations = |group: &str, provider: &str| -> String {
        let files = generate(&spec(provider, group)).expect("valid");
        files
            .into_iter()
            .find(|f| f.path == "generated/catalog.rs")
            .map(|f| f.contents)
            .unwrap_or_default()
    };
    // a GET is idempotent by default
    assert!(operations(GROUP, PROVIDER).contains("idempotent: true"));
    // a POST is not, unless a name rule or its own key says so; its own key wins
    let post = edit(GROUP, "method = \"GET\"", "method = \"POST\"");
    assert!(operations(&post, PROVIDER).contains("idempotent: false"));
    let named =
        edit(PROVIDER, "success = [200]\n", "success = [200]\nidempotent_names = [\"get_*\"]\n");
    assert!(operations(&post, &named).contains("idempotent: true"));
    let marked = edit(&post, "method = \"POST\"", "method = \"POST\"\nidempotent = true");
    assert!(operations(&marked, PROVIDER).contains("idempotent: true"));
    let unmarked = edit(GROUP, "method = \"GET\"", "method = \"GET\"\nidempotent = false");
    assert!(operations(&unmarked, &named).contains("idempotent: false"));
}

#[test]
fn unknown_error_category_is_rejected() {
    let provider = edit(PROVIDER, "status = 404\n", "status = 404\ncategory = \"missing\"\n");
    let d = only_error(spec(&provider, GROUP));
    assert_diagnostic(
        &d,
        PROVIDER_FILE,
        &provider,
        "\"missing\"",
        "unknown error category 'missing'",
        "expected \"not_found\", \"rate_limited\" or \"unauthorized\"",
    );
    let provider = edit(PROVIDER, "status = 404\n", "status = 404\ncategory = \"not_found\"\n");
    assert!(generate(&spec(&provider, GROUP)).is_ok());
}

#[test]
fn exactly_one_applies_to_lists_of_models_only() {
    let group =
        edit(GROUP, "type = \"integer\"\nmin = 0", "type = \"integer\"\nexactly_one = \"is_main\"");
    let d = only_error(spec(PROVIDER, &group));
    assert!(d.message.contains("'exactly_one' does not apply to type integer"), "{d}");
    assert_eq!(d.help.as_deref(), Some("'exactly_one' applies to lists of models"));
}

#[test]
fn flatten_is_only_for_body_models() {
    let group =
        edit(GROUP, "type = \"integer\"\nmin = 0", "type = \"integer\"\nflatten = true\nmin = 0");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "true\nmin = 0",
        "parameter 'depth' of operation 'get_thing': only a body parameter of a model type can be flattened",
        "remove flatten, or make the parameter a body model",
    );
}

#[test]
fn an_optional_body_model_may_be_flattened() {
    // issue 12 item 11: a flattened model the caller may leave out
    let group = edit(
        GROUP,
        "[[model]]",
        "[[operation]]\nname = \"update_thing\"\ndoc = \"Updates a thing.\"\nmethod = \"PUT\"\npath = \"/things/{thing_id}\"\n\n[[operation.param]]\nname = \"thing_id\"\nin = \"path\"\ntype = \"string\"\nrequired = true\ndoc = \"The thing's id.\"\n\n[[operation.param]]\nname = \"thing\"\nin = \"body\"\ntype = \"Thing\"\nflatten = true\ndoc = \"What to change.\"\n\n[[model]]",
    );
    let files = generate(&spec(PROVIDER, &group)).expect("an optional flattened model is valid");
    let ops = files.iter().find(|f| f.path == "generated/operations/things.rs").expect("ops");
    assert!(
        ops.contents.contains("pub fn update_thing(&self, thing_id: impl Into<String>)"),
        "{}",
        ops.contents
    );
    assert!(
        ops.contents.contains("pub fn thing(mut self, value: Thing) -> Self"),
        "{}",
        ops.contents
    );
}

#[test]
fn from_string_must_name_a_string_field_of_an_otherwise_optional_model() {
    let group = edit(GROUP, "doc = \"A thing.\"\n", "doc = \"A thing.\"\nfrom_string = \"size\"\n");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"size\"\n",
        "model 'Thing': from_string 'size' must name a string field, and every other field must be optional",
        "name the string field a bare string answer stands for (its Rust name)",
    );
}

#[test]
fn unknown_handle_lists_the_kinds() {
    let group =
        edit(GROUP, "returns = \"Thing\"\n", "returns = \"Thing\"\nhandle = \"job_if_changed\"\n");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"job_if_changed\"",
        "unknown handle 'job_if_changed'",
        "expected \"request\" (hand back the request id), \"job\" (the value is a job) or \"job_when_changed\" (a job only when something changes)",
    );
}

#[test]
fn a_job_when_changed_needs_a_model() {
    let group = edit(
        GROUP,
        "returns = \"Thing\"\n",
        "returns = \"string\"\nhandle = \"job_when_changed\"\n",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"job_when_changed\"",
        "operation 'get_thing' hands back a job but returns no model",
        "set returns = \"Job\" (the job model)",
    );
}

#[test]
fn separator_needs_string_values() {
    let group = edit(
        GROUP,
        "type = \"integer\"\nmin = 0",
        "type = \"integer\"\nseparator = \",\"\nmin = 0",
    );
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\",\"\nmin",
        "parameter 'depth' of operation 'get_thing': 'separator' needs a string with 'values'",
        "list the values that may be joined, e.g. values = [\"tcp\", \"udp\"], and give a non-empty separator such as \",\"",
    );
}

/// A change that reads first, for the tests below: PUT of a thing whose body is a `Thing`.
const MODIFY_THING: &str = r#"
[[operation]]
name = "modify_thing"
doc = "Changes a thing."
method = "PUT"
path = "/things/{thing_id}"
returns = "Thing"
read_first = { param = "thing", members = ["size"] }

[[operation.param]]
name = "thing_id"
in = "path"
type = "string"
required = true
doc = "The thing's id."

[[operation.param]]
name = "thing"
in = "body"
type = "Thing"
required = true
doc = "The new thing."
"#;

#[test]
fn what_is_read_first_cannot_also_be_set() {
    let group = format!("{GROUP}{MODIFY_THING}");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "{ param = \"thing\"",
        "operation 'modify_thing' copies 'size' from the current object, but the caller can also set it",
        "remove the field 'size' from the parameter's model: what is read first cannot change",
    );
}

#[test]
fn reading_first_needs_a_get_at_the_same_path() {
    let group = format!("{GROUP}{MODIFY_THING}")
        .replace(
            "path = \"/things/{thing_id}\"\nreturns = \"Thing\"\nread_first",
            "path = \"/things/{thing_id}/copy\"\nreturns = \"Thing\"\nread_first",
        )
        .replace("members = [\"size\"]", "members = [\"colour\"]");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "{ param = \"thing\"",
        "operation 'modify_thing' reads first, but no GET operation has its path",
        "add the GET operation for the same path, or remove [operation.read_first]",
    );
}

#[test]
fn reading_first_needs_a_body_model_parameter() {
    let group =
        format!("{GROUP}{MODIFY_THING}").replace("param = \"thing\",", "param = \"thing_id\",");
    let d = only_error(spec(PROVIDER, &group));
    assert_diagnostic(
        &d,
        GROUP_FILE,
        &group,
        "\"thing_id\", members",
        "operation 'modify_thing' has no body parameter 'thing_id' holding a model",
        "name the body parameter (of a model type, with a plain wire name) the current members go into",
    );
}
