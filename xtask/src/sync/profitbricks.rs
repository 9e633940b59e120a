//! The ProfitBricks Python SDK README (markdown).
//!
//! Every `#### Title` under `## Operations` is one operation. Its name is the client method its
//! example calls; its arguments are the example's arguments, merged with the rows of the
//! argument table (`| NAME | TYPE | DESCRIPTION | REQUIRED |`), which give the type, whether the
//! argument is required (`Yes`, `No`, empty = no, `Yes*` = one of several) and the description
//! the constraints are read from. When the example passes an object (`server=i` with
//! `i = Server(…)`), the table rows that are not arguments of the call are the object's fields
//! (the rows before the first field the constructor shows are arguments of the call).
//! A value table after the argument table ("The following table outlines the locations …")
//! gives the allowed values of the argument its introduction names; a note "The value for
//! `name` cannot contain the following characters: (…)" gives forbidden characters.

use codegen::ir::Constraints;

use super::python;
use super::text::{self, snake, squash};
use super::{Parsed, Required, SourceOperation, SourceParam, SourceType};

pub fn recognizes(text: &str) -> bool {
    text.contains("ProfitBricks") && text.contains("client.list_datacenters()")
}

/// A markdown table with the line of its header and the text line before it.
struct Table {
    intro: String,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// One `#### ` section: its title, line and body lines (1-based line numbers).
struct Section {
    title: String,
    line: usize,
    body: Vec<(usize, String)>,
}

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for section in sections(text) {
        match operation(&section) {
            Ok(op) => parsed.operations.push(op),
            Err(problem) => parsed.problems.push((section.line, problem)),
        }
    }
    if parsed.operations.is_empty() {
        parsed.problems.push((1, "no operation found under `## Operations`".to_owned()));
    }
    parsed
}

fn sections(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_operations = false;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.starts_with("## ") {
            in_operations = line.trim() == "## Operations";
            continue;
        }
        if !in_operations {
            continue;
        }
        if let Some(title) = line.strip_prefix("#### ") {
            sections.push(Section {
                title: title.trim().to_owned(),
                line: number,
                body: Vec::new(),
            });
        } else if line.starts_with("### ") {
            // A resource group: ends the current operation.
            sections.push(Section { title: String::new(), line: number, body: Vec::new() });
        } else if let Some(section) = sections.last_mut() {
            section.body.push((number, line.to_owned()));
        }
    }
    sections.retain(|s| !s.title.is_empty());
    sections
}

