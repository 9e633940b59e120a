//! An XML-RPC `methodResponse` to a JSON value or a fault, and a `methodCall` to its method
//! name and JSON parameters (what a server, such as the simulator, reads).
//!
//! A small pull parser for the subset of XML that XML-RPC uses: elements (attributes are
//! skipped), text with the predefined and numeric character references, CDATA sections,
//! comments, processing instructions and the XML declaration. A document type declaration is
//! refused (no entity can expand), nesting is bounded by [`MAX_DEPTH`](super::MAX_DEPTH), and
//! every failure is a [`DecodeError`] naming what was wrong and where, never a panic.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Number, Value};

use super::{DecodeError, Fault, MethodCall, MethodResponse, MAX_DEPTH};

/// Reads a whole `methodResponse`.
pub(super) fn method_response(body: &[u8]) -> Result<MethodResponse, DecodeError> {
    let mut parser = Parser::new(body)?;
    parser.open("methodResponse")?;
    parser.space()?;
    let answer = match parser.next()? {
        Token::Open("params") => {
            parser.space()?;
            let value = match parser.next()? {
                Token::Close("params") => Value::Null,
                Token::Open("param") => {
                    let value = parser.value_element(0)?;
                    parser.space()?;
                    parser.close("param")?;
                    parser.space()?;
                    parser.close("params")?;
                    value
                }
                other => return Err(parser.unexpected(&other, "<param> or </params>")),
            };
            MethodResponse::Value(value)
        }
        Token::Empty("params") => MethodResponse::Value(Value::Null),
        Token::Open("fault") => {
            let value = parser.value_element(0)?;
            parser.space()?;
            parser.close("fault")?;
            MethodResponse::Fault(fault(value))
        }
        other => return Err(parser.unexpected(&other, "<params> or <fault>")),
    };
    parser.finish("methodResponse")?;
    Ok(answer)
}

/// Reads a whole `methodCall`: its `methodName` and its `params` (none when the call has no
/// `<params>`).
pub(super) fn method_call(body: &[u8]) -> Result<MethodCall, DecodeError> {
    let mut parser = Parser::new(body)?;
    parser.open("methodCall")?;
    parser.space()?;
    parser.open("methodName")?;
    let name = parser.text("methodName")?.trim().to_owned();
    if name.is_empty() {
        return Err(parser.error("an empty <methodName>"));
    }
    let mut params = Vec::new();
    parser.space()?;
    match parser.next()? {
        Token::Empty("params") => {}
        Token::Open("params") => loop {
            parser.space()?;
            match parser.next()? {
                Token::Close("params") => break,
                Token::Open("param") => {
                    params.push(parser.value_element(0)?);
                    parser.space()?;
                    parser.close("param")?;
                }
                other => return Err(parser.unexpected(&other, "<param> or </params>")),
            }
        },
        other => {
            // no <params> at all: the next token is the end of the call
            parser.peeked = Some(other);
        }
    }
    parser.finish("methodCall")?;
    Ok(MethodCall { name, params })
}

