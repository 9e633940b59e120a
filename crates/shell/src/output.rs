//! Writing a result: pretty JSON, or XML the way Memset's ma-shell writes it.

use serde_json::Value;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON indented by two spaces (the default).
    #[default]
    Json,
    /// XML: the result under `<result>`, an element per key, an `<item>` per list element.
    Xml,
}

/// The result as text, without a final newline.
pub fn render(value: &Value, format: Format) -> String {
    match format {
        // Writing a `Value` to a string cannot fail.
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default(),
        Format::Xml => {
            let mut out = String::new();
            element(&mut out, "result", value, 0);
            out.trim().to_owned()
        }
    }
}

/// Escapes text for XML content (ma-shell did not: a `<` or `&` in a value broke its output).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A key as an element name: characters an XML name cannot hold become `_`.
fn tag(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' })
        .collect();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => escape(text),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn element(out: &mut String, key: &str, value: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    let name = tag(key);
    match value {
        Value::Object(map) => {
            out.push_str(&format!("{pad}<{name}>\n"));
            for (key, value) in map {
                element(out, key, value, depth + 1);
            }
            out.push_str(&format!("{pad}</{name}>\n"));
        }
        Value::Array(items) => {
            out.push_str(&format!("{pad}<{name}>\n"));
            for item in items {
                element(out, "item", item, depth + 1);
            }
            out.push_str(&format!("{pad}</{name}>\n"));
        }
        other => out.push_str(&format!("{pad}<{name}>{}</{name}>\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_indented_by_two() {
        assert_eq!(render(&json!({"a": [1]}), Format::Json), "{\n  \"a\": [\n    1\n  ]\n}");
    }

    #[test]
    fn xml_nests_keys_and_items_and_escapes() {
        let value = json!({"name": "a<b&c", "zones": ["z1", {"id": 2}], "none": null});
        assert_eq!(
            render(&value, Format::Xml),
            "<result>\n  <name>a&lt;b&amp;c</name>\n  <none></none>\n  <zones>\n    <item>z1</item>\n    \
             <item>\n      <id>2</id>\n    </item>\n  </zones>\n</result>"
        );
        assert_eq!(render(&json!(true), Format::Xml), "<result>true</result>");
        assert_eq!(
            render(&json!({"1 x": 1}), Format::Xml),
            "<result>\n  <_1_x>1</_1_x>\n</result>"
        );
    }
}
