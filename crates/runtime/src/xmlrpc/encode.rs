//! JSON values to an XML-RPC `methodCall` (what a client sends) or `methodResponse` (what a
//! server, such as the simulator, answers), with one value encoding for both.
//!
//! The layout is that of Python's `xmlrpc.client.dumps`, byte for byte (a line break after
//! most tags, none after `<nil/>`'s value), so that the standard library's encoder can serve
//! as an oracle in the tests; whitespace between elements means nothing to a server.

use serde_json::{Map, Number, Value};

use crate::catalog::{Catalog, ModelInfo, OperationInfo, Type};
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
            let param = info.and_then(|info| info.params.iter().find(|p| p.wire == name.as_str()));
            let shape = param.map_or(Shape::Plain, |p| Shape::Type(&p.ty));
            // no catalog here: members of model parameters go by their JSON types
            value_into(&mut out, value, shape, None, 0).map_err(invalid)?;
            out.push_str("</member>\n");
        }
        out.push_str("</struct></value>\n</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    Ok(out)
}

/// The XML-RPC `methodResponse` returning `value`, as a server answers a call whose result
/// has the type `returns` in spec syntax (an operation's
/// [`returns`](crate::catalog::OperationInfo::returns): `"list<Zone>"`, `"ApiKey"`,
/// `"map<list<BandwidthMonth>>"`).
///
/// Values are encoded as [`method_call`] encodes parameters; the members that `returns` and the
/// models of `catalog` type as dates (`ApiKey`'s `created`, say) go out as `dateTime.iso8601`
/// when their text is a day (a month such as `2018-05` stays a string), which the client's
/// [`method_response`](super::method_response) reads back as `YYYY-MM-DD HH:MM:SS`. Without
/// `returns` (or for `json`) every value goes by its JSON type.
///
/// # Errors
///
/// The rule broken when a value cannot be carried by XML-RPC (see [`method_call`]).
pub fn encode_response(
    value: &Value,
    catalog: &Catalog,
    returns: Option<&str>,
) -> Result<String, String> {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
    let shape = returns.map_or(Shape::Plain, Shape::Spec);
    value_into(&mut out, value, shape, Some(catalog), 0)?;
    out.push_str("</param>\n</params>\n</methodResponse>\n");
    Ok(out)
}

/// The XML-RPC `methodResponse` carrying a fault with the `faultCode` `code` and the
/// `faultString` `message`. It never fails: a character of `message` that XML 1.0 cannot
/// carry is written as U+FFFD.
pub fn encode_fault(code: i32, message: &str) -> String {
    let message: String =
        message.chars().map(|c| if carried(c) { c } else { '\u{fffd}' }).collect();
    let mut out = String::with_capacity(256 + message.len());
    out.push_str(
        "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n\
         <name>faultCode</name>\n<value><int>",
    );
    out.push_str(&code.to_string());
    out.push_str("</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>");
    // every character left is one XML carries
    let _ = escape_into(&mut out, &message);
    out.push_str("</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n");
    out
}

