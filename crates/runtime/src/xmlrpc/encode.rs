//! JSON values to an XML-RPC `methodCall`.
//!
//! The layout is that of Python's `xmlrpc.client.dumps`, byte for byte (a line break after
//! most tags, none after `<nil/>`'s value), so that the standard library's encoder can serve
//! as an oracle in the tests; whitespace between elements means nothing to a server.

use serde_json::{Map, Number, Value};

use crate::catalog::{OperationInfo, Type};
use crate::date::Date;
use crate::InvalidArgument;

/// The XML-RPC `methodCall` of `method` with the named parameters `params`, as Memset takes
/// them: one `struct` argument holding every parameter, or no argument at all when there are
/// none (as the documentation's Python example calls `service.list()`).
///
/// Parameters the catalog entry `info` types as dates (`Type::Date`, e.g. `invoice.list`'s
/// `date_gte`) go out as `dateTime.iso8601` (`20190101T00:00:00`, a day's midnight when the
/// text has no time); every other value by its JSON type: string → `string`, whole number →
/// `int`, other number → `double`, boolean → `boolean`, null → `nil`, array → `array`,
/// object → `struct`.
///
/// # Errors
///
/// An [`InvalidArgument`] naming the parameter when a value cannot be carried by XML-RPC: a
/// whole number outside the 32-bit range of `int`, or text with a control character XML 1.0
/// does not allow (only tab, line feed and carriage return are).
pub fn method_call(
    method: &str,
    params: &Map<String, Value>,
    info: Option<&OperationInfo>,
) -> Result<String, InvalidArgument> {
    let mut out = String::with_capacity(128 + params.len() * 64);
    out.push_str("<?xml version='1.0'?>\n<methodCall>\n<methodName>");
    escape_into(&mut out, method).map_err(|rule| InvalidArgument::new(method, "method", rule))?;
    out.push_str("</methodName>\n<params>\n");
    if !params.is_empty() {
        out.push_str("<param>\n<value><struct>\n");
        for (name, value) in params {
            let invalid = |rule: String| InvalidArgument::new(method, name.as_str(), rule);
            out.push_str("<member>\n<name>");
            escape_into(&mut out, name).map_err(invalid)?;
            out.push_str("</name>\n");
            let ty = info.and_then(|info| info.params.iter().find(|p| p.wire == name.as_str()));
            let date = ty.is_some_and(|p| is_date(&p.ty));
            value_into(&mut out, value, date, 0).map_err(invalid)?;
            out.push_str("</member>\n");
        }
        out.push_str("</struct></value>\n</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    Ok(out)
}

/// Whether a parameter of type `ty` holds dates (a date, or a list of them).
fn is_date(ty: &Type) -> bool {
    match ty {
        Type::Date => true,
        Type::List(item) => is_date(item),
        _ => false,
    }
}

/// The deepest nesting of arrays and objects encoded; deeper values are refused (the decoder
/// has the same bound, [`MAX_DEPTH`](super::MAX_DEPTH)).
const MAX_DEPTH: usize = super::MAX_DEPTH;

/// Appends `<value>…</value>` for `value`; `date`: a string that reads as a date becomes a
/// `dateTime.iso8601`.
fn value_into(out: &mut String, value: &Value, date: bool, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("nests arrays and objects more than {MAX_DEPTH} deep"));
    }
    match value {
        Value::Null => out.push_str("<value><nil/></value>"),
        Value::Bool(flag) => {
            out.push_str(if *flag {
                "<value><boolean>1</boolean></value>\n"
            } else {
                "<value><boolean>0</boolean></value>\n"
            });
        }
        Value::Number(number) => number_into(out, number)?,
        Value::String(text) => match date.then(|| date_time(text)).flatten() {
            Some(stamp) => {
                out.push_str("<value><dateTime.iso8601>");
                out.push_str(&stamp);
                out.push_str("</dateTime.iso8601></value>\n");
            }
            None => {
                out.push_str("<value><string>");
                escape_into(out, text)?;
                out.push_str("</string></value>\n");
            }
        },
        Value::Array(items) => {
            out.push_str("<value><array><data>\n");
            for item in items {
                value_into(out, item, date, depth + 1)?;
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Object(members) => {
            out.push_str("<value><struct>\n");
            for (name, member) in members {
                out.push_str("<member>\n<name>");
                escape_into(out, name)?;
                out.push_str("</name>\n");
                value_into(out, member, false, depth + 1)?;
                out.push_str("</member>\n");
            }
            out.push_str("</struct></value>\n");
        }
    }
    Ok(())
}

/// `int` for whole numbers within 32 bits, `double` for the others.
fn number_into(out: &mut String, number: &Number) -> Result<(), String> {
    if let Some(whole) = number.as_i64() {
        let Ok(whole) = i32::try_from(whole) else {
            return Err(format!(
                "{whole} is outside the 32-bit range of XML-RPC's int (-2147483648 to \
                 2147483647); send it with the JSON protocol"
            ));
        };
        out.push_str("<value><int>");
        out.push_str(&whole.to_string());
        out.push_str("</int></value>\n");
        return Ok(());
    }
    if number.is_u64() {
        return Err(format!(
            "{number} is outside the 32-bit range of XML-RPC's int (-2147483648 to \
             2147483647); send it with the JSON protocol"
        ));
    }
    // JSON numbers are finite; Display writes no exponent, as XML-RPC's double requires
    let float = number.as_f64().unwrap_or_default();
    let mut text = float.to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    out.push_str("<value><double>");
    out.push_str(&text);
    out.push_str("</double></value>\n");
    Ok(())
}

/// `YYYYMMDDTHH:MM:SS` for text that reads as a day (with or without a time); `None` for
/// anything else (a month, or text that is not a date), which goes out as a string.
fn date_time(text: &str) -> Option<String> {
    let date = Date::parse(text)?;
    let day = date.day()?;
    let (hour, minute, second) = date.time().unwrap_or((0, 0, 0));
    let year = date.year();
    let month = date.month();
    // a zone or fraction is not part of dateTime.iso8601 as Memset documents it
    let plain = text.len() <= 19;
    plain.then(|| format!("{year:04}{month:02}{day:02}T{hour:02}:{minute:02}:{second:02}"))
}

/// Appends `text` with `&`, `<` and `>` escaped (as Python does) and carriage returns as
/// `&#13;` (which a parser would otherwise turn into line feeds).
///
/// # Errors
///
/// The rule broken when `text` holds a character XML 1.0 does not allow.
fn escape_into(out: &mut String, text: &str) -> Result<(), String> {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < '\u{20}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                return Err(format!(
                    "holds the character U+{:04X}, which XML 1.0 cannot carry; send it with \
                     the JSON protocol",
                    u32::from(c)
                ));
            }
            c => out.push(c),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(params: Value) -> String {
        let Value::Object(params) = params else { panic!("an object") };
        method_call("m", &params, None).expect("encodable")
    }

    #[test]
    fn scalars() {
        let text = call(json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "x<&>y", "f": 3.0}));
        assert!(text.contains("<value><int>1</int></value>\n"), "{text}");
        assert!(text.contains("<value><double>-2.5</double></value>\n"), "{text}");
        assert!(text.contains("<value><double>3.0</double></value>\n"), "{text}");
        assert!(text.contains("<value><boolean>1</boolean></value>\n"), "{text}");
        assert!(text.contains("<value><nil/></value></member>"), "{text}");
        assert!(text.contains("<value><string>x&lt;&amp;&gt;y</string></value>\n"), "{text}");
    }

    #[test]
    fn no_params_no_struct() {
        let text = method_call("service.list", &Map::new(), None).expect("encodable");
        assert_eq!(
            text,
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>service.list</methodName>\n\
             <params>\n</params>\n</methodCall>\n"
        );
    }

    #[test]
    fn refuses_what_xml_rpc_cannot_carry() {
        let Value::Object(params) = json!({"big": 4_294_967_296_i64}) else { unreachable!() };
        let error = method_call("m", &params, None).expect_err("too big");
        assert_eq!(error.field, "big");
        assert!(error.rule.contains("32-bit"), "{}", error.rule);
        let Value::Object(params) = json!({"u": u64::MAX}) else { unreachable!() };
        assert!(method_call("m", &params, None).is_err());
        let Value::Object(params) = json!({"t": "a\u{1}b"}) else { unreachable!() };
        let error = method_call("m", &params, None).expect_err("a control character");
        assert!(error.rule.contains("U+0001"), "{}", error.rule);
        let mut deep = json!(1);
        for _ in 0..=MAX_DEPTH + 1 {
            deep = json!([deep]);
        }
        let Value::Object(params) = json!({ "deep": deep }) else { unreachable!() };
        assert!(method_call("m", &params, None).is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(date_time("2019-01-01").as_deref(), Some("20190101T00:00:00"));
        assert_eq!(date_time("2018-05-17 22:04:47").as_deref(), Some("20180517T22:04:47"));
        assert_eq!(date_time("20110917T10:00:00").as_deref(), Some("20110917T10:00:00"));
        assert_eq!(date_time("2018-05"), None);
        assert_eq!(date_time("soon"), None);
        assert_eq!(date_time("2015-05-19T00:05:00.123Z"), None);
    }
}