/// The code and message of a fault's struct.
fn fault(value: Value) -> Fault {
    let text = |value: Option<&Value>| match value {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    Fault { code: text(value.get("faultCode")), message: text(value.get("faultString")) }
}

/// One piece of the document.
#[derive(Debug)]
enum Token<'a> {
    /// `<name …>`
    Open(&'a str),
    /// `</name>`
    Close(&'a str),
    /// `<name …/>`
    Empty(&'a str),
    /// Character data, references resolved.
    Text(Cow<'a, str>),
    /// The end of the document.
    End,
}

struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Lexer<'a> {
    fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError { message: message.into(), offset: self.at }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    /// Skips `len` bytes and what comes up to and including `end`.
    fn skip_past(&mut self, start: usize, end: &str, what: &str) -> Result<(), DecodeError> {
        match self.rest().get(start..).and_then(|rest| rest.find(end)) {
            Some(found) => {
                self.at += start + found + end.len();
                Ok(())
            }
            None => Err(self.error(format!("{what} that never ends"))),
        }
    }

    fn next(&mut self) -> Result<Token<'a>, DecodeError> {
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Ok(Token::End);
            }
            if !rest.starts_with('<') {
                let end = rest.find('<').unwrap_or(rest.len());
                let raw = &rest[..end];
                let text = unescape(raw).map_err(|(message, offset)| DecodeError {
                    message,
                    offset: self.at + offset,
                })?;
                self.at += end;
                return Ok(Token::Text(text));
            }
            if rest.starts_with("<?") {
                self.skip_past(2, "?>", "a processing instruction")?;
            } else if rest.starts_with("<!--") {
                self.skip_past(4, "-->", "a comment")?;
            } else if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                let Some(end) = cdata.find("]]>") else {
                    return Err(self.error("a CDATA section that never ends"));
                };
                self.at += "<![CDATA[".len() + end + "]]>".len();
                return Ok(Token::Text(Cow::Borrowed(&cdata[..end])));
            } else if rest.starts_with("<!") {
                return Err(self.error(
                    "a document type or other declaration, which XML-RPC has no use for \
                     (refused, so that no entity can expand)",
                ));
            } else if let Some(close) = rest.strip_prefix("</") {
                let Some(end) = close.find('>') else {
                    return Err(self.error("an end tag that never ends"));
                };
                let name = close[..end].trim_end();
                if !is_name(name) {
                    return Err(self.error("an end tag without a valid name"));
                }
                self.at += 2 + end + 1;
                return Ok(Token::Close(name));
            } else {
                return self.start_tag();
            }
        }
    }

    /// `<name attr="…" …>` or `<name …/>`; attributes are skipped.
    fn start_tag(&mut self) -> Result<Token<'a>, DecodeError> {
        let rest = self.rest();
        let inner = &rest[1..];
        let name_end = inner
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if !is_name(name) {
            return Err(self.error("a tag without a valid name"));
        }
        let mut quote: Option<char> = None;
        for (index, c) in inner[name_end..].char_indices() {
            match (quote, c) {
                (Some(open), c) if c == open => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '<') => return Err(self.error("a '<' inside a tag")),
                (None, '>') => {
                    let before = &inner[name_end..name_end + index];
                    self.at += 1 + name_end + index + 1;
                    return Ok(if before.trim_end().ends_with('/') {
                        Token::Empty(name)
                    } else {
                        Token::Open(name)
                    });
                }
                (None, _) => {}
            }
        }
        Err(self.error("a tag that never ends"))
    }
}

/// An XML name as far as XML-RPC needs one: letters, digits, `_`, `-`, `.` and `:`.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
}

/// Character data with its references resolved and line ends normalised to `\n`, as an XML
/// parser gives it; the error is a message and the byte offset in `raw`.
fn unescape(raw: &str) -> Result<Cow<'_, str>, (String, usize)> {
    if !raw.contains(['&', '\r']) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(index) = rest.find(['&', '\r']) {
        out.push_str(&rest[..index]);
        let offset = raw.len() - rest.len() + index;
        let tail = &rest[index..];
        if let Some(after) = tail.strip_prefix('\r') {
            out.push('\n');
            rest = after.strip_prefix('\n').unwrap_or(after);
            continue;
        }
        let Some(end) = tail.bytes().take(12).position(|b| b == b';') else {
            return Err(("a '&' that starts no character reference".to_owned(), offset));
        };
        let name = &tail[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32)
                .filter(|&c| c != '\0'),
        };
        let Some(c) = c else {
            return Err((format!("an unknown or invalid character reference '&{name};'"), offset));
        };
        out.push(c);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token<'a>>,
}

impl<'a> Parser<'a> {
    /// A parser of the UTF-8 document `body`, past the whitespace before its first element.
    fn new(body: &'a [u8]) -> Result<Self, DecodeError> {
        let text = std::str::from_utf8(body).map_err(|error| DecodeError {
            message: "the body is not UTF-8 text".to_owned(),
            offset: error.valid_up_to(),
        })?;
        let mut parser = Parser { lexer: Lexer { text, at: 0 }, peeked: None };
        parser.space()?;
        Ok(parser)
    }

    /// `</root>` and nothing but whitespace after it.
    fn finish(&mut self, root: &str) -> Result<(), DecodeError> {
        self.space()?;
        self.close(root)?;
        self.space()?;
        match self.next()? {
            Token::End => Ok(()),
            other => Err(self.unexpected(&other, "the end of the document")),
        }
    }