fn operation(section: &Section) -> Result<SourceOperation, String> {
    let mut tables: Vec<Table> = Vec::new();
    let mut code_blocks: Vec<(usize, String)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut last_text = String::new();
    let mut in_code: Option<(usize, String)> = None;
    let mut in_table = false;
    for (number, line) in &section.body {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            match in_code.take() {
                Some(block) => code_blocks.push(block),
                None => in_code = Some((*number + 1, String::new())),
            }
            in_table = false;
            continue;
        }
        if let Some((_, code)) = &mut in_code {
            code.push_str(line);
            code.push('\n');
            continue;
        }
        if trimmed.starts_with('|') {
            let cells = cells(trimmed);
            if !in_table {
                tables.push(Table { intro: last_text.clone(), header: cells, rows: Vec::new() });
                in_table = true;
            } else if !cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':' || ch.is_whitespace()))
            {
                if let Some(table) = tables.last_mut() {
                    table.rows.push((*number, cells));
                }
            }
            continue;
        }
        in_table = false;
        if !trimmed.is_empty() {
            last_text = trimmed.to_owned();
            if trimmed.starts_with("- ") {
                notes.push(trimmed.to_owned());
            }
        }
    }
    let Some((code_line, call, snippet)) = code_blocks.iter().find_map(|(line, code)| {
        let snippet = python::read(code);
        snippet.calls.first().cloned().map(|call| (*line, call, snippet))
    }) else {
        return Err(format!("section '{}' has no example calling the client", section.title));
    };

    let mut params = python::example_params(&snippet, &call, code_line);
    let arguments = tables.iter().position(|t| {
        t.header.iter().any(|h| h.eq_ignore_ascii_case("name"))
            && t.header.iter().any(|h| h.eq_ignore_ascii_case("type"))
    });
    if let Some(table) = arguments.map(|i| &tables[i]) {
        let column =
            |name: &str| table.header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let (name_at, type_at, desc_at, req_at) =
            (column("name"), column("type"), column("description"), column("required"));
        // Positional arguments take the names of the table's rows, in order.
        for (i, param) in params.iter_mut().enumerate() {
            if param.name.is_empty() {
                if let Some((_, row)) = table.rows.get(i) {
                    param.name = snake(cell(row, name_at));
                }
            }
        }
        let object = {
            let objects: Vec<usize> = params
                .iter()
                .enumerate()
                .filter(|(_, p)| matches!(p.ty, SourceType::Object(_)))
                .map(|(i, _)| i)
                .collect();
            (objects.len() == 1).then(|| objects[0])
        };
        // The table lists the call's own arguments first, then the object's fields: rows before
        // the first one the object's constructor shows are arguments even when the example
        // misspells them (`loadbalancer_id=` for `server_id`).
        let first_field = object.and_then(|o| {
            let fields: Vec<String> = params[o].fields.iter().map(|f| squash(&f.name)).collect();
            table.rows.iter().position(|(_, row)| fields.contains(&squash(cell(row, name_at))))
        });
        for (r, (line, row)) in table.rows.iter().enumerate() {
            let name = snake(cell(row, name_at));
            if name.is_empty() {
                continue;
            }
            let object = object.filter(|_| first_field.is_none_or(|f| r >= f));
            let desc = cell(row, desc_at);
            let documented = SourceParam {
                name: name.clone(),
                ty: table_type(cell(row, type_at)),
                ty_from_example: false,
                required: match cell(row, req_at).trim() {
                    "Yes" => Required::Yes,
                    "Yes*" => Required::Conditional,
                    "" | "No" | "No*" => Required::No,
                    _ => Required::Unstated,
                },
                constraints: constraints(desc),
                default: text::prose_default(desc),
                line: *line,
                ..SourceParam::default()
            };
            let target =
                match (params.iter().position(|p| squash(&p.name) == squash(&name)), object) {
                    (Some(i), _) => &mut params[i],
                    (None, Some(o)) => match params[o]
                        .fields
                        .iter()
                        .position(|f| squash(&f.name) == squash(&name))
                    {
                        Some(f) => &mut params[o].fields[f],
                        None => {
                            params[o].fields.push(SourceParam { name, ..SourceParam::default() });
                            params[o].fields.last_mut().expect("just pushed")
                        }
                    },
                    (None, None) => {
                        params.push(SourceParam { name, ..SourceParam::default() });
                        params.last_mut().expect("just pushed")
                    }
                };
            merge(target, documented);
        }
    }
    // Value tables: "The following table outlines the locations currently supported:".
    for (_, table) in tables.iter().enumerate().filter(|(i, _)| Some(*i) != arguments) {
        let values: Vec<String> = table
            .rows
            .iter()
            .map(|(_, row)| cell(row, Some(0)).to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        let intro = table.intro.to_lowercase();
        if let Some(param) = find_mut(&mut params, &|p: &SourceParam| {
            text::words(&p.name).iter().all(|w| intro.contains(w.as_str()))
        }) {
            param.constraints.values = values;
        }
    }
    // "The value for `name` cannot contain the following characters: (@, /, , |, ‘’, ‘)."
    for note in &notes {
        let note = text::plain(note);
        let Some(rest) = note.split_once("The value for `").map(|(_, r)| r) else { continue };
        let Some((name, rest)) = rest.split_once('`') else { continue };
        let Some((_, list)) = rest.split_once("cannot contain the following characters: (") else {
            continue;
        };
        let list = list.rsplit_once(')').map_or(list, |(l, _)| l);
        let forbidden: String = list
            .split(", ")
            .map(|item| if item == "''" { "\"" } else { item })
            .collect::<Vec<_>>()
            .concat();
        let name = snake(name);
        if let Some(param) =
            find_mut(&mut params, &|p: &SourceParam| squash(&p.name) == squash(&name))
        {
            param.constraints.forbidden_chars = Some(forbidden);
        }
    }
    Ok(SourceOperation {
        name: call.method,
        section: section.title.clone(),
        line: section.line,
        deprecated: false,
        params,
        returns: None,
    })
}

