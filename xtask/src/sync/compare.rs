//! Sets a parsed source document against a provider's checked spec.
//!
//! Operations are paired by name; an operation whose example calls another method (or a
//! method documented twice, like ProfitBricks' `get_request`) is paired through its section,
//! which the spec records as `source`. Then, per pair: the name, deprecation and `source`
//! label; every argument by name (`_`, `-` and case ignored; a spec parameter also answers to its
//! wire name) with its type, whether it is required, deprecation, allowed values and limits;
//! and the documented fields of an object argument against the fields of the spec's model. Every
//! difference is a [`Finding`]; a `[[deviation]]` naming its operation (the source's or the
//! spec's name) and, for a parameter, the parameter, explains it.
//!
//! Where the source states a default, the spec must send the same one (`default`) or, as the
//! API applies it anyway, say it in the member's doc. Where it states a return shape (Memset's
//! "Returns a dictionary as described in job.status()", "… as described in apikey.info()", "a
//! list of …", "an empty dictionary"), the operation's `returns` must be that type.
//!
//! A deviation whose reason blames this project's generator or spec format is an error: a
//! limitation of ours is no reason to differ from the source. One that also names the issue
//! tracking it (`tracked in issue 12 item 11`) is a known defect waiting for a generator change:
//! it is listed apart, as a tracked limitation, and does not fail.
//!
//! Limits are compared in one direction: whatever the source states, the spec must state the
//! same; the spec may add rules of its own. Allowed values (strings, enum members, integers)
//! must be the same set.

use std::collections::HashMap;

use codegen::ir::{self, Bound, Constraints, Ty};

use super::text::{char_set, squash};
use super::{Document, Required, SourceOperation, SourceParam, SourceReturn, SourceType};

/// One difference between the source and the spec.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The operation: the source's name, or the spec's when only the spec has it.
    pub operation: String,
    /// The spec's name of the operation, when it has one.
    pub spec_operation: Option<String>,
    /// The source's section of the operation.
    pub section: Option<String>,
    /// The parameter, dotted for a field of an object (`server.cpu_family`).
    pub parameter: Option<String>,
    pub message: String,
    /// Line in the source document.
    pub source_line: Option<usize>,
    /// `file:line` in the spec.
    pub spec_place: Option<String>,
    /// What to do about it.
    pub help: String,
    /// The deviation that explains it.
    pub explained_by: Option<usize>,
    entry: usize,
    param_entry: Option<usize>,
}

/// Counts of one kind of item (operations or parameters) for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub source: usize,
    pub spec: usize,
    /// Same in source and spec.
    pub matched: usize,
    /// Different, and every difference explained by a deviation.
    pub explained: usize,
    /// Different without explanation.
    pub differ: usize,
}

/// What the comparison of one provider found.
#[derive(Debug)]
pub struct Outcome {
    pub provider: &'static str,
    pub document: String,
    /// Places of the document its parser could not read.
    pub problems: Vec<(usize, String)>,
    pub findings: Vec<Finding>,
    pub deviations: Vec<ir::Deviation>,
    /// Deviations that explain no finding.
    pub unused: Vec<usize>,
    /// Deviations whose reason blames the generator (or the spec format) without tracking it:
    /// a limitation of ours is no reason to differ from the source, so these fail.
    pub blaming: Vec<usize>,
    /// Deviations whose reason names a generator limitation and the issue that tracks lifting
    /// it (`tracked in issue 12 item 11`): (deviation, the issue text). Listed apart, not failures.
    pub tracked: Vec<(usize, String)>,
    pub operations: Counts,
    pub parameters: Counts,
}

impl Outcome {
    /// Everything that makes the command fail.
    pub fn failures(&self) -> usize {
        self.problems.len()
            + self.findings.iter().filter(|f| f.explained_by.is_none()).count()
            + self.unused.len()
            + self.blaming.len()
    }
}

/// Where operations, parameters and models are written in the spec files.
#[derive(Debug, Default)]
pub struct SpecIndex {
    operations: HashMap<String, String>,
    params: HashMap<(String, String), String>,
    models: HashMap<String, String>,
}

