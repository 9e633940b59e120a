//! The interactive mode: banner, prompt, line editing, history and tab completion of command
//! and parameter names from the catalog.

use std::borrow::Cow;
use std::path::PathBuf;

use cloud_sdks_runtime::catalog::{Catalog, Type};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::{execute, exit, login, Io, Login, Options, Provider, Session};

/// Splits a line into words: blanks separate them, `'…'` and `"…"` keep blanks in one, and a
/// backslash outside single quotes takes the next character as it is.
pub(crate) fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => word.push(c),
            (_, '\\') => match chars.next() {
                Some(next) => {
                    word.push(next);
                    in_word = true;
                }
                None => return Err("a line cannot end with a backslash".to_owned()),
            },
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unclosed quote".to_owned());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Completes command names, then each command's parameter names (those not given yet), and
/// the values of boolean and enum parameters.
pub(crate) struct Completion {
    catalog: &'static Catalog,
}

impl Completion {
    /// The candidates for the word being typed at the end of `before`.
    pub(crate) fn candidates(&self, before: &str) -> (usize, Vec<String>) {
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let typed = &before[start..];
        let done: Vec<&str> = before[..start].split_whitespace().collect();
        let mut out: Vec<String> = match done.as_slice() {
            [] => {
                let mut names: Vec<&str> = vec!["help", "quit"];
                names.extend(self.catalog.operations.iter().map(|op| op.name));
                names.extend(self.catalog.aliases.iter().map(|(alias, _)| *alias));
                names.into_iter().map(str::to_owned).collect()
            }
            ["help" | "?"] => {
                let mut names = vec!["remote".to_owned()];
                names.extend(self.catalog.operations.iter().map(|op| op.name.to_owned()));
                names
            }
            [command, rest @ ..] => match self.catalog.operation(command) {
                None => Vec::new(),
                Some(op) => {
                    let words: Vec<&str> = rest
                        .iter()
                        .copied()
                        .filter(|w| crate::args::Prefix::parse(w).is_none())
                        .collect();
                    if words.len().is_multiple_of(2) {
                        op.params
                            .iter()
                            .filter(|p| !words.iter().step_by(2).any(|w| *w == p.name))
                            .map(|p| p.name.to_owned())
                            .collect()
                    } else {
                        match words.last().and_then(|name| op.param(name)).map(|p| p.ty) {
                            Some(Type::Boolean) => vec!["true".to_owned(), "false".to_owned()],
                            Some(Type::Enum(_, values)) => {
                                values.iter().map(|v| (*v).to_owned()).collect()
                            }
                            _ => Vec::new(),
                        }
                    }
                }
            },
        };
        out.retain(|name| name.starts_with(typed));
        out.sort();
        (start, out)
    }
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        let (start, names) = self.candidates(before);
        let pairs = names
            .into_iter()
            .map(|name| Pair { display: name.clone(), replacement: name })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, _: bool) -> Cow<'b, str> {
        Cow::Borrowed(prompt)
    }
}
impl Validator for Completion {}
impl Helper for Completion {}

/// The last eight characters of `text`.
fn tail(text: &str) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(8)).collect()
}