/// What the catalog says a value is, as far as encoding goes: where its dates are.
#[derive(Debug, Clone, Copy)]
enum Shape<'a> {
    /// Nothing known: every value by its JSON type.
    Plain,
    /// A catalog type (a parameter's or a model member's).
    Type(&'a Type),
    /// A type in spec syntax (an operation's `returns`).
    Spec(&'a str),
}

/// A [`Shape`] looked at: what its value holds.
enum Resolved<'a> {
    Plain,
    Date,
    /// A list of items of this shape.
    List(Shape<'a>),
    /// An object whose every value has this shape.
    Map(Shape<'a>),
    /// An object with the members of this model.
    Model(&'a ModelInfo),
}

impl<'a> Shape<'a> {
    fn resolve(self, catalog: Option<&'a Catalog>) -> Resolved<'a> {
        let model = |name: &str| {
            catalog.and_then(|c| c.model(name)).map_or(Resolved::Plain, Resolved::Model)
        };
        match self {
            Shape::Plain => Resolved::Plain,
            Shape::Type(Type::Date) => Resolved::Date,
            Shape::Type(Type::List(item)) => Resolved::List(Shape::Type(item)),
            Shape::Type(Type::Map(item)) => Resolved::Map(Shape::Type(item)),
            Shape::Type(Type::Model(name)) => model(name),
            Shape::Type(_) => Resolved::Plain,
            Shape::Spec(text) => {
                let text = text.trim();
                let inner =
                    |prefix: &str| text.strip_prefix(prefix).and_then(|t| t.strip_suffix('>'));
                if let Some(item) = inner("list<") {
                    return Resolved::List(Shape::Spec(item));
                }
                if let Some(item) = inner("map<") {
                    return Resolved::Map(Shape::Spec(item));
                }
                match text {
                    "date" => Resolved::Date,
                    "string" | "integer" | "number" | "boolean" | "json" => Resolved::Plain,
                    name => model(name),
                }
            }
        }
    }
}

/// The deepest nesting of arrays and objects encoded; deeper values are refused (the decoder
/// has the same bound, [`MAX_DEPTH`](super::MAX_DEPTH)).
const MAX_DEPTH: usize = super::MAX_DEPTH;

/// Appends `<value>…</value>` for `value` of the shape `shape` (a string the shape types as
/// a date, and that reads as a day, becomes a `dateTime.iso8601`); the catalog, when given,
/// has the models the shape names.
fn value_into(
    out: &mut String,
    value: &Value,
    shape: Shape<'_>,
    catalog: Option<&Catalog>,
    depth: usize,
) -> Result<(), String> {
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
        Value::String(text) => {
            let date = matches!(shape.resolve(catalog), Resolved::Date);
            match date.then(|| date_time(text)).flatten() {
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
            }
        }
        Value::Array(items) => {
            let item = match shape.resolve(catalog) {
                Resolved::List(item) => item,
                _ => Shape::Plain,
            };
            out.push_str("<value><array><data>\n");
            for value in items {
                value_into(out, value, item, catalog, depth + 1)?;
            }
            out.push_str("</data></array></value>\n");
        }
        Value::Object(members) => {
            let resolved = shape.resolve(catalog);
            out.push_str("<value><struct>\n");
            for (name, member) in members {
                let shape = match &resolved {
                    Resolved::Map(item) => *item,
                    Resolved::Model(model) => model
                        .fields
                        .iter()
                        .find(|f| f.wire == name.as_str())
                        .map_or(Shape::Plain, |f| Shape::Type(&f.ty)),
                    _ => Shape::Plain,
                };
                out.push_str("<member>\n<name>");
                escape_into(out, name)?;
                out.push_str("</name>\n");
                value_into(out, member, shape, catalog, depth + 1)?;
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

/// Whether XML 1.0 can carry the character `c` (tab, line feed and carriage return are the
/// only control characters it can).
fn carried(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= '\u{20}' && c != '\u{fffe}' && c != '\u{ffff}')
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
            c if !carried(c) => {
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

    /// A catalog with one model, `Key`, whose `created` is a date and `scopes` a map of lists
    /// of `Key`s (to reach a date through maps and lists).
    fn catalog() -> &'static Catalog {
        use crate::catalog::{FieldInfo, Limits};
        const fn field(wire: &'static str, ty: Type) -> FieldInfo {
            FieldInfo {
                name: wire,
                wire,
                ty,
                required: false,
                secret: false,
                doc: "",
                limits: Limits::NONE,
            }
        }
        static FIELDS: [FieldInfo; 3] = [
            field("created", Type::Date),
            field("scopes", Type::Map(&Type::List(&Type::Model("Key")))),
            field("note", Type::String),
        ];
        static KEY: ModelInfo =
            ModelInfo { name: "Key", doc: "", input: false, output: true, fields: &FIELDS };
        static CATALOG: Catalog = Catalog {
            provider: "test",
            operations: &[],
            aliases: &[],
            models: &[&KEY],
            waits: &[],
            reads_first: &[],
        };
        &CATALOG
    }

    #[test]
    fn responses_type_their_dates_from_the_catalog() {
        let value = json!([{"created": "2012-12-01", "note": "2012-12-01",
            "scopes": {"a": [{"created": "2018-05-17 22:04:47"}, {"created": "2018-05"}]}}]);
        let text = encode_response(&value, catalog(), Some("list<Key>")).expect("encodable");
        assert!(text.starts_with(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
        ));
        assert!(text.ends_with("</data></array></value>\n</param>\n</params>\n</methodResponse>\n"));
        assert!(text.contains("<name>created</name>\n<value><dateTime.iso8601>20121201T00:00:00</dateTime.iso8601>"), "{text}");
        assert!(text.contains("<name>note</name>\n<value><string>2012-12-01</string>"), "{text}");
        assert!(text.contains("<dateTime.iso8601>20180517T22:04:47</dateTime.iso8601>"), "{text}");
        assert!(text.contains("<value><string>2018-05</string>"), "a month is no dateTime: {text}");
        // read back as the client reads it
        let super::super::MethodResponse::Value(back) =
            super::super::method_response(text.as_bytes()).expect("decodes")
        else {
            panic!("not a value")
        };
        assert_eq!(back[0]["created"], json!("2012-12-01 00:00:00"));
        assert_eq!(back[0]["scopes"]["a"][1]["created"], json!("2018-05"));
        // untyped, every string stays a string
        for returns in [None, Some("json"), Some("Unknown")] {
            let text = encode_response(&value, catalog(), returns).expect("encodable");
            assert!(!text.contains("dateTime"), "{returns:?}: {text}");
        }
        let date = encode_response(&json!("2019-01-01"), catalog(), Some("date")).expect("ok");
        assert!(date.contains("<dateTime.iso8601>20190101T00:00:00<"), "{date}");
        assert!(encode_response(&json!({"n": 1_u64 << 40}), catalog(), None).is_err());
        assert!(encode_response(&json!(["a\u{1}"]), catalog(), None).is_err());
    }

    #[test]
    fn faults_are_pythons_and_never_fail() {
        let text = encode_fault(3, "Couldn't find service with name 'x' & <y>");
        assert_eq!(
            text,
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n\
             <name>faultCode</name>\n<value><int>3</int></value>\n</member>\n<member>\n\
             <name>faultString</name>\n<value><string>Couldn't find service with name 'x' \
             &amp; &lt;y&gt;</string></value>\n</member>\n</struct></value>\n</fault>\n\
             </methodResponse>\n"
        );
        let text = encode_fault(7, "bad \u{1}\r\n");
        match super::super::method_response(text.as_bytes()) {
            Ok(super::super::MethodResponse::Fault(fault)) => {
                assert_eq!(fault.code.as_deref(), Some("7"));
                assert_eq!(fault.message.as_deref(), Some("bad \u{fffd}\r\n"));
            }
            other => panic!("{other:?}"),
        }
    }
}