impl SpecIndex {
    pub fn new(spec: &codegen::ProviderSpec) -> SpecIndex {
        let mut index = SpecIndex::default();
        for file in &spec.groups {
            let mut table = "";
            let mut operation = String::new();
            for (i, line) in file.text.lines().enumerate() {
                let line = line.trim();
                if line.starts_with("[[") {
                    table = match line {
                        "[[operation]]" => "operation",
                        "[[operation.param]]" => "param",
                        "[[model]]" => "model",
                        _ => "",
                    };
                    continue;
                }
                let Some(name) =
                    line.strip_prefix("name = \"").and_then(|rest| rest.split('"').next())
                else {
                    continue;
                };
                let place = format!("{}:{}", file.name, i + 1);
                match table {
                    "operation" => {
                        operation = name.to_owned();
                        index.operations.insert(operation.clone(), place);
                    }
                    "param" => {
                        index.params.insert((operation.clone(), name.to_owned()), place);
                    }
                    "model" => {
                        index.models.insert(name.to_owned(), place);
                    }
                    _ => {}
                }
                table = "";
            }
        }
        index
    }
}

/// A spec parameter or model field, as far as the comparison needs it.
struct Member<'a> {
    name: &'a str,
    /// The wire name's last meaningful part (`properties.bootVolume.id` → `bootVolume`).
    wire: &'a str,
    ty: &'a Ty,
    required: bool,
    deprecated: bool,
    constraints: &'a Constraints,
    /// The value sent when the caller sets none (`default`; parameters only).
    default: Option<String>,
    doc: &'a str,
    place: Option<String>,
}

impl<'a> Member<'a> {
    fn of_param(param: &'a ir::Param, place: Option<String>) -> Self {
        Member {
            name: &param.name,
            wire: wire_name(&param.wire),
            ty: &param.ty,
            required: param.required,
            deprecated: param.deprecated.is_some(),
            constraints: &param.constraints,
            default: param.default.as_ref().map(literal),
            doc: &param.doc,
            place,
        }
    }

    fn of_field(field: &'a ir::Field, place: Option<String>) -> Self {
        Member {
            name: &field.rust,
            wire: wire_name(&field.wire),
            ty: &field.ty,
            required: field.required,
            deprecated: field.deprecated.is_some(),
            constraints: &field.constraints,
            default: None,
            doc: &field.doc,
            place,
        }
    }
}

struct ParamEntry {
    in_source: bool,
    in_spec: bool,
    entry: usize,
}

struct Comparer<'a> {
    spec: &'a ir::Provider,
    index: &'a SpecIndex,
    findings: Vec<Finding>,
    params: Vec<ParamEntry>,
    /// The operation being compared: (source name, spec name, section, entry).
    current: (String, Option<String>, Option<String>, usize),
}

