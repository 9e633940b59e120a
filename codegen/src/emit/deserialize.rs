//! How a file's generated structs (models, operations' arguments) are read: one
//! `rt::members!` list at the end of the file, which the runtime's macro turns into each
//! struct's `Members` impl (an `index` match of the member names and one `visit` with an arm
//! per member) and its `Deserialize`. serde's derive would write a field enum, its visitor and
//! a sequence visitor into every struct, which was most of a client crate's build time; the
//! list is laid out here as text, so regenerating does not parse and format the impls.

use super::rust;
use super::text::{string, Lines};

/// One member of a struct, as it is read.
pub struct Member<'a> {
    /// The Rust field name.
    pub rust: &'a str,
    /// The name the member is read by, and named by in errors.
    pub wire: &'a str,
    /// Whether a missing member is an error; an optional one is left at its default (`None`).
    pub required: bool,
    /// The path of a runtime `Decode` marker, for a member its type's own `Deserialize` does
    /// not read.
    pub decoder: Option<&'static str>,
}

/// One struct of the list.
pub struct Struct<'a> {
    /// The struct's Rust name.
    pub name: String,
    /// Its members, in field order.
    pub members: Vec<Member<'a>>,
    /// Whether unknown keys are refused (callers' JSON) rather than skipped (answers).
    pub strict: bool,
    /// Whether the struct writes its own `Deserialize`, which calls `rt::struct_de::deserialize`.
    pub own_deserialize: bool,
}

/// The `rt::members!` list of `structs`, one member per line (nothing when there are none).
/// A member whose `wire` name differs from its Rust name is read by both, the two sorted as
/// serde lists them in errors.
pub fn list(structs: &[Struct<'_>]) -> String {
    if structs.is_empty() {
        return String::new();
    }
    let mut out = Lines::default();
    out.line("// How each struct above is read: see `cloud_sdks_runtime::members!`.");
    out.open("rt::members! {");
    for s in structs {
        let unknown = if s.strict { "refuse_unknown" } else { "skip_unknown" };
        let own = if s.own_deserialize { ", own_deserialize" } else { "" };
        let head = format!("{}({unknown}{own}) {{", s.name);
        if s.members.is_empty() {
            out.line(&format!("{head}}}"));
            continue;
        }
        out.open(&head);
        let mut index = 0;
        for member in &s.members {
            let mut names = vec![member.wire, member.rust];
            names.sort_unstable();
            names.dedup();
            let names: Vec<String> = names
                .iter()
                .map(|name| {
                    index += 1;
                    format!("{} {}", index - 1, string(name))
                })
                .collect();
            let kind = if member.required { "required" } else { "optional" };
            let decoder = member.decoder.map(|path| format!(" with {path}")).unwrap_or_default();
            out.line(&format!(
                "{kind} {} {} [{}]{decoder},",
                rust::ident_text(member.rust),
                string(member.wire),
                names.join(", ")
            ));
        }
        out.close("}");
    }
    out.close("}");
    out.finish()
}