    fn next(&mut self) -> Result<Token<'a>, DecodeError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lexer.next(),
        }
    }

    fn error(&self, message: impl Into<String>) -> DecodeError {
        self.lexer.error(message)
    }

    fn unexpected(&self, token: &Token<'_>, expected: &str) -> DecodeError {
        let found = match token {
            Token::Open(name) => format!("<{}>", shown(name)),
            Token::Close(name) => format!("</{}>", shown(name)),
            Token::Empty(name) => format!("<{}/>", shown(name)),
            Token::Text(_) => "text".to_owned(),
            Token::End => "the end of the document".to_owned(),
        };
        self.error(format!("expected {expected}, found {found}"))
    }

    /// Skips whitespace between elements; other text there is an error.
    fn space(&mut self) -> Result<(), DecodeError> {
        loop {
            match self.next()? {
                Token::Text(text) if text.trim().is_empty() => {}
                Token::Text(_) => return Err(self.error("text where only elements belong")),
                other => {
                    self.peeked = Some(other);
                    return Ok(());
                }
            }
        }
    }

    fn open(&mut self, name: &str) -> Result<(), DecodeError> {
        match self.next()? {
            Token::Open(found) if found == name => Ok(()),
            other => Err(self.unexpected(&other, &format!("<{name}>"))),
        }
    }

    fn close(&mut self, name: &str) -> Result<(), DecodeError> {
        match self.next()? {
            Token::Close(found) if found == name => Ok(()),
            other => Err(self.unexpected(&other, &format!("</{name}>"))),
        }
    }

    /// The text up to `</name>`; an element inside is an error.
    fn text(&mut self, name: &str) -> Result<String, DecodeError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                Token::Text(piece) => text.push_str(&piece),
                Token::Close(found) if found == name => return Ok(text),
                other => return Err(self.unexpected(&other, &format!("text or </{name}>"))),
            }
        }
    }

    /// `<value>…</value>` (or `<value/>`), after skipping whitespace before it.
    fn value_element(&mut self, depth: usize) -> Result<Value, DecodeError> {
        self.space()?;
        match self.next()? {
            Token::Open("value") => self.value(depth),
            Token::Empty("value") => Ok(Value::String(String::new())),
            other => Err(self.unexpected(&other, "<value>")),
        }
    }

    /// What follows `<value>`: text alone (a string) or one typed element.
    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                Token::Text(piece) => text.push_str(&piece),
                Token::Close("value") => return Ok(Value::String(text)),
                Token::Open(tag) | Token::Empty(tag) if !text.trim().is_empty() => {
                    return Err(self
                        .error(format!("text and a <{}> element mixed in one value", shown(tag))));
                }
                Token::Open(tag) => {
                    let value = self.typed(tag, false, depth)?;
                    self.space()?;
                    self.close("value")?;
                    return Ok(value);
                }
                Token::Empty(tag) => {
                    let value = self.typed(tag, true, depth)?;
                    self.space()?;
                    self.close("value")?;
                    return Ok(value);
                }
                other => return Err(self.unexpected(&other, "a value or </value>")),
            }
        }
    }

    /// The value of a typed element `<tag>` (its start tag read; `empty` for `<tag/>`).
    fn typed(&mut self, tag: &str, empty: bool, depth: usize) -> Result<Value, DecodeError> {
        // extensions write some types with a namespace prefix (`ex:nil`, `ex:i8`)
        let kind = tag.rsplit(':').next().unwrap_or(tag);
        let text = |parser: &mut Self| {
            if empty {
                Ok(String::new())
            } else {
                parser.text(tag)
            }
        };
        match kind {
            "string" => Ok(Value::String(text(self)?)),
            "int" | "i4" | "i8" => {
                let raw = text(self)?;
                raw.trim().parse::<i64>().map(Value::from).map_err(|_| {
                    self.error(format!("<{kind}> {:?} is not a whole number", shown(&raw)))
                })
            }
            "boolean" => match text(self)?.trim() {
                "1" | "true" => Ok(Value::Bool(true)),
                "0" | "false" => Ok(Value::Bool(false)),
                other => Err(self.error(format!("<boolean> {:?} is not 0 or 1", shown(other)))),
            },
            "double" => {
                let raw = text(self)?;
                raw.trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        self.error(format!("<double> {:?} is not a finite number", shown(&raw)))
                    })
            }
            "dateTime.iso8601" => Ok(Value::String(date_time(text(self)?.trim()))),
            "base64" => {
                let raw = text(self)?;
                let compact: String = raw.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                let bytes = STANDARD
                    .decode(&compact)
                    .map_err(|_| self.error("<base64> that is not valid Base64"))?;
                Ok(Value::String(String::from_utf8(bytes).unwrap_or(compact)))
            }
            "nil" => {
                if !empty {
                    let inside = self.text(tag)?;
                    if !inside.trim().is_empty() {
                        return Err(self.error("a <nil> with content"));
                    }
                }
                Ok(Value::Null)
            }
            "struct" => {
                let depth = deeper(self, depth)?;
                let mut members = Map::new();
                if empty {
                    return Ok(Value::Object(members));
                }
                loop {
                    self.space()?;
                    match self.next()? {
                        Token::Close(found) if found == tag => return Ok(Value::Object(members)),
                        Token::Open("member") => {
                            let (name, value) = self.member(depth)?;
                            members.insert(name, value);
                        }
                        other => return Err(self.unexpected(&other, "<member> or </struct>")),
                    }
                }
            }
            "array" => {
                let depth = deeper(self, depth)?;
                let mut items = Vec::new();
                if empty {
                    return Ok(Value::Array(items));
                }
                self.space()?;
                match self.next()? {
                    Token::Empty("data") => {}
                    Token::Open("data") => loop {
                        self.space()?;
                        match self.next()? {
                            Token::Close("data") => break,
                            Token::Open("value") => items.push(self.value(depth)?),
                            Token::Empty("value") => items.push(Value::String(String::new())),
                            other => return Err(self.unexpected(&other, "<value> or </data>")),
                        }
                    },
                    other => return Err(self.unexpected(&other, "<data>")),
                }
                self.space()?;
                self.close(tag)?;
                Ok(Value::Array(items))
            }
            other => Err(self.error(format!(
                "<{}> is not an XML-RPC type (expected string, int, i4, boolean, double, \
                 dateTime.iso8601, base64, struct, array or nil)",
                shown(other)
            ))),
        }
    }

    /// A struct member's name and value, in either order, up to `</member>`.
    fn member(&mut self, depth: usize) -> Result<(String, Value), DecodeError> {
        let (mut name, mut value) = (None, None);
        loop {
            self.space()?;
            match self.next()? {
                Token::Open("name") if name.is_none() => name = Some(self.text("name")?),
                Token::Empty("name") if name.is_none() => name = Some(String::new()),
                Token::Open("value") if value.is_none() => value = Some(self.value(depth)?),
                Token::Empty("value") if value.is_none() => {
                    value = Some(Value::String(String::new()))
                }
                Token::Close("member") => {
                    return match (name, value) {
                        (Some(name), Some(value)) => Ok((name, value)),
                        _ => Err(self.error("a <member> without both a <name> and a <value>")),
                    };
                }
                other => return Err(self.unexpected(&other, "<name>, <value> or </member>")),
            }
        }
    }
}