pub fn provider(document: &Document, spec: &ir::Provider, index: &SpecIndex) -> Outcome {
    let source = &document.parsed.operations;
    let pairs = pair(source, &spec.operations);
    let mut c = Comparer {
        spec,
        index,
        findings: Vec::new(),
        params: Vec::new(),
        current: (String::new(), None, None, 0),
    };
    for (entry, (s, p)) in pairs.iter().enumerate() {
        c.operation(entry, s.map(|i| &source[i]), p.map(|i| &spec.operations[i]));
    }
    // Explain.
    let deviations = spec.deviations.clone();
    let mut used = vec![false; deviations.len()];
    for finding in &mut c.findings {
        finding.explained_by = deviations.iter().position(|d| explains(d, finding));
        if let Some(d) = finding.explained_by {
            used[d] = true;
        }
    }
    // Count.
    let status = |findings: &mut dyn Iterator<Item = &Finding>| -> usize {
        let (mut any, mut open) = (false, false);
        for f in findings {
            any = true;
            open |= f.explained_by.is_none();
        }
        match (any, open) {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 2,
        }
    };
    let mut operations = Counts::default();
    for (entry, (s, p)) in pairs.iter().enumerate() {
        operations.source += usize::from(s.is_some());
        operations.spec += usize::from(p.is_some());
        match status(&mut c.findings.iter().filter(|f| f.entry == entry)) {
            0 => operations.matched += 1,
            1 => operations.explained += 1,
            _ => operations.differ += 1,
        }
    }
    let mut parameters = Counts::default();
    for (i, param) in c.params.iter().enumerate() {
        parameters.source += usize::from(param.in_source);
        parameters.spec += usize::from(param.in_spec);
        // A parameter of an operation only one side has shares the operation's fate.
        let whole = !(param.in_source && param.in_spec)
            && pairs[param.entry].0.is_none() != pairs[param.entry].1.is_none();
        let state = if whole {
            status(
                &mut c
                    .findings
                    .iter()
                    .filter(|f| f.entry == param.entry && f.param_entry.is_none()),
            )
        } else {
            status(&mut c.findings.iter().filter(|f| f.param_entry == Some(i)))
        };
        match state {
            0 => parameters.matched += 1,
            1 => parameters.explained += 1,
            _ => parameters.differ += 1,
        }
    }
    let mut blaming = Vec::new();
    let mut tracked = Vec::new();
    for (d, deviation) in deviations.iter().enumerate() {
        match limitation(&deviation.reason) {
            Limitation::None => {}
            Limitation::Tracked(issue) => tracked.push((d, issue)),
            Limitation::Untracked => blaming.push(d),
        }
    }
    Outcome {
        provider: document.provider,
        document: document.path.clone(),
        problems: document.parsed.problems.clone(),
        findings: c.findings,
        unused: (0..deviations.len()).filter(|&d| !used[d]).collect(),
        blaming,
        tracked,
        deviations,
        operations,
        parameters,
    }
}

/// Pairs source operations (in document order) with spec operations: by name where the spec's
/// `source` label agrees (or names no single operation), else by the section label alone, else
/// by name. Spec operations left over come last.
fn pair(source: &[SourceOperation], spec: &[ir::Operation]) -> Vec<(Option<usize>, Option<usize>)> {
    let label_count =
        |label: &str| spec.iter().filter(|p| p.source.as_deref() == Some(label)).count();
    let mut used = vec![false; spec.len()];
    let mut pairs = Vec::new();
    for (i, op) in source.iter().enumerate() {
        let free = |j: &usize| !used[*j];
        let by_name_and_label = (0..spec.len()).filter(free).find(|&j| {
            spec[j].name == op.name
                && spec[j].source.as_deref().is_none_or(|l| l == op.section || label_count(l) != 1)
        });
        let by_label = || {
            (0..spec.len()).filter(free).find(|&j| {
                spec[j].source.as_deref() == Some(op.section.as_str())
                    && label_count(&op.section) == 1
            })
        };
        let by_name = || (0..spec.len()).filter(free).find(|&j| spec[j].name == op.name);
        let found = by_name_and_label.or_else(by_label).or_else(by_name);
        if let Some(j) = found {
            used[j] = true;
        }
        pairs.push((Some(i), found));
    }
    pairs.extend((0..spec.len()).filter(|&j| !used[j]).map(|j| (None, Some(j))));
    pairs
}

/// Whether a deviation's reason is a limitation of this project's generator or spec format
/// rather than a fact about the source.
#[derive(Debug, PartialEq, Eq)]
pub enum Limitation {
    None,
    /// It names one, and the issue that tracks lifting it (the text from `tracked in`).
    Tracked(String),
    /// It names one and nothing tracks it.
    Untracked,
}

/// Phrases that blame the tooling: "which the generator allows only for …", "a flag cannot
/// change the path of one generated operation", "the spec format cannot say …".
const BLAMES_TOOLING: [&str; 7] = [
    "generator",
    "generated operation",
    "codegen",
    "spec format",
    "the format cannot",
    "cannot be expressed",
    "limitation",
];

pub fn limitation(reason: &str) -> Limitation {
    let lower = reason.to_lowercase();
    if !BLAMES_TOOLING.iter().any(|p| lower.contains(p)) {
        return Limitation::None;
    }
    match lower.find("tracked in issue ") {
        Some(at) => {
            let issue: String = reason[at + "tracked in ".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == ' ')
                .collect();
            Limitation::Tracked(issue.trim().to_owned())
        }
        None => Limitation::Untracked,
    }
}

