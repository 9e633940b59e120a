//! The 1&1 Python SDK reference (markdown).
//!
//! Every `**Title:**` line starts one operation; the group headings (`# Servers`) and the
//! introduction before the first title are not operations. The name and arguments come from the
//! example's client call, inline (`` `x = client.get_server(server_id='')` ``) or in a code
//! block; objects built for the call (`server=server1` with `server1 = Server(…)`, `hdds=hdds`
//! with `hdds = [Hdd(…)]`) bring their fields. The source states types, requirements and rules
//! only in its notes, which are read here:
//!
//! * `` `x` can be set to `A`, `B` `` (also "can only be set to", "can only be changed to"):
//!   allowed values;
//! * `` can range from `5` to `300` ``, `` must be an integer between `1` and `50` ``,
//!   `` must be a multiple of `20` ``: limits (`` A Hdd's `size` … `` names a field);
//! * `` must receive a list with at least one `Hdd` object `` / `… one IP string`: a list of at
//!   least one item; `` must receive a `Server` object ``: an object;
//! * "is an optional parameter", "is not a required parameter", "is the only required
//!   parameter", "is required if": whether it is required;
//! * `` Set `keep_ips` to `True` `` and "the `start_date` and `end_date` parameters are
//!   required" name arguments the example does not show.

use codegen::ir::Bound;

use super::python;
use super::text::{snake, squash};
use super::{Parsed, Required, SourceOperation, SourceParam, SourceType};

pub fn recognizes(text: &str) -> bool {
    text.contains("OneAndOneService") && text.contains("client.list_servers()")
}

/// An operation being read: its title, line and body lines.
type Pending = (String, usize, Vec<(usize, String)>);

pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut current: Option<Pending> = None;
    let finish = |current: &mut Option<Pending>, parsed: &mut Parsed| {
        if let Some((title, line, body)) = current.take() {
            match operation(&title, line, &body) {
                Ok(op) => parsed.operations.push(op),
                Err(problem) => parsed.problems.push((line, problem)),
            }
        }
    };
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(title) = trimmed.strip_prefix("**").and_then(|t| t.strip_suffix(":**")) {
            finish(&mut current, &mut parsed);
            current = Some((title.trim().to_owned(), i + 1, Vec::new()));
        } else if trimmed.starts_with("# ") {
            finish(&mut current, &mut parsed);
        } else if let Some((_, _, body)) = &mut current {
            body.push((i + 1, line.to_owned()));
        }
    }
    finish(&mut current, &mut parsed);
    if parsed.operations.is_empty() {
        parsed
            .problems
            .push((1, "no operation (a `**Title:**` line with an example) found".to_owned()));
    }
    parsed
}