/// Where the history is kept: `$XDG_DATA_HOME/cloud-sdks-shell/<program>.history`, or under
/// `$HOME/.local/share`.
fn history_file(provider: &Provider, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let data = env("XDG_DATA_HOME").filter(|d| !d.is_empty()).map(PathBuf::from).or_else(|| {
        env("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".local/share"))
    })?;
    Some(data.join("cloud-sdks-shell").join(format!("{}.history", provider.program)))
}

/// Whether a value of type `ty` may hold a secret (a model with a secret field, at any depth).
fn may_hold_secret(catalog: &Catalog, ty: &Type, depth: usize) -> bool {
    match ty {
        Type::List(item) | Type::Map(item) => {
            depth < 8 && may_hold_secret(catalog, item, depth + 1)
        }
        Type::Model(name) => catalog.model(name).is_some_and(|model| {
            model
                .fields
                .iter()
                .any(|f| f.secret || (depth < 8 && may_hold_secret(catalog, &f.ty, depth + 1)))
        }),
        _ => false,
    }
}

/// Whether the line gives a secret parameter (or a model with a secret field), so it must
/// not be kept in the history.
fn holds_secret(catalog: &Catalog, words: &[String]) -> bool {
    let Some((command, rest)) = words.split_first() else { return false };
    let Some(op) = catalog.operation(command) else { return false };
    rest.iter()
        .filter_map(|w| op.param(w.split('.').next().unwrap_or(w)))
        .any(|p| p.secret || may_hold_secret(catalog, &p.ty, 0))
}

/// Runs the interactive mode until `quit`, end of input or Ctrl-C.
pub(crate) fn run(provider: &Provider, options: &Options, io: &mut Io<'_>) -> u8 {
    let prompt_tail = match login(provider, options, io) {
        Ok(Login::Token(token)) => tail(&token),
        Ok(Login::Basic { user, .. }) => tail(&user),
        Err(message) => {
            let _ = writeln!(io.err, "{}: {message}", provider.program);
            return exit::USAGE;
        }
    };
    let mut editor = match Editor::<Completion, DefaultHistory>::new() {
        Ok(editor) => editor,
        Err(error) => {
            let _ = writeln!(io.err, "{}: cannot read the terminal: {error}", provider.program);
            return exit::OTHER;
        }
    };
    editor.set_helper(Some(Completion { catalog: provider.catalog }));
    let history = history_file(provider, io.env);
    if let Some(file) = &history {
        let _ = editor.load_history(file);
    }
    let _ = writeln!(
        io.out,
        "({} v{})",
        provider.title.replace(" interactive", ""),
        env!("CARGO_PKG_VERSION")
    );
    let prompt = format!("[...{prompt_tail}]> ");
    let mut session = Session::default();
    let code = loop {
        let _ = io.out.flush();
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Eof) => {
                let _ = writeln!(io.out, "\nEOF (quit)");
                break exit::OK;
            }
            Err(ReadlineError::Interrupted) => {
                let _ = writeln!(io.out, "\n(quit)");
                break exit::OK;
            }
            Err(error) => {
                let _ = writeln!(io.err, "{}: {error}", provider.program);
                break exit::OTHER;
            }
        };
        let words = match split_words(&line) {
            Ok(words) => words,
            Err(message) => {
                let _ = writeln!(io.err, "{}: {message}", provider.program);
                continue;
            }
        };
        let Some((command, params)) = words.split_first() else { continue };
        if !holds_secret(provider.catalog, &words) {
            let _ = editor.add_history_entry(line.as_str());
        }
        if command == "quit" {
            let _ = writeln!(io.out, "(quit)\n");
            break exit::OK;
        }
        if let Err(failure) = execute(provider, options, &mut session, command, params, true, io) {
            let _ = writeln!(io.err, "{command}: {}", failure.message);
        }
    };
    if let Some(file) = &history {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(file);
    }
    code
}

#[cfg(test)]
mod tests {
    use cloud_sdks_runtime::catalog::ParamInfo;

    use super::*;

    #[test]
    fn lines_split_on_blanks_with_quotes() {
        assert_eq!(split_words("  a  b "), Ok(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(split_words(r#"x "a b" 'c d' e\ f "" "#).expect("valid").len(), 5);
        assert_eq!(split_words(r#"'it''s' "q\"" "#), Ok(vec!["its".to_owned(), "q\"".to_owned()]));
        assert!(split_words("'open").is_err());
        assert!(split_words("end\\").is_err());
    }

    #[test]
    fn completion_of_commands_parameters_and_values() {
        let c = Completion { catalog: &memset::CATALOG };
        let (start, names) = c.candidates("service.se");
        assert_eq!(start, 0);
        assert!(names.contains(&"service.set_nickname".to_owned()), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("service.se")));
        assert_eq!(
            c.candidates("service.set_nickname n"),
            (21, vec!["name".to_owned(), "nickname".to_owned()])
        );
        assert_eq!(
            c.candidates("service.set_nickname name x n"),
            (28, vec!["nickname".to_owned()])
        );
        assert_eq!(
            c.candidates("cluster.list enabled "),
            (21, vec!["false".to_owned(), "true".to_owned()])
        );
        assert_eq!(c.candidates("cluster.list enabled (boolean) t"), (31, vec!["true".to_owned()]));
        assert_eq!(c.candidates("help rem").1, vec!["remote".to_owned()]);
        assert!(c.candidates("nosuch x").1.is_empty());
        assert_eq!(c.candidates("qu").1, vec!["quit".to_owned()]);
        // A wide blank (U+3000) is one character of three bytes: no panic.
        assert_eq!(c.candidates("service.set_nickname\u{3000}n").0, 23);
        assert!(c.candidates("é\u{3000}").1.is_empty());
    }

    #[test]
    fn lines_with_a_secret_parameter_are_not_kept() {
        for catalog in [&memset::CATALOG, &oneandone::CATALOG, &profitbricks::CATALOG] {
            let secret = |p: &&ParamInfo| p.secret || may_hold_secret(catalog, &p.ty, 0);
            let op = catalog.operations.iter().find(|op| op.params.iter().any(|p| secret(&p)));
            let op = op.expect("some operation takes a secret");
            let secret = op.params.iter().find(secret).expect("found");
            let words = [op.name.to_owned(), secret.name.to_owned(), "x".to_owned()];
            assert!(holds_secret(catalog, &words), "{}", op.name);
            assert!(!holds_secret(catalog, &words[..1]), "{}", op.name);
            let dotted = [op.name.to_owned(), format!("{}.x", secret.name), "x".to_owned()];
            assert!(holds_secret(catalog, &dotted), "{}", op.name);
        }
    }

    #[test]
    fn the_prompt_shows_the_last_eight_characters() {
        assert_eq!(tail("0123456789abcdefa32a1fe9"), "a32a1fe9");
        assert_eq!(tail("short"), "short");
    }
}
