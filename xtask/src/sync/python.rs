//! A tolerant reader for the Python snippets of the SDK READMEs: the assignments
//! (`i = Server(name='web', cores=1)`, `hdds = [hdd1]`) and the calls on the client
//! (`client.create_server(datacenter_id='…', server=i)`).
//!
//! The snippets have typos: a missing `=` (`server_id'server-id'`) or `,`, a stray `)` or `]`,
//! `client.add_process=(…)`, an unclosed call. The reader takes what the snippet plainly means
//! and goes on, instead of failing.

use super::text::snake;
use super::{SourceParam, SourceType};

/// A value as written in a snippet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float,
    Bool,
    None,
    List(Vec<Value>),
    /// A variable.
    Name(String),
    /// A call `callee(args)`: a class constructor (`Server(...)`) or a function.
    Call(String, Vec<Arg>),
    /// Anything else (an index expression, a parenthesised tuple, …).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The keyword, or `None` for a positional argument.
    pub name: Option<String>,
    pub value: Value,
}

/// A call on the client: `client.<method>(args)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientCall {
    pub method: String,
    pub args: Vec<Arg>,
}

/// What a snippet binds and calls.
#[derive(Debug, Default)]
pub struct Snippet {
    pub bindings: Vec<(String, Value)>,
    pub calls: Vec<ClientCall>,
}

impl Snippet {
    /// Follows variables to the value last bound to them.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        let mut value = value;
        for _ in 0..8 {
            let Value::Name(name) = value else { break };
            match self.bindings.iter().rev().find(|(n, _)| n == name) {
                Some((_, bound)) => value = bound,
                None => break,
            }
        }
        value
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(String),
    Ident(String),
    Punct(char),
    Newline,
}

/// Reads a snippet; never fails.
pub fn read(code: &str) -> Snippet {
    let tokens = tokenize(code);
    let mut parser = Parser { tokens, pos: 0, snippet: Snippet::default(), last_tuple: None };
    while parser.pos < parser.tokens.len() {
        parser.statement();
    }
    parser.snippet
}