fn operation(
    title: &str,
    line: usize,
    body: &[(usize, String)],
) -> Result<SourceOperation, String> {
    // Notes: "*Note:* …", continued on the following lines up to a blank line.
    let mut notes: Vec<String> = Vec::new();
    let mut code: Vec<(usize, String)> = Vec::new();
    let mut in_code: Option<(usize, String)> = None;
    let mut in_note = false;
    for (number, text) in body {
        let trimmed = text.trim();
        if trimmed.starts_with("```") {
            match in_code.take() {
                Some(block) => code.push(block),
                None => in_code = Some((number + 1, String::new())),
            }
            in_note = false;
            continue;
        }
        if let Some((_, block)) = &mut in_code {
            block.push_str(text);
            block.push('\n');
            continue;
        }
        if let Some(note) = trimmed.strip_prefix("*Note:*") {
            notes.push(note.trim().to_owned());
            in_note = true;
        } else if trimmed.is_empty() {
            in_note = false;
        } else if in_note {
            if let Some(last) = notes.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else if trimmed.starts_with('`') && trimmed.contains("client.") {
            code.push((*number, trimmed.trim_matches('`').to_owned()));
        }
    }
    let Some((code_line, call, snippet)) = code.iter().find_map(|(line, code)| {
        let snippet = python::read(code);
        snippet.calls.first().cloned().map(|call| (*line, call, snippet))
    }) else {
        return Err(format!("'{title}' has no example calling the client"));
    };
    let mut params = python::example_params(&snippet, &call, code_line);
    for note in &notes {
        apply_note(note, &mut params, code_line);
    }
    Ok(SourceOperation {
        name: call.method,
        section: title.to_owned(),
        line,
        deprecated: false,
        params,
        returns: None,
    })
}

/// The backticked spans of a note, without quotes: `` `'ONCE', 'DAILY'` `` gives two.
fn ticked(note: &str) -> Vec<String> {
    note.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split(','))
        .map(|s| s.trim().trim_matches(['\'', '"']).to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn apply_note(note: &str, params: &mut Vec<SourceParam>, line: usize) {
    let spans = ticked(note);
    let Some(subject) = spans.first().cloned() else { return };
    // "A Hdd's `size` …": a field of the objects of that class.
    let class = note
        .strip_prefix("A ")
        .and_then(|rest| rest.split_once("'s `"))
        .map(|(class, _)| class.to_owned());

    if let Some(rest) =
        note.split_once("the `").map(|(_, r)| r).filter(|r| r.contains("parameters are required"))
    {
        // "If `period` is set to `'CUSTOM'`, the `start_date` and `end_date` parameters are required."
        let names = rest.split("parameters are required").next().unwrap_or_default();
        for name in ticked(&format!("`{names}")) {
            let param = param_or_new(params, &name, line);
            param.required = Required::Conditional;
        }
        return;
    }
    if note.starts_with("Set `") {
        // "Set `keep_ips` to `True` to keep … (`False` by default)"
        let param = param_or_new(params, &subject, line);
        param.ty = SourceType::Boolean;
        param.ty_from_example = true;
        param.required = Required::No;
        // "(`False` by default)"
        param.default = note
            .split_once(" by default")
            .and_then(|(before, _)| before.rsplit('`').nth(1))
            .map(str::to_owned);
        return;
    }
    let only_required = note.contains("is the only required parameter");
    let Some(param) = find_mut(params, &subject, class.as_deref()) else { return };
    let after = |phrase: &str| note.split_once(phrase).map(|(_, rest)| rest.to_owned());
    if let Some(rest) = after("can be set to")
        .or_else(|| after("can only be set to"))
        .or_else(|| after("can only be changed to"))
    {
        param.constraints.values = ticked(&rest);
    }
    if let Some(rest) = after("can range from ").or_else(|| after("must be an integer between ")) {
        let numbers: Vec<i64> = ticked(&rest).iter().filter_map(|s| s.parse().ok()).collect();
        if let [low, high, ..] = numbers[..] {
            param.constraints.min = Some(Bound::Integer(low));
            param.constraints.max = Some(Bound::Integer(high));
        }
        if note.contains("must be an integer") {
            param.ty = SourceType::Integer;
            param.ty_from_example = false;
        }
    }
    if let Some(rest) = after("must be a multiple of ") {
        param.constraints.multiple_of = ticked(&rest).first().and_then(|n| n.parse().ok());
    }
    if let Some(rest) = after("must receive a list with at least one ") {
        param.constraints.min_items = Some(1);
        param.ty = SourceType::List(Box::new(item_type(&rest)));
    } else if let Some(rest) = after("must receive a list with the following ") {
        param.ty = SourceType::List(Box::new(item_type(&rest)));
    } else if let Some(rest) = after("must receive a ") {
        param.ty = item_type(&rest);
    }
    if note.contains("is an optional parameter") || note.contains("is not a required parameter") {
        param.required = Required::No;
    }
    if note.contains("is required if") {
        param.required = Required::Conditional;
    }
    if only_required {
        param.required = Required::Yes;
        let name = param.name.clone();
        for owner in params.iter_mut() {
            if owner.fields.iter().any(|f| f.name == name) {
                for field in &mut owner.fields {
                    if field.name != name {
                        field.required = Required::No;
                    }
                }
            }
        }
    }
}

/// "`Hdd` object", "IP string" → the item type.
fn item_type(rest: &str) -> SourceType {
    if rest.trim_start().starts_with('`') {
        SourceType::Object(ticked(rest).first().cloned())
    } else if rest.contains("string") {
        SourceType::String
    } else {
        SourceType::Unknown
    }
}

/// The argument named `name`, or else a field of an object argument (of `class`, if given).
fn find_mut<'a>(
    params: &'a mut [SourceParam],
    name: &str,
    class: Option<&str>,
) -> Option<&'a mut SourceParam> {
    let key = squash(name);
    if class.is_none() {
        if let Some(i) = params.iter().position(|p| squash(&p.name) == key) {
            return Some(&mut params[i]);
        }
    }
    params
        .iter_mut()
        .filter(|p| class.is_none_or(|c| object_class(&p.ty) == Some(c)))
        .flat_map(|p| p.fields.iter_mut())
        .find(|f| squash(&f.name) == key)
}