/// One level deeper, or an error past [`MAX_DEPTH`].
fn deeper(parser: &Parser<'_>, depth: usize) -> Result<usize, DecodeError> {
    if depth >= MAX_DEPTH {
        return Err(parser.error(format!("arrays and structs nested more than {MAX_DEPTH} deep")));
    }
    Ok(depth + 1)
}

/// At most 40 characters of a name or value from the document, for messages.
fn shown(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// A `dateTime.iso8601` as the JSON interface writes dates, `YYYY-MM-DD HH:MM:SS`, when it
/// has the form XML-RPC servers send (`20110917T00:00:00`, also with dashes); any other text
/// (with a zone, say) is kept as it is.
fn date_time(text: &str) -> String {
    let compact: String = text.chars().filter(|&c| c != '-').collect();
    let bytes = compact.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let plain = bytes.len() == 17
        && digits(0..8)
        && bytes[8] == b'T'
        && digits(9..11)
        && bytes[11] == b':'
        && digits(12..14)
        && bytes[14] == b':'
        && digits(15..17);
    if !plain {
        return text.to_owned();
    }
    format!("{}-{}-{} {}", &compact[0..4], &compact[4..6], &compact[6..8], &compact[9..17])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn value(xml: &str) -> Value {
        let body = format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n{xml}\n</param>\n</params>\n</methodResponse>\n"
        );
        match method_response(body.as_bytes()) {
            Ok(MethodResponse::Value(value)) => value,
            other => panic!("{xml}: {other:?}"),
        }
    }

    fn refused(body: &str) -> DecodeError {
        match method_response(body.as_bytes()) {
            Err(error) => error,
            Ok(answer) => panic!("{body}: accepted as {answer:?}"),
        }
    }

    #[test]
    fn every_type() {
        assert_eq!(value("<value><string>a &amp; b</string></value>"), json!("a & b"));
        assert_eq!(value("<value>untyped</value>"), json!("untyped"));
        assert_eq!(value("<value></value>"), json!(""));
        assert_eq!(value("<value/>"), json!(""));
        assert_eq!(value("<value><string/></value>"), json!(""));
        assert_eq!(value("<value><int> 42 </int></value>"), json!(42));
        assert_eq!(value("<value><i4>-7</i4></value>"), json!(-7));
        assert_eq!(value("<value><i8>4294967296</i8></value>"), json!(4_294_967_296_i64));
        assert_eq!(value("<value><boolean>1</boolean></value>"), json!(true));
        assert_eq!(value("<value><boolean>0</boolean></value>"), json!(false));
        assert_eq!(value("<value><double>2.5</double></value>"), json!(2.5));
        assert_eq!(value("<value><double>-1e3</double></value>"), json!(-1000.0));
        assert_eq!(
            value("<value><dateTime.iso8601>20110917T00:00:00</dateTime.iso8601></value>"),
            json!("2011-09-17 00:00:00")
        );
        assert_eq!(
            value("<value><dateTime.iso8601>2011-09-17T10:20:30</dateTime.iso8601></value>"),
            json!("2011-09-17 10:20:30")
        );
        assert_eq!(
            value("<value><dateTime.iso8601>20110917T00:00:00Z</dateTime.iso8601></value>"),
            json!("20110917T00:00:00Z")
        );
        assert_eq!(value("<value><base64>aGVsbG8=\n</base64></value>"), json!("hello"));
        assert_eq!(value("<value><base64>//79</base64></value>"), json!("//79"));
        assert_eq!(value("<value><nil/></value>"), Value::Null);
        assert_eq!(value("<value><ex:nil/></value>"), Value::Null);
        assert_eq!(
            value(
                "<value><struct><member><name>a</name><value><int>1</int></value></member>\
                 <member><value>x</value><name>b</name></member></struct></value>"
            ),
            json!({"a": 1, "b": "x"})
        );
        assert_eq!(
            value("<value><array><data><value>1</value><value><int>2</int></value></data></array></value>"),
            json!(["1", 2])
        );
        assert_eq!(value("<value><array><data/></array></value>"), json!([]));
        assert_eq!(value("<value><struct/></value>"), json!({}));
        assert_eq!(value("<value><![CDATA[<x>]]> &lt;y&gt;</value>"), json!("<x> <y>"));
        assert_eq!(value("<value>a\r\nb\rc&#13;&#x41;&#66;</value>"), json!("a\nb\nc\rAB"));
        assert_eq!(value("<!-- c --><value a=\"1 > 0\"><string>s</string></value>"), json!("s"));
    }

    #[test]
    fn faults() {
        let body = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n\
                    <member>\n<name>faultCode</name>\n<value><int>3</int></value>\n</member>\n\
                    <member>\n<name>faultString</name>\n<value><string>Not found</string></value>\n\
                    </member>\n</struct></value>\n</fault>\n</methodResponse>\n";
        match method_response(body.as_bytes()) {
            Ok(MethodResponse::Fault(fault)) => {
                assert_eq!(fault.code.as_deref(), Some("3"));
                assert_eq!(fault.message.as_deref(), Some("Not found"));
            }
            other => panic!("{other:?}"),
        }
        let empty = "<methodResponse><fault><value><struct/></value></fault></methodResponse>";
        match method_response(empty.as_bytes()) {
            Ok(MethodResponse::Fault(fault)) => {
                assert_eq!((fault.code, fault.message), (None, None))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_what_is_not_an_answer() {
        for body in [
            "",
            "{\"json\": true}",
            "<methodResponse>",
            "<methodResponse></methodResponse>",
            "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
            "<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>",
            "<methodResponse><params><param><value><double>nan</double></value></param></params></methodResponse>",
            "<methodResponse><params><param><value><foo/></value></param></params></methodResponse>",
            "<methodResponse><params><param><value>a<string>b</string></value></param></params></methodResponse>",
            "<methodResponse><params><param><value>&bogus;</value></param></params></methodResponse>",
            "<methodResponse><params><param><value>&#0;</value></param></params></methodResponse>",
            "<methodResponse><params><param><value>&#xD800;</value></param></params></methodResponse>",
            "<methodResponse><params></params></methodResponse>trailing",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><methodResponse/>",
            "<methodResponse><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodResponse>",
            "<methodResponse><params><param><value><base64>***</base64></value></param></params></methodResponse>",
            "<methodResponse><params><param><value><![CDATA[x</value></param></params></methodResponse>",
        ] {
            let error = refused(body);
            assert!(error.offset <= body.len(), "{body}: {error}");
        }
        assert!(refused("<!DOCTYPE x><methodResponse/>").message.contains("entity"));
        let mut deep = String::from("<methodResponse><params><param><value>");
        for _ in 0..=MAX_DEPTH {
            deep.push_str("<array><data><value>");
        }
        assert!(refused(&deep).message.contains("deep"), "{}", refused(&deep));
        let deep = format!(
            "<methodResponse><params><param>{}",
            "<value><struct><member><name>a</name>".repeat(100_000)
        );
        assert!(refused(&deep).message.contains("deep"));
        let error = refused("<methodResponse>\u{0}\u{ff}");
        assert!(!error.to_string().is_empty());
        let error = method_response(b"<methodResponse>\xff").expect_err("not UTF-8");
        assert_eq!(error.offset, 16);
    }

    #[test]
    fn empty_params_are_null() {
        for body in [
            "<methodResponse><params/></methodResponse>",
            "<methodResponse><params></params></methodResponse>",
        ] {
            assert!(matches!(
                method_response(body.as_bytes()),
                Ok(MethodResponse::Value(Value::Null))
            ));
        }
    }

    fn call(body: &str) -> MethodCall {
        match method_call(body.as_bytes()) {
            Ok(call) => call,
            Err(error) => panic!("{body}: {error}"),
        }
    }

    #[test]
    fn method_calls() {
        let python = "<?xml version='1.0'?>\n<methodCall>\n<methodName>server.info</methodName>\n\
                      <params>\n<param>\n<value><struct>\n<member>\n<name>name</name>\n\
                      <value><string>myserver1</string></value>\n</member>\n</struct></value>\n\
                      </param>\n</params>\n</methodCall>\n";
        let read = call(python);
        assert_eq!(read.name, "server.info");
        assert_eq!(read.params, [json!({"name": "myserver1"})]);
        for empty in [
            "<methodCall><methodName>service.list</methodName><params>\n</params></methodCall>",
            "<methodCall><methodName>service.list</methodName><params/></methodCall>",
            "<methodCall>\n<methodName> service.list </methodName>\n</methodCall>\n",
        ] {
            let read = call(empty);
            assert_eq!((read.name.as_str(), read.params.len()), ("service.list", 0), "{empty}");
        }
        let two = call(
            "<methodCall><methodName>system.methodHelp</methodName><params>\
             <param><value>service.list</value></param><param><value><int>2</int></value></param>\
             </params></methodCall>",
        );
        assert_eq!(two.params, [json!("service.list"), json!(2)]);
    }

    #[test]
    fn refuses_what_is_not_a_call() {
        for body in [
            "",
            "<methodResponse><params/></methodResponse>",
            "<methodCall></methodCall>",
            "<methodCall><methodName></methodName></methodCall>",
            "<methodCall><methodName><b>x</b></methodName></methodCall>",
            "<methodCall><methodName>x</methodName><params><value/></params></methodCall>",
            "<methodCall><methodName>x</methodName><params><param><value><int>99999999999999999999</int></value></param></params></methodCall>",
            "<methodCall><methodName>x</methodName></methodCall><methodCall/>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><methodCall/>",
        ] {
            let error = method_call(body.as_bytes()).expect_err(body);
            assert!(error.offset <= body.len(), "{body}: {error}");
        }
        let mut deep = String::from("<methodCall><methodName>x</methodName><params><param><value>");
        for _ in 0..=MAX_DEPTH {
            deep.push_str("<struct><member><name>a</name><value>");
        }
        let error = method_call(deep.as_bytes()).expect_err("too deep");
        assert!(error.message.contains("deep"), "{error}");
    }
}