/// A spec default as text, the way the documents write values.
fn literal(value: &ir::Literal) -> String {
    match value {
        ir::Literal::String(s) | ir::Literal::Enum(_, s) => s.clone(),
        ir::Literal::Integer(i) => i.to_string(),
        ir::Literal::Number(n) => n.to_string(),
        ir::Literal::Boolean(b) => b.to_string(),
    }
}

/// Words that say a value is what the API uses when none is sent.
const DEFAULT_WORDS: [&str; 7] =
    ["default", "unset", "not set", "left out", "unless", "otherwise", "when none"];

/// Whether `doc` states `value` as the default: it names the value (as a whole word, any case)
/// and uses a word for "when none is given".
fn documents_default(doc: &str, value: &str) -> bool {
    let doc = doc.to_lowercase();
    let value = value.to_lowercase();
    let names_value = doc.match_indices(&value).any(|(at, _)| {
        let before = doc[..at].chars().next_back();
        let after = doc[at + value.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        edge(before) && edge(after)
    });
    names_value && DEFAULT_WORDS.iter().any(|w| doc.contains(w))
}

fn explains(deviation: &ir::Deviation, finding: &Finding) -> bool {
    let operation = deviation.operation == finding.operation
        || Some(&deviation.operation) == finding.spec_operation.as_ref();
    operation
        && match (&deviation.parameter, &finding.parameter) {
            (None, None) => true,
            (Some(d), Some(p)) => {
                squash(d) == squash(p)
                    || p.rsplit_once('.').is_some_and(|(_, last)| squash(d) == squash(last))
            }
            _ => false,
        }
}

impl Comparer<'_> {
    fn find(
        &mut self,
        parameter: Option<String>,
        param_entry: Option<usize>,
        message: String,
        source_line: Option<usize>,
        spec_place: Option<String>,
        help: String,
    ) {
        let (operation, spec_operation, section, entry) = self.current.clone();
        self.findings.push(Finding {
            operation,
            spec_operation,
            section,
            parameter,
            message,
            source_line,
            spec_place,
            help,
            explained_by: None,
            entry,
            param_entry,
        });
    }

    fn operation(
        &mut self,
        entry: usize,
        source: Option<&SourceOperation>,
        spec: Option<&ir::Operation>,
    ) {
        let name = source
            .map_or_else(|| spec.map(|p| p.name.clone()).unwrap_or_default(), |s| s.name.clone());
        self.current =
            (name.clone(), spec.map(|p| p.name.clone()), source.map(|s| s.section.clone()), entry);
        let spec_place = spec.and_then(|p| self.index.operations.get(&p.name).cloned());
        let deviation =
            |op: &str| format!("write a [[deviation]] with operation = \"{op}\" and the reason");
        match (source, spec) {
            (Some(s), None) => {
                let params =
                    s.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
                self.find(
                    None,
                    None,
                    format!("operation `{}` (\"{}\") is not in the spec", s.name, s.section),
                    Some(s.line),
                    None,
                    format!("add it with its parameters ({params}), or {}", deviation(&s.name)),
                );
                for _ in all_params(&s.params) {
                    self.params.push(ParamEntry { in_source: true, in_spec: false, entry });
                }
            }
            (None, Some(p)) => {
                self.find(
                    None,
                    None,
                    format!("operation `{}` is in the spec but not in the source", p.name),
                    None,
                    spec_place,
                    format!("remove it, or {}", deviation(&p.name)),
                );
                for _ in &p.params {
                    self.params.push(ParamEntry { in_source: false, in_spec: true, entry });
                }
            }
            (Some(s), Some(p)) => {
                if s.name != p.name {
                    let message = format!(
                        "the source calls the operation of \"{}\" `{}`, the spec names it `{}`",
                        s.section, s.name, p.name
                    );
                    self.find(
                        None,
                        None,
                        message,
                        Some(s.line),
                        spec_place.clone(),
                        format!("rename it, or {}", deviation(&p.name)),
                    );
                }
                if s.deprecated && p.deprecated.is_none() {
                    self.find(
                        None,
                        None,
                        format!(
                            "operation `{}` is deprecated in the source but not in the spec",
                            s.name
                        ),
                        Some(s.line),
                        spec_place.clone(),
                        "add `deprecated = \"…\"` to the operation".to_owned(),
                    );
                }
                if let Some(label) = p.source.as_deref().filter(|l| *l != s.section) {
                    let message = format!("operation `{}` says source = \"{label}\", but the source documents it under \"{}\"", p.name, s.section);
                    self.find(
                        None,
                        None,
                        message,
                        Some(s.line),
                        spec_place.clone(),
                        format!("set source = \"{}\"", s.section),
                    );
                }
                if let Some(shape) = &s.returns {
                    if let Some(message) = self.returns(shape, p) {
                        self.find(
                            None,
                            None,
                            message,
                            Some(s.line),
                            spec_place.clone(),
                            "change `returns`, or explain the difference with a [[deviation]]"
                                .to_owned(),
                        );
                    }
                }
                let members: Vec<Member> = p
                    .params
                    .iter()
                    .map(|param| {
                        Member::of_param(
                            param,
                            self.index.params.get(&(p.name.clone(), param.name.clone())).cloned(),
                        )
                    })
                    .collect();
                self.members(&s.params, &members, "", entry, 0);
            }
            (None, None) => {}
        }
    }

    /// What is wrong with the spec's return type, given the shape the source states.
    fn returns(&self, shape: &SourceReturn, op: &ir::Operation) -> Option<String> {
        let returns_of = |name: &str| {
            self.spec.operations.iter().find(|o| o.name == name).map(|o| o.returns.clone())
        };
        let shown =
            |ty: &Option<Ty>| ty.as_ref().map_or("nothing".to_owned(), |t| format!("`{t}`"));
        let job = returns_of("job.status").flatten();
        match shape {
            SourceReturn::Job => (op.returns != job || job.is_none()).then(|| {
                format!(
                    "the source returns a job (as job.status() describes it), the spec returns {}",
                    shown(&op.returns)
                )
            }),
            SourceReturn::JobWhenChanged => (job.is_none()
                || op.returns != job
                || op.handle != ir::Handle::JobWhenChanged)
                .then(|| {
                format!(
                    "the source returns a job only when something changes (otherwise the current state), the spec decodes {} without handle = \"job_when_changed\"",
                    shown(&op.returns)
                )
            }),
            SourceReturn::Like(other) | SourceReturn::ListOf(other) => {
                // A method the spec lacks is reported as such; its answer is not guessed.
                let theirs = returns_of(other)?;
                // "A list of dictionaries as described in dns.reverse_map_list()": each item as
                // that method's items, when it returns a list itself.
                let expected = match (shape, theirs) {
                    (SourceReturn::ListOf(_), Some(Ty::List(item))) => Some(Ty::List(item)),
                    (SourceReturn::ListOf(_), theirs) => theirs.map(|t| Ty::List(Box::new(t))),
                    (_, theirs) => theirs,
                };
                (op.returns != expected).then(|| {
                    let what = if matches!(shape, SourceReturn::ListOf(_)) {
                        "a list of what"
                    } else {
                        "what"
                    };
                    format!(
                        "the source returns {what} {other}() returns ({}), the spec returns {}",
                        shown(&expected),
                        shown(&op.returns)
                    )
                })
            }
            SourceReturn::Empty => {
                let empty = match &op.returns {
                    None | Some(Ty::Json) => true,
                    Some(Ty::Model(m)) => self.spec.model(m).is_some_and(|m| m.fields.is_empty()),
                    Some(Ty::Map(_)) => true,
                    _ => false,
                };
                (!empty).then(|| {
                    format!(
                        "the source returns an empty dictionary, the spec returns {}",
                        shown(&op.returns)
                    )
                })
            }
        }
    }

    /// Compares the source's parameters (or fields) with the spec's members, as `prefix.name`.
    fn members(
        &mut self,
        source: &[SourceParam],
        spec: &[Member],
        prefix: &str,
        entry: usize,
        depth: usize,
    ) {
        let mut used = vec![false; spec.len()];
        for param in source {
            let path = format!("{prefix}{}", param.name);
            let key = squash(&param.name);
            let found = (0..spec.len())
                .find(|&j| !used[j] && squash(spec[j].name) == key)
                .or_else(|| (0..spec.len()).find(|&j| !used[j] && squash(spec[j].wire) == key));
            let param_entry = self.params.len();
            self.params.push(ParamEntry { in_source: true, in_spec: found.is_some(), entry });
            let Some(j) = found else {
                let message =
                    format!("parameter `{path}` ({}) is not in the spec", describe(param));
                let help = format!("add it, or write a [[deviation]] with operation = \"{}\", parameter = \"{path}\" and the reason", self.current.0);
                self.find(Some(path), Some(param_entry), message, Some(param.line), None, help);
                continue;
            };
            used[j] = true;
            self.member(param, &spec[j], &path, param_entry, entry, depth);
        }
        for member in spec.iter().zip(&used).filter(|(_, used)| !**used).map(|(member, _)| member) {
            let path = format!("{prefix}{}", member.name);
            let param_entry = self.params.len();
            self.params.push(ParamEntry { in_source: false, in_spec: true, entry });
            let operation = self.current.1.clone().unwrap_or_else(|| self.current.0.clone());
            let message =
                format!("parameter `{path}` ({}) is in the spec but not in the source", member.ty);
            let help = format!("remove it, or write a [[deviation]] with operation = \"{operation}\", parameter = \"{path}\" and the reason");
            self.find(Some(path), Some(param_entry), message, None, member.place.clone(), help);
        }
    }

    fn member(
        &mut self,
        param: &SourceParam,
        member: &Member,
        path: &str,
        param_entry: usize,
        entry: usize,
        depth: usize,
    ) {
        let report = |c: &mut Self, message: String, help: &str| {
            c.find(
                Some(path.to_owned()),
                Some(param_entry),
                format!("parameter `{path}`: {message}"),
                Some(param.line),
                member.place.clone(),
                help.to_owned(),
            );
        };
        let compatible = self.compatible(&param.ty, param.ty_from_example, member.ty);
        if !compatible {
            let stated =
                if param.ty_from_example { "its example passes" } else { "the source says" };
            report(
                self,
                format!("{stated} {}, the spec says {}", source_ty_name(&param.ty), member.ty),
                "change the spec's type, or explain the difference with a [[deviation]]",
            );
        }
        match (param.required, member.required) {
            (Required::Yes, false) => report(
                self,
                "required in the source, optional in the spec".to_owned(),
                "set `required = true`",
            ),
            (Required::No, true) => report(
                self,
                "optional in the source, required in the spec".to_owned(),
                "drop `required = true`",
            ),
            (Required::Conditional, true) => report(
                self,
                "required only in some cases in the source, always in the spec".to_owned(),
                "drop `required = true`",
            ),
            _ => {}
        }
        if param.deprecated && !member.deprecated {
            report(
                self,
                "deprecated in the source but not in the spec".to_owned(),
                "add `deprecated = \"…\"`",
            );
        }
        for (message, help) in self.constraints(&param.constraints, member) {
            report(self, message, &help);
        }
        if let Some(default) = &param.default {
            let same = |spec: &str| spec.trim_matches(['"', '\'']).eq_ignore_ascii_case(default);
            match &member.default {
                Some(spec) if !same(spec) => report(
                    self,
                    format!("the source's default is {default}, the spec sends {spec}"),
                    "set `default` to the source's value, or explain the difference with a [[deviation]]",
                ),
                Some(_) => {}
                None if documents_default(member.doc, default) => {}
                None => report(
                    self,
                    format!(
                        "the source says it defaults to {default}; the spec neither sends that (`default`) nor says so in its doc"
                    ),
                    "say in the doc what the API uses when it is left out (or set `default` where sending it changes nothing)",
                ),
            }
        }
        if compatible && !param.fields.is_empty() && depth < 3 {
            if let Some(model) = model_of(member.ty).and_then(|m| self.spec.model(m)) {
                let place = self.index.models.get(&model.name).cloned();
                let fields: Vec<Member> =
                    model.fields.iter().map(|f| Member::of_field(f, place.clone())).collect();
                self.members(&param.fields, &fields, &format!("{path}."), entry, depth + 1);
            }
        }
    }

    fn compatible(&self, source: &SourceType, from_example: bool, spec: &Ty) -> bool {
        match (source, spec) {
            (SourceType::Unknown, _) => true,
            (SourceType::String | SourceType::Date, Ty::String | Ty::Enum(_)) => true,
            (SourceType::Date, Ty::Date) => true,
            (SourceType::String, Ty::Date) => from_example,
            (SourceType::Integer, Ty::Integer) => true,
            (SourceType::Integer, Ty::Number) => from_example,
            (SourceType::Number, Ty::Number) => true,
            (SourceType::Boolean, Ty::Boolean) => true,
            (SourceType::List(item), Ty::List(spec_item)) => {
                self.compatible(item, from_example, spec_item)
            }
            (SourceType::Object(_), Ty::Model(_) | Ty::Map(_) | Ty::Json) => true,
            (SourceType::StringOrList, Ty::Json) => true,
            (SourceType::StringOrList, Ty::List(item)) => {
                matches!(**item, Ty::String | Ty::Enum(_))
            }
            _ => false,
        }
    }

    /// The source's rules the spec does not state the same way: (message, help).
    fn constraints(&self, source: &Constraints, member: &Member) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let spec = member.constraints;
        let numeric = matches!(member.ty, Ty::Integer | Ty::Number);
        if !source.values.is_empty() && numeric {
            let allowed: Vec<String> = spec.int_values.iter().map(i64::to_string).collect();
            if allowed.is_empty() {
                out.push((
                    format!(
                        "the source allows only {}; the spec does not restrict the values",
                        source.values.join(", ")
                    ),
                    "add `values = [...]`".to_owned(),
                ));
            } else {
                let lacking: Vec<String> =
                    source.values.iter().filter(|v| !allowed.contains(v)).cloned().collect();
                let extra: Vec<String> =
                    allowed.iter().filter(|v| !source.values.contains(v)).cloned().collect();
                if !lacking.is_empty() {
                    out.push((
                        format!(
                            "the source allows {}, which the spec does not",
                            lacking.join(", ")
                        ),
                        "add the values to the spec".to_owned(),
                    ));
                }
                if !extra.is_empty() {
                    out.push((
                        format!(
                            "the spec allows {}, which the source does not list",
                            extra.join(", ")
                        ),
                        "remove them from the spec's values".to_owned(),
                    ));
                }
            }
        } else if !source.values.is_empty() {
            let allowed = self.allowed_values(member.ty, spec);
            if allowed.is_empty() {
                out.push((
                    format!(
                        "the source allows only {}; the spec does not restrict the values",
                        quote_all(&source.values)
                    ),
                    "add `values = [...]` or use an enum".to_owned(),
                ));
            } else {
                let lacking: Vec<String> =
                    source.values.iter().filter(|v| !allowed.contains(v)).cloned().collect();
                let extra: Vec<String> =
                    allowed.iter().filter(|v| !source.values.contains(v)).cloned().collect();
                if !lacking.is_empty() {
                    out.push((
                        format!(
                            "the source allows {}, which the spec does not",
                            quote_all(&lacking)
                        ),
                        "add the values to the spec".to_owned(),
                    ));
                }
                if !extra.is_empty() {
                    out.push((
                        format!(
                            "the spec allows {}, which the source does not list",
                            quote_all(&extra)
                        ),
                        "restrict the spec's values (on an enum: `values = [...]` on this member)"
                            .to_owned(),
                    ));
                }
            }
        }
        let bound = |b: Option<Bound>| b.map(number);
        let mut compare = |what: &str, key: &str, source: Option<f64>, spec: Option<f64>| {
            if let Some(s) = source {
                if spec != Some(s) {
                    let has = spec.map_or("nothing".to_owned(), |v| format!("{key} = {v}"));
                    let what = what.replace("{n}", &s.to_string());
                    let what = if s == 1.0 {
                        what.replace("1 items", "1 item").replace("1 characters", "1 character")
                    } else {
                        what
                    };
                    out.push((
                        format!("the source says {what}, the spec says {has}"),
                        format!("set `{key} = {s}`"),
                    ));
                }
            }
        };
        let count = |n: Option<usize>| n.map(|n| n as f64);
        compare("at least {n}", "min", bound(source.min), bound(spec.min));
        compare("at most {n}", "max", bound(source.max), bound(spec.max));
        compare(
            "a multiple of {n}",
            "multiple_of",
            source.multiple_of.map(|n| n as f64),
            spec.multiple_of.map(|n| n as f64),
        );
        compare(
            "at least {n} characters",
            "min_length",
            count(source.min_length),
            count(spec.min_length),
        );
        compare(
            "at most {n} characters",
            "max_length",
            count(source.max_length),
            count(spec.max_length),
        );
        compare("at least {n} items", "min_items", count(source.min_items), count(spec.min_items));
        compare("at most {n} items", "max_items", count(source.max_items), count(spec.max_items));
        for (what, key, source, spec) in [
            ("only the characters", "chars", &source.chars, &spec.chars),
            (
                "none of the characters",
                "forbidden_chars",
                &source.forbidden_chars,
                &spec.forbidden_chars,
            ),
        ] {
            if let Some(s) = source {
                if spec.as_ref().map(|c| char_set(c)) != Some(char_set(s)) {
                    let has =
                        spec.as_ref().map_or("nothing".to_owned(), |c| format!("{key} = \"{c}\""));
                    out.push((
                        format!("the source allows {what} \"{s}\", the spec says {has}"),
                        format!("set `{key}` to the source's characters"),
                    ));
                }
            }
        }
        out
    }

    /// The values a member accepts: its `values`, else all values of its enum.
    fn allowed_values(&self, ty: &Ty, constraints: &Constraints) -> Vec<String> {
        if !constraints.values.is_empty() {
            return constraints.values.clone();
        }
        match ty {
            Ty::Enum(name) => self
                .spec
                .enums
                .iter()
                .find(|e| e.name == *name)
                .map(|e| e.values.iter().map(|v| v.value.clone()).collect())
                .unwrap_or_default(),
            Ty::List(item) => self.allowed_values(item, constraints),
            _ => Vec::new(),
        }
    }
}