fn tokenize(code: &str) -> Vec<Tok> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\n' {
            if depth <= 0 {
                tokens.push(Tok::Newline);
            }
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if matches!(c, '\'' | '"' | '‘' | '’' | '“' | '”') {
            let closing: &[char] = match c {
                '‘' | '’' => &['’', '‘', '\''],
                '“' | '”' => &['”', '“', '"'],
                _ => &[c],
            };
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !closing.contains(&chars[j]) && chars[j] != '\n' {
                j += 1;
            }
            tokens.push(Tok::Str(chars[start..j.min(chars.len())].iter().collect()));
            i = j + 1;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            tokens.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (chars[i] == '.'
                        && chars.get(i + 1).is_some_and(|n| n.is_alphabetic() || *n == '_')))
            {
                i += 1;
            }
            tokens.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            tokens.push(Tok::Punct(c));
            i += 1;
        }
    }
    tokens
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    snippet: Snippet,
    /// The arguments of the last parenthesised tuple, for `client.add_process=(…)`.
    last_tuple: Option<Vec<Arg>>,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + offset)
    }

    fn next(&mut self) -> Option<Tok> {
        let tok = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        tok
    }

    fn statement(&mut self) {
        let start = self.pos;
        self.last_tuple = None;
        // `a = b = value`: every target is bound.
        let mut targets = Vec::new();
        while let (Some(Tok::Ident(name)), Some(Tok::Punct('='))) =
            (self.peek().cloned(), self.peek_at(1).cloned())
        {
            self.pos += 2;
            targets.push(name);
        }
        if !targets.is_empty() {
            let value = self.expr();
            for name in targets {
                // `client.add_process=(…)`: a typo for a call.
                if let (Some(method), Value::Other) = (client_method(&name), &value) {
                    if let Some(args) = self.last_tuple.take() {
                        self.snippet.calls.push(ClientCall { method, args });
                    }
                }
                self.snippet.bindings.push((name, value.clone()));
            }
        } else {
            self.expr();
        }
        // Skip whatever is left of the line.
        while let Some(tok) = self.peek() {
            if *tok == Tok::Newline {
                self.pos += 1;
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            self.pos += 1;
        }
    }

    fn expr(&mut self) -> Value {
        if matches!(self.peek(), None | Some(Tok::Newline | Tok::Punct(')' | ']' | '}' | ','))) {
            return Value::Other;
        }
        let mut value = match self.next() {
            Some(Tok::Str(s)) => Value::Str(s),
            Some(Tok::Num(n)) => n.parse().map(Value::Int).unwrap_or(Value::Float),
            Some(Tok::Ident(name)) => match name.as_str() {
                "True" | "False" => Value::Bool,
                "None" => Value::None,
                _ => match self.peek() {
                    // `s'datacenter_id'`: a stray letter before a string.
                    Some(Tok::Str(_)) if name.len() == 1 => self.expr(),
                    _ => Value::Name(name),
                },
            },
            Some(Tok::Punct('[')) => Value::List(self.items(']')),
            Some(Tok::Punct('(')) => {
                let args = self.args();
                self.last_tuple = Some(args);
                Value::Other
            }
            _ => return Value::Other,
        };
        loop {
            match self.peek() {
                Some(Tok::Punct('(')) => {
                    self.pos += 1;
                    let args = self.args();
                    let callee = match &value {
                        Value::Name(name) => name.clone(),
                        _ => String::new(),
                    };
                    if let Some(method) = client_method(&callee) {
                        self.snippet.calls.push(ClientCall { method, args: args.clone() });
                    }
                    value = Value::Call(callee, args);
                }
                Some(Tok::Punct('[')) => {
                    self.pos += 1;
                    self.items(']');
                    value = Value::Other;
                }
                _ => return value,
            }
        }
    }

    /// List items up to `close`.
    fn items(&mut self, close: char) -> Vec<Value> {
        let mut items = Vec::new();
        while let Some(tok) = self.peek().cloned() {
            match tok {
                Tok::Punct(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                Tok::Punct(',') => self.pos += 1,
                Tok::Punct(')' | ']' | '}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let before = self.pos;
                    items.push(self.expr());
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        items
    }

    /// Call arguments up to the closing `)`.
    fn args(&mut self) -> Vec<Arg> {
        let mut args = Vec::new();
        while let Some(tok) = self.peek().cloned() {
            match tok {
                Tok::Punct(')') => {
                    self.pos += 1;
                    break;
                }
                Tok::Punct(',' | ']' | '}') | Tok::Newline => self.pos += 1,
                Tok::Ident(name) if matches!(self.peek_at(1), Some(Tok::Punct('='))) => {
                    self.pos += 2;
                    let value = self.expr();
                    args.push(Arg { name: Some(name), value });
                }
                // `server_id'server-id'`: a keyword argument without its `=`.
                Tok::Ident(name)
                    if name.len() > 1 && matches!(self.peek_at(1), Some(Tok::Str(_))) =>
                {
                    self.pos += 1;
                    let value = self.expr();
                    args.push(Arg { name: Some(name), value });
                }
                _ => {
                    let before = self.pos;
                    let value = self.expr();
                    args.push(Arg { name: None, value });
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        args
    }
}

/// `client.list_servers`, `self.client.get_location` → the method name.
fn client_method(callee: &str) -> Option<String> {
    let (object, method) = callee.rsplit_once('.')?;
    (object == "client" || object.ends_with(".client")).then(|| method.to_owned())
}

/// The parameters a client call shows: keyword arguments by name, a positional object by its
/// class (`reserve_ipblock(i)` with `i = IPBlock(…)` → `ipblock`), other positional arguments
/// with an empty name for the caller to fill in. Types are guessed from the values; an object's
/// constructor arguments become its fields.
pub fn example_params(snippet: &Snippet, call: &ClientCall, line: usize) -> Vec<SourceParam> {
    call.args
        .iter()
        .map(|arg| {
            let value = snippet.resolve(&arg.value);
            let name = match (&arg.name, value) {
                (Some(name), _) => snake(name),
                (None, Value::Call(class, _)) if is_class(class) => snake(class),
                (None, _) => String::new(),
            };
            example_param(name, value, snippet, line, 0)
        })
        .collect()
}

fn example_param(
    name: String,
    value: &Value,
    snippet: &Snippet,
    line: usize,
    depth: usize,
) -> SourceParam {
    let (ty, fields) = infer(value, snippet, line, depth);
    SourceParam { name, ty, ty_from_example: true, fields, line, ..SourceParam::default() }
}

fn infer(
    value: &Value,
    snippet: &Snippet,
    line: usize,
    depth: usize,
) -> (SourceType, Vec<SourceParam>) {
    let value = snippet.resolve(value);
    match value {
        Value::Str(_) => (SourceType::String, Vec::new()),
        Value::Int(_) => (SourceType::Integer, Vec::new()),
        Value::Float => (SourceType::Number, Vec::new()),
        Value::Bool => (SourceType::Boolean, Vec::new()),
        Value::Call(class, args) if is_class(class) && depth < 3 => {
            let fields = args
                .iter()
                .filter_map(|arg| {
                    arg.name.as_ref().map(|name| {
                        example_param(snake(name), &arg.value, snippet, line, depth + 1)
                    })
                })
                .collect();
            (SourceType::Object(Some(class.clone())), fields)
        }
        Value::List(items) => {
            let inferred: Vec<_> =
                items.iter().map(|item| infer(item, snippet, line, depth)).collect();
            let Some((first, _)) = inferred.first() else {
                return (SourceType::List(Box::new(SourceType::Unknown)), Vec::new());
            };
            let item = if inferred.iter().all(|(ty, _)| ty == first) {
                first.clone()
            } else {
                SourceType::Unknown
            };
            let mut fields: Vec<SourceParam> = Vec::new();
            for field in inferred.into_iter().flat_map(|(_, fields)| fields) {
                if !fields.iter().any(|f| f.name == field.name) {
                    fields.push(field);
                }
            }
            (SourceType::List(Box::new(item)), fields)
        }
        _ => (SourceType::Unknown, Vec::new()),
    }
}

fn is_class(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typos() {
        let s = read("server = client.get_server(\n  datacenter_id=s'datacenter_id',\n  server_id'server-id'\n)");
        assert_eq!(s.calls.len(), 1);
        let names: Vec<_> =
            s.calls[0].args.iter().map(|a| a.name.clone().unwrap_or_default()).collect();
        assert_eq!(names, ["datacenter_id", "server_id"]);
        let s =
            read("response = client.add_process=(monitoring_policy_id='', processes=processes)");
        assert_eq!(s.calls[0].method, "add_process");
        let s = read("x = client.update_datacenter(\n\tdatacenter_id='datacenter_id',\n\tname='name'\n        description='description')");
        assert_eq!(s.calls[0].args.len(), 3);
        let s = read("i = Server(name='n', cores=1)\nr = client.create_server(datacenter_id='d', server=i))\nself.client.get_location('us/las')");
        assert_eq!(s.calls.len(), 2);
        assert!(matches!(s.resolve(&s.calls[0].args[1].value), Value::Call(c, _) if c == "Server"));
        assert_eq!(s.calls[1].args[0], Arg { name: None, value: Value::Str("us/las".into()) });
    }
}