/// The first parameter or object field (depth first) that `pick` accepts.
fn find_mut<'a>(
    params: &'a mut [SourceParam],
    pick: &dyn Fn(&SourceParam) -> bool,
) -> Option<&'a mut SourceParam> {
    for param in params.iter_mut() {
        if pick(param) {
            return Some(param);
        }
        if let Some(found) = find_mut(&mut param.fields, pick) {
            return Some(found);
        }
    }
    None
}

/// Puts what a table row documents over what the example showed.
fn merge(target: &mut SourceParam, row: SourceParam) {
    if row.ty != SourceType::Unknown {
        // A documented object keeps its class when the table says "collection".
        let keeps_object =
            matches!(target.ty, SourceType::Object(_)) && matches!(row.ty, SourceType::List(_));
        if !keeps_object {
            target.ty = row.ty;
            target.ty_from_example = false;
        }
    }
    target.required = row.required;
    target.constraints = row.constraints;
    target.default = row.default;
    target.line = row.line;
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

fn cell(row: &[String], at: Option<usize>) -> &str {
    at.and_then(|i| row.get(i)).map_or("", |c| c.trim())
}

fn table_type(ty: &str) -> SourceType {
    match ty.trim().to_lowercase().as_str() {
        "string" => SourceType::String,
        "int" | "integer" => SourceType::Integer,
        "bool" | "boolean" => SourceType::Boolean,
        "collection" => SourceType::List(Box::new(SourceType::Unknown)),
        "string collection" => SourceType::List(Box::new(SourceType::String)),
        _ => SourceType::Unknown,
    }
}

/// The rules of an argument's description: ranges, multiples, lengths, allowed characters, and
/// allowed values written as a list of upper-case words (`Options: LINUX, WINDOWS, UNKNOWN`,
/// `(VIRTIO or IDE)`, `"AMD_OPTERON" or "INTEL_XEON"`) or of locations (`us/las, de/fra`).
fn constraints(desc: &str) -> Constraints {
    let mut c = text::prose_constraints(desc);
    c.values = value_list(desc);
    c
}

fn value_list(desc: &str) -> Vec<String> {
    let desc = text::plain(desc);
    let tokens: Vec<&str> = desc.split_whitespace().collect();
    let is_value = |token: &str| {
        let t = token.trim_matches(|c: char| "\"(),.:".contains(c));
        let upper = t.len() >= 2
            && t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && t.chars().any(|c| c.is_ascii_uppercase());
        let location = t.len() == 6
            && t.as_bytes()[2] == b'/'
            && t.chars().filter(|c| *c != '/').all(|c| c.is_ascii_lowercase());
        (upper || location).then(|| t.to_owned())
    };
    // Runs of values joined by "," / "or" / ", or", preceded by ':' '(' ',' '.' (or the start)
    // and ending the sentence or the parenthesis.
    let mut i = 0;
    while i < tokens.len() {
        let Some(first) = is_value(tokens[i]) else {
            i += 1;
            continue;
        };
        let preceded =
            i == 0 || tokens[i].starts_with(['(', '"']) || tokens[i - 1].ends_with([':', ',', '.']);
        let mut run = vec![first];
        let mut j = i;
        loop {
            let separated = tokens[j].ends_with(',') || tokens.get(j + 1) == Some(&"or");
            let next = if tokens.get(j + 1) == Some(&"or") { j + 2 } else { j + 1 };
            match (separated, tokens.get(next).and_then(|t| is_value(t))) {
                (true, Some(value)) => {
                    run.push(value);
                    j = next;
                }
                _ => break,
            }
        }
        let last = tokens[j];
        let ends = j + 1 == tokens.len()
            || last.ends_with(['.', ')'])
            || last.ends_with(").")
            || last.ends_with("\".");
        if preceded && ends && run.len() >= 2 {
            return text::dedup(run);
        }
        i = j + 1;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use codegen::ir::Bound;

    const EXCERPT: &str = r#"
## Operations

### Servers

#### Create a Server

The following table describes the request arguments:

| NAME| TYPE | DESCRIPTION | REQUIRED |
|---|---|---|---|
| datacenter_id | string | 	The unique ID of the data center. | Yes |
| name | string | The hostname of the server. | Yes |
| ram | int | The amount of memory for the server in MB, e.g. 2048. Size must be specified in multiples of 256 MB with a minimum of 256 MB; however, if you set ramHotPlug to TRUE then you must use a minimum of 1024 MB. | Yes |
| availabilityZone | string |The availability zone in which the server should exist. | No |
| attach_volumes | collection | A collection of volume IDs that you want to connect to the server. | No |
| cpu_family | string | Sets the CPU type. "AMD_OPTERON" or "INTEL_XEON". Defaults to "AMD_OPTERON". | No |

The following table outlines the availability zones currently supported:

| LICENCE TYPE | COMMENT |
|---|---|
| AUTO | Automatically Selected Zone |
| ZONE_1 | Fire Zone 1 |

```
i = Server(
    name='name',
    cores=1,
    )
server = client.create_server(
            datacenter_id='datacenter_id',
            server=i)
```

---

#### Get a Location

| NAME | TYPE | DESCRIPTION | REQUIRED |
| --- | --- | --- | --- |
| location_id | string | The resource's unique identifier consisting of country/city. | Yes|

```
self.client.get_location('us/las')
```

#### Create a Data Center

| NAME| TYPE | DESCRIPTION | REQUIRED |
|---|---|---|---|
| name | string | The name of the data center. | Yes |
| description | string | A description. | No|

```
i = Datacenter(name='name')
response = client.create_datacenter(datacenter=i)
```

*NOTES*:
- The value for `name` cannot contain the following characters: (@, /, , |, ‘’, ‘).

## Examples
"#;

    #[test]
    fn reads_tables_examples_and_notes() {
        let parsed = parse(EXCERPT);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let [create, location, datacenter] = &parsed.operations[..] else {
            panic!("{:?}", parsed.operations)
        };
        assert_eq!(
            (create.name.as_str(), create.section.as_str()),
            ("create_server", "Create a Server")
        );
        let names: Vec<_> = create.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["datacenter_id", "server"]);
        let server = &create.params[1];
        assert_eq!(server.ty, SourceType::Object(Some("Server".into())));
        let field = |n: &str| {
            server.fields.iter().find(|f| f.name == n).unwrap_or_else(|| panic!("no field {n}"))
        };
        assert_eq!(field("cores").ty, SourceType::Integer);
        assert_eq!(field("cores").required, Required::Unstated);
        let ram = field("ram");
        assert_eq!(
            (ram.required, ram.constraints.multiple_of, ram.constraints.min),
            (Required::Yes, Some(256), Some(Bound::Integer(256)))
        );
        assert_eq!(field("availability_zone").constraints.values, ["AUTO", "ZONE_1"]);
        assert_eq!(field("attach_volumes").ty, SourceType::List(Box::new(SourceType::Unknown)));
        assert_eq!(field("cpu_family").constraints.values, ["AMD_OPTERON", "INTEL_XEON"]);
        assert_eq!(field("cpu_family").default.as_deref(), Some("AMD_OPTERON"));
        assert_eq!(field("ram").default, None);
        assert_eq!(location.name, "get_location");
        assert_eq!(location.params[0].name, "location_id");
        assert_eq!(location.params[0].required, Required::Yes);
        let name = &datacenter.params[0].fields[0];
        assert_eq!(name.constraints.forbidden_chars.as_deref(), Some("@/|\"'"));
    }

    #[test]
    fn value_lists() {
        assert_eq!(
            value_list("The licence type of the volume. Options: LINUX, WINDOWS, UNKNOWN, OTHER"),
            ["LINUX", "WINDOWS", "UNKNOWN", "OTHER"]
        );
        assert_eq!(
            value_list("The bus type of the volume (VIRTIO or IDE). Default: VIRTIO."),
            ["VIRTIO", "IDE"]
        );
        assert_eq!(
            value_list(
                "Valid values: AUTO, ZONE_1, ZONE_2, or ZONE_3. This only applies to HDD volumes."
            ),
            ["AUTO", "ZONE_1", "ZONE_2", "ZONE_3"]
        );
        assert_eq!(
            value_list("This must be one of the locations: us/las, de/fra, de/fkb."),
            ["us/las", "de/fra", "de/fkb"]
        );
        assert!(value_list("Defines the allowed port if protocol TCP or UDP is chosen.").is_empty());
        assert!(value_list("Set to FALSE if you wish to disable DHCP on the NIC. Default: TRUE.")
            .is_empty());
    }
}