fn object_class(ty: &SourceType) -> Option<&str> {
    match ty {
        SourceType::Object(Some(class)) => Some(class),
        SourceType::List(item) => object_class(item),
        _ => None,
    }
}

fn param_or_new<'a>(
    params: &'a mut Vec<SourceParam>,
    name: &str,
    line: usize,
) -> &'a mut SourceParam {
    match params.iter().position(|p| squash(&p.name) == squash(name)) {
        Some(i) => &mut params[i],
        None => {
            params.push(SourceParam { name: snake(name), line, ..SourceParam::default() });
            params.last_mut().expect("just pushed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCERPT: &str = r#"
# <a name="servers"></a>Servers

**List all servers:**

`servers = client.list_servers()`

**Create a server:**

*Note:* `server` must receive a `Server` object

*Note:* `hdds` must receive a list with at least one `Hdd` object

*Note:* A Hdd's `size` must be a multiple of `20`
```
server1 = Server(name='Test Server',
                 vcore=1,
                 ram=2,
                 appliance_id=''
                 )

hdd1 = Hdd(size=120, is_main=True)
hdds = [hdd1]

new_server = client.create_server(server=server1, hdds=hdds)
```

**Delete a server:**

*Note:* Set `keep_ips` to `True` to keep server IPs after deleting a server. (`False` by default)

`response = client.delete_server(server_id='')`

# <a name="images"></a>Images

**Create an image:**

*Note:* `frequency` can be set to `'ONCE', 'DAILY'`, or `'WEEKLY'`

*Note:* `num_images` must be an integer between `1` and `50`
```
image1 = Image(server_id='', frequency='WEEKLY', num_images=1)
new_image = client.create_image(image=image1)
```

**Add new processes to a monitoring policy:**

`response = client.add_process=(monitoring_policy_id='', processes=processes)`

**Create a private network:**

*Note:* `name` is the only required parameter
```
pn1 = PrivateNetwork(name='Test Name', description='Test Description')
new_private_network = client.create_private_network(private_network=pn1)
```
"#;

    #[test]
    fn reads_examples_and_notes() {
        let parsed = parse(EXCERPT);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let names: Vec<_> = parsed.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "list_servers",
                "create_server",
                "delete_server",
                "create_image",
                "add_process",
                "create_private_network"
            ]
        );
        let create = &parsed.operations[1];
        assert_eq!(create.section, "Create a server");
        let hdds = &create.params[1];
        assert_eq!(hdds.ty, SourceType::List(Box::new(SourceType::Object(Some("Hdd".into())))));
        assert_eq!(hdds.constraints.min_items, Some(1));
        assert_eq!(hdds.fields[0].constraints.multiple_of, Some(20));
        assert_eq!(
            create.params[0].fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["name", "vcore", "ram", "appliance_id"]
        );
        let keep_ips = &parsed.operations[2].params[1];
        assert_eq!(
            (keep_ips.name.as_str(), &keep_ips.ty, keep_ips.required),
            ("keep_ips", &SourceType::Boolean, Required::No)
        );
        assert_eq!(keep_ips.default.as_deref(), Some("False"));
        let image = &parsed.operations[3].params[0];
        assert_eq!(image.fields[1].constraints.values, ["ONCE", "DAILY", "WEEKLY"]);
        assert_eq!(image.fields[2].constraints.max, Some(Bound::Integer(50)));
        let network = &parsed.operations[5].params[0];
        assert_eq!(
            network.fields.iter().map(|f| f.required).collect::<Vec<_>>(),
            [Required::Yes, Required::No]
        );
    }
}