fn number(bound: Bound) -> f64 {
    match bound {
        Bound::Integer(n) => n as f64,
        Bound::Number(n) => n,
    }
}

/// Every parameter and field, depth first (for counting).
fn all_params(params: &[SourceParam]) -> Vec<&SourceParam> {
    params.iter().flat_map(|p| std::iter::once(p).chain(all_params(&p.fields))).collect()
}

fn wire_name(wire: &[String]) -> &str {
    let mut parts = wire.iter().rev();
    match parts.next().map(String::as_str) {
        Some("id" | "items") => parts.next().map_or("", String::as_str),
        Some(last) => last,
        None => "",
    }
}

fn model_of(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Model(name) => Some(name),
        Ty::List(item) | Ty::Map(item) => model_of(item),
        _ => None,
    }
}

fn quote_all(values: &[String]) -> String {
    values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

pub fn source_ty_name(ty: &SourceType) -> String {
    match ty {
        SourceType::Unknown => "an unstated type".to_owned(),
        SourceType::String => "a string".to_owned(),
        SourceType::Integer => "an integer".to_owned(),
        SourceType::Number => "a number".to_owned(),
        SourceType::Boolean => "a boolean".to_owned(),
        SourceType::Date => "a date".to_owned(),
        SourceType::List(item) => match &**item {
            SourceType::Unknown => "a list".to_owned(),
            SourceType::Object(Some(class)) => format!("a list of `{class}` objects"),
            SourceType::Object(None) => "a list of dictionaries".to_owned(),
            SourceType::List(_) => "a list of lists".to_owned(),
            SourceType::StringOrList => "a list".to_owned(),
            other => format!(
                "a list of {}s",
                source_ty_name(other).trim_start_matches("a ").trim_start_matches("an ")
            ),
        },
        SourceType::Object(Some(class)) => format!("a `{class}` object"),
        SourceType::Object(None) => "a dictionary".to_owned(),
        SourceType::StringOrList => "a string or a list".to_owned(),
    }
}

/// `string, required` for messages.
fn describe(param: &SourceParam) -> String {
    let required = match param.required {
        Required::Yes => ", required",
        Required::No => ", optional",
        Required::Conditional => ", required in some cases",
        Required::Unstated => "",
    };
    format!("{}{required}", source_ty_name(&param.ty))
}
