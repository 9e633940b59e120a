//! The engine of the API shells `ma-shell` (Memset), `pb-shell` (ProfitBricks) and
//! `oneandone-shell` (1&1 Cloud Server).
//!
//! Nothing here names an operation: commands, their parameters, types, help and "did you
//! mean" hints all come from each client crate's generated `CATALOG`, and calls go through
//! its `Client::call`, which runs every documented check before anything is sent.
//!
//! A binary is one line: `cloud_sdks_shell::main(&cloud_sdks_shell::providers::MEMSET)`.
//! See the crate README for the command line, the exit codes and the differences from
//! Memset's own ma-shell.

#![warn(missing_docs)]

use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::process::ExitCode;

use cloud_sdks_runtime::catalog::{Catalog, OperationInfo};
use serde_json::Value;

pub mod args;
pub mod help;
mod interactive;
pub mod output;
pub mod providers;
#[cfg(feature = "sim")]
pub mod simulators;
pub mod waits;

use output::Format;

/// The exit statuses, documented in `--help` and the README.
pub mod exit {
    /// The command ran and its result was written.
    pub const OK: u8 = 0;
    /// Anything else went wrong (the result could not be written, a wait failed).
    pub const OTHER: u8 = 1;
    /// The command line is wrong: an unknown option or command, a missing credential, a
    /// parameter without a value.
    pub const USAGE: u8 = 2;
    /// An argument broke a documented rule or does not exist; nothing was sent.
    pub const INVALID_ARGUMENT: u8 = 3;
    /// The API answered with an error (or with something that is not the documented answer).
    pub const API: u8 = 4;
    /// No answer: the connection failed, broke or timed out.
    pub const TRANSPORT: u8 = 5;
}

/// A failed command: its exit status and the message after `command: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// One of the [`exit`] statuses.
    pub code: u8,
    /// What went wrong (never holding a secret).
    pub message: String,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }
}

/// How a provider's shell authenticates.
#[derive(Debug, Clone, Copy)]
pub enum Auth {
    /// One secret token or key, from an option or an environment variable.
    Token {
        /// The short option letter (`'k'`).
        short: char,
        /// The long option (`"api-key"`).
        long: &'static str,
        /// The environment variable (`"MEMSET_API_KEY"`).
        env: &'static str,
        /// What it is called in messages (`"API KEY"`).
        what: &'static str,
    },
    /// A user name (`-u/--username`, `PROFITBRICKS_USERNAME`) and a password
    /// (`-p/--password`, `PROFITBRICKS_PASSWORD`).
    UserPassword {
        /// The user name's environment variable.
        user_env: &'static str,
        /// The password's environment variable.
        password_env: &'static str,
    },
}

/// The credentials a shell was given.
#[derive(Clone)]
pub enum Login {
    /// A token or API key.
    Token(String),
    /// A user name and password.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Login::Token(_) => f.write_str("Token(<hidden>)"),
            Login::Basic { user, .. } => write!(f, "Basic({user:?}, <hidden>)"),
        }
    }
}

/// The answer of a call, as a future.
pub type CallResult = Pin<Box<dyn Future<Output = Result<Value, Failure>>>>;

/// A connected client of one provider.
pub trait Backend {
    /// Runs the operation `operation` with the JSON arguments `args`.
    fn call(&self, operation: &str, args: Value) -> CallResult;

    /// Runs the paged list `op` page after page (`--all`); the items of every page, as one
    /// JSON list.
    fn call_all(&self, op: &'static OperationInfo, args: Value) -> CallResult;

    /// Waits for `target` (`--wait`); the last answer looked at, as JSON.
    fn wait(&self, target: &waits::Target, pace: providers::Pace) -> CallResult;
}

/// Makes a [`Backend`] from the credentials and an optional base URL.
pub type Connect = fn(&Login, Option<&str>) -> Result<Box<dyn Backend>, String>;

/// What a shell needs to know about its provider.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// The program's name (`"ma-shell"`).
    pub program: &'static str,
    /// The description line (`"Memset API interactive shell"`).
    pub title: &'static str,
    /// The operations.
    pub catalog: &'static Catalog,
    /// How it authenticates.
    pub auth: Auth,
    /// The short option letter of `--url` (`'u'`, or `'U'` where `-u` is the user name).
    pub url_short: char,
    /// The base URL used without `--url`.
    pub default_url: &'static str,
    /// Makes a client.
    pub connect: Connect,
    /// The embedded simulator `--sim` talks to, if this build has one for the provider.
    pub simulator: Option<&'static Simulator>,
}

/// A provider's embedded simulator (`--sim`).
#[derive(Debug, Clone, Copy)]
pub struct Simulator {
    /// The credentials it accepts.
    pub login: fn() -> Login,
    /// Starts it on 127.0.0.1: its base URL, and a guard that stops it when dropped.
    pub start: StartSimulator,
}

/// Starts a simulator on the current runtime (see [`Simulator::start`]).
pub type StartSimulator =
    fn() -> Pin<Box<dyn Future<Output = std::io::Result<(String, Box<dyn std::any::Any>)>>>>;

impl fmt::Debug for dyn Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Backend")
    }
}

/// The parsed command line.
#[derive(Debug, Default)]
struct Options {
    help: bool,
    version: bool,
    format: Format,
    wait: bool,
    all: bool,
    interval: Option<std::time::Duration>,
    sim: bool,
    url: Option<String>,
    token: Option<String>,
    user: Option<String>,
    password: Option<String>,
    command: Vec<String>,
}

/// The usage text of `-h/--help`.
pub fn usage(provider: &Provider) -> String {
    let line = |left: String, right: String| format!("  {left:<28}{right}\n");
    let auth = match provider.auth {
        Auth::Token { short, long, env, what } => line(
            format!("-{short} KEY, --{long} KEY"),
            format!("the {what} (or the environment variable {env})"),
        ),
        Auth::UserPassword { user_env, password_env } => {
            line("-u USER, --username USER".into(), format!("the user name (or {user_env})"))
                + &line(
                    "-p PASS, --password PASS".into(),
                    format!("the password (or {password_env})"),
                )
        }
    };
    let url = line(
        format!("-{} URL, --url URL", provider.url_short),
        format!("another base URL (default {})", provider.default_url),
    );
    format!(
        "Usage: {program} [options] [command [param_name [(type)] param_value ...] [| file]]\n\
         {title}\n\n\
         Options:\n  \
         -h, --help                  show this help (with a command: its parameters)\n  \
         --version                   show the program's version\n\
         {auth}{url}  \
         -x, --xml                   write results as XML instead of JSON\n  \
         --wait                      after the call, wait until its request, job or resource\n  \
         {blank:28}is done (progress on stderr)\n  \
         --interval SECONDS          with --wait: the pause between two looks\n  \
         --all                       for a paged list: every page, as one list\n  \
         --sim                       talk to an embedded simulator of the API instead (no\n  \
         {blank:28}credentials; it starts with the seeds' example resources)\n\n\
         Commands: 'help' for the local commands, 'help remote' for every remote command,\n\
         'help <command>' for one. Without a command the shell is interactive.\n\n\
         Exit status: 0 done, 2 usage error, 3 invalid argument (nothing sent), 4 API error,\n\
         5 transport failure (no answer), 1 anything else.",
        program = provider.program,
        title = provider.title,
        blank = "",
    )
}

fn parse_options(provider: &Provider, words: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = words.iter();
    while let Some(word) = rest.next() {
        if word == "--" {
            options.command.extend(rest.by_ref().cloned());
            break;
        }
        if !word.starts_with('-') || word == "-" {
            options.command.push(word.clone());
            options.command.extend(rest.by_ref().cloned());
            break;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if word.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (word.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(value) => Ok(value.clone()),
                None => {
                    rest.next().cloned().ok_or_else(|| format!("option {name} requires a value"))
                }
            }
        };
        let url_short = format!("-{}", provider.url_short);
        match (flag, provider.auth) {
            ("-h" | "--help", _) => options.help = true,
            ("--version", _) => options.version = true,
            ("-x" | "--xml", _) => options.format = Format::Xml,
            ("--wait", _) => options.wait = true,
            ("--all", _) => options.all = true,
            ("--sim", _) => options.sim = true,
            ("--interval", _) => {
                let text = value(flag)?;
                let seconds = text.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0);
                let seconds = seconds.filter(|s| *s <= 86_400.0).ok_or_else(|| {
                    format!("--interval takes seconds between 0 and 86400, not {text:?}")
                })?;
                options.interval = Some(std::time::Duration::from_secs_f64(seconds));
            }
            ("--url", _) => options.url = Some(value(flag)?),
            (f, _) if f == url_short => options.url = Some(value(flag)?),
            (f, Auth::Token { short, long, .. })
                if f == format!("-{short}") || f.strip_prefix("--") == Some(long) =>
            {
                options.token = Some(value(flag)?);
            }
            ("-u" | "--username", Auth::UserPassword { .. }) => options.user = Some(value(flag)?),
            ("-p" | "--password", Auth::UserPassword { .. }) => {
                options.password = Some(value(flag)?);
            }
            _ => return Err(format!("no such option: {flag}")),
        }
    }
    Ok(options)
}

fn login(provider: &Provider, options: &Options, io: &Io<'_>) -> Result<Login, String> {
    if options.sim {
        let simulator = provider.simulator.ok_or_else(|| {
            format!("--sim: this build of {} has no simulator (feature `sim`)", provider.program)
        })?;
        return Ok((simulator.login)());
    }
    let env = io.env;
    let nonempty = |value: Option<String>| value.filter(|v| !v.is_empty());
    match provider.auth {
        Auth::Token { short, long, env: var, what } => {
            nonempty(options.token.clone().or_else(|| env(var)))
                .map(Login::Token)
                .ok_or_else(|| format!("No {what} provided (-{short} / --{long}, or {var})"))
        }
        Auth::UserPassword { user_env, password_env } => {
            let user = nonempty(options.user.clone().or_else(|| env(user_env)))
                .ok_or_else(|| format!("No user name provided (-u / --username, or {user_env})"))?;
            let given = nonempty(options.password.clone().or_else(|| env(password_env)));
            // asked for without echo at a terminal, never taken from the command history
            let asked =
                || io.ask_password.and_then(|ask| ask(&format!("Password for {user}: ")).ok());
            let password = given.or_else(|| nonempty(asked())).ok_or_else(|| {
                format!("No password provided (-p / --password, or {password_env})")
            })?;
            Ok(Login::Basic { user, password })
        }
    }
}

/// Asks at the terminal, showing the prompt, and reads a line without echo.
pub type AskPassword = dyn Fn(&str) -> std::io::Result<String>;

/// Where a shell's output goes, and where its environment comes from (the process's own
/// in [`main`]; tests give their own).
pub struct Io<'a> {
    /// Results.
    pub out: &'a mut dyn Write,
    /// Messages and errors.
    pub err: &'a mut dyn Write,
    /// Reads an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Asks for a password without echoing it (`None` when there is no terminal to ask at).
    pub ask_password: Option<&'a AskPassword>,
}

impl fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Io")
    }
}

/// Runs a shell with the process's arguments, environment and standard streams.
pub fn main(provider: &Provider) -> ExitCode {
    let words: Result<Vec<String>, OsString> =
        std::env::args_os().skip(1).map(OsString::into_string).collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    let env = |name: &str| std::env::var(name).ok();
    let ask = |prompt: &str| rpassword::prompt_password(prompt);
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let ask_password: Option<&AskPassword> = if terminal { Some(&ask) } else { None };
    let code = match words {
        Ok(words) => {
            run(provider, &words, &mut Io { out: &mut out, err: &mut err, env: &env, ask_password })
        }
        Err(_) => {
            let _ = writeln!(err, "{}: arguments must be valid UTF-8", provider.program);
            exit::USAGE
        }
    };
    let _ = out.flush();
    ExitCode::from(code)
}

/// Runs a shell with the arguments `words` (without the program name); returns its exit
/// status.
pub fn run(provider: &Provider, words: &[String], io: &mut Io<'_>) -> u8 {
    let options = match parse_options(provider, words) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(io.err, "{}: {message}\n\n{}", provider.program, usage(provider));
            return exit::USAGE;
        }
    };
    if options.version {
        let _ = writeln!(io.out, "{} v{}", provider.program, env!("CARGO_PKG_VERSION"));
        return exit::OK;
    }
    if options.help {
        let text = match options.command.first() {
            Some(name) => match local_help(provider, Some(name)) {
                Ok(text) => text,
                Err(failure) => return report(io, name, failure),
            },
            None => usage(provider),
        };
        let _ = writeln!(io.out, "{text}");
        return exit::OK;
    }
    let Some((command, params)) = options.command.split_first() else {
        return interactive::run(provider, &options, io);
    };
    let mut session = Session::default();
    match execute(provider, &options, &mut session, command, params, false, io) {
        Ok(()) => exit::OK,
        Err(failure) => report(io, command, failure),
    }
}

fn report(io: &mut Io<'_>, command: &str, failure: Failure) -> u8 {
    let _ = writeln!(io.err, "{command}: {}", failure.message);
    failure.code
}

/// The text of `help [topic]`.
fn local_help(provider: &Provider, topic: Option<&str>) -> Result<String, Failure> {
    match topic {
        None => Ok(help::general(provider.program)),
        Some("remote") => Ok(help::remote(provider.catalog)),
        Some("help" | "?") => Ok("help [remote | command]: describes the commands".to_owned()),
        Some("quit") => Ok("quit: ends the interactive session".to_owned()),
        Some(name) => {
            let op = operation(provider, name)?;
            Ok(help::operation(provider.catalog, op))
        }
    }
}

fn operation(
    provider: &Provider,
    name: &str,
) -> Result<&'static cloud_sdks_runtime::catalog::OperationInfo, Failure> {
    provider.catalog.operation(name).ok_or_else(|| {
        let mut known: Vec<&str> = provider.catalog.operations.iter().map(|op| op.name).collect();
        known.extend(provider.catalog.aliases.iter().map(|(alias, _)| *alias));
        Failure::new(
            exit::USAGE,
            format!("command not found{}", cloud_sdks_runtime::suggest::hint(name, &known)),
        )
    })
}

/// A client and a runtime, made at the first remote command and kept for the next ones
/// (with the simulator they talk to, under `--sim`).
#[derive(Default)]
struct Session {
    client: Option<(Box<dyn Backend>, tokio::runtime::Runtime)>,
    simulator: Option<Box<dyn std::any::Any>>,
}

impl Session {
    fn client(
        &mut self,
        provider: &Provider,
        options: &Options,
        io: &Io<'_>,
    ) -> Result<&(Box<dyn Backend>, tokio::runtime::Runtime), Failure> {
        if self.client.is_none() {
            let login = login(provider, options, io).map_err(|m| Failure::new(exit::USAGE, m))?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::new(exit::OTHER, format!("could not start: {e}")))?;
            let mut url = options.url.clone();
            if let (true, Some(simulator)) = (options.sim, provider.simulator) {
                // the simulator's server runs on this runtime, while each call is awaited
                let (base, guard) = runtime.block_on((simulator.start)()).map_err(|e| {
                    Failure::new(exit::OTHER, format!("could not start the simulator: {e}"))
                })?;
                url = Some(base);
                self.simulator = Some(guard);
            }
            let backend = (provider.connect)(&login, url.as_deref())
                .map_err(|m| Failure::new(exit::USAGE, m))?;
            self.client = Some((backend, runtime));
        }
        self.client.as_ref().ok_or_else(|| Failure::new(exit::OTHER, "no client"))
    }
}

/// Runs one command (local or remote) and writes its result; `header` writes
/// `(<command> result)` before a remote command's result, as the interactive mode does.
fn execute(
    provider: &Provider,
    options: &Options,
    session: &mut Session,
    command: &str,
    params: &[String],
    header: bool,
    io: &mut Io<'_>,
) -> Result<(), Failure> {
    let (params, pipe) = match params {
        [rest @ .., bar, file] if bar == "|" => (rest, Some(file.as_str())),
        [.., bar] if bar == "|" => {
            return Err(Failure::new(exit::USAGE, "param | without output filename"));
        }
        all => (all, None),
    };
    let text = match command {
        "help" | "?" => {
            if params.len() > 1 {
                return Err(Failure::new(exit::USAGE, "help takes at most one topic"));
            }
            local_help(provider, params.first().map(String::as_str))?
        }
        "quit" => return Ok(()),
        _ => {
            let op = operation(provider, command)?;
            let args = args::build(provider.catalog, op, params).map_err(|error| match error {
                args::ArgError::Usage(message) => Failure::new(exit::USAGE, message),
                args::ArgError::Invalid(message) => Failure::new(exit::INVALID_ARGUMENT, message),
            })?;
            // what --wait and --all need is checked before anything is sent
            let plan = match options.wait {
                true => Some(waits::plan(provider.catalog, op).map_err(usage_error)?),
                false => None,
            };
            if options.all && op.pages.is_none() {
                return Err(usage_error(format!("--all: {} is not a paged list", op.name)));
            }
            let (backend, runtime) = session.client(provider, options, io)?;
            let call = match options.all {
                true => backend.call_all(op, args.clone()),
                false => backend.call(op.name, args.clone()),
            };
            let value = runtime.block_on(call).map_err(|failure| unprefixed(op, failure))?;
            if header {
                let _ = writeln!(io.out, "({command} result)");
            }
            let text = output::render(&value, options.format);
            if let Some(plan) = plan {
                // the result first, so that it is not lost if the wait fails
                let _ = writeln!(io.out, "{text}");
                let target =
                    plan.target(&args, &value).map_err(|m| Failure::new(exit::OTHER, m))?;
                wait(backend.as_ref(), runtime, options, op, &target, io)?;
                return write_pipe(io, &text, pipe);
            }
            text
        }
    };
    writeln!(io.out, "{text}")
        .map_err(|e| Failure::new(exit::OTHER, format!("could not write the result: {e}")))?;
    write_pipe(io, &text, pipe)
}

/// `--wait`: waits for `target`, progress lines on stderr, then `(<what> done[: state])`.
fn wait(
    backend: &dyn Backend,
    runtime: &tokio::runtime::Runtime,
    options: &Options,
    op: &OperationInfo,
    target: &waits::Target,
    io: &mut Io<'_>,
) -> Result<(), Failure> {
    let what = target.describe();
    let progress = move |state: &str, waited| {
        eprintln!("{}", waits::progress_line(&what, state, waited));
    };
    // a simulator's work takes a few looks: no need to pace them like the API's
    let interval =
        options.interval.or_else(|| options.sim.then_some(std::time::Duration::from_millis(100)));
    let pace = providers::Pace { interval, progress: Box::new(progress) };
    let last = runtime
        .block_on(backend.wait(target, pace))
        .map_err(|failure| Failure::new(exit::OTHER, unprefixed(op, failure).message))?;
    let what = target.describe();
    let _ = match target {
        waits::Target::State { info, .. } => {
            let state = waits::state_of(&last, info.state).unwrap_or_default();
            writeln!(io.err, "({what} done: {state})")
        }
        _ => writeln!(io.err, "({what} done)"),
    };
    Ok(())
}

fn usage_error(message: String) -> Failure {
    Failure::new(exit::USAGE, message)
}

/// The runtime's messages start with the operation's name; the shell's start with the command
/// as typed.
fn unprefixed(op: &OperationInfo, failure: Failure) -> Failure {
    let prefix = format!("{}: ", op.name);
    let message = failure.message.strip_prefix(&prefix).map(str::to_owned);
    Failure { message: message.unwrap_or(failure.message), ..failure }
}

/// The seed's pipe: `... | file` writes the result to `file` as well.
fn write_pipe(io: &mut Io<'_>, text: &str, pipe: Option<&str>) -> Result<(), Failure> {
    if let Some(file) = pipe {
        std::fs::write(file, format!("{text}\n"))
            .map_err(|e| Failure::new(exit::OTHER, format!("could not write {file}: {e}")))?;
        let _ = writeln!(io.err, "(result piped to {file})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_captured(provider: &Provider, words: &[&str]) -> (u8, String, String) {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let env = |_: &str| None;
        let code = run(
            provider,
            &words,
            &mut Io { out: &mut out, err: &mut err, env: &env, ask_password: None },
        );
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("UTF-8");
        (code, text(out), text(err))
    }

    #[test]
    fn help_of_every_operation_of_every_provider_lists_its_parameters() {
        for provider in [&providers::MEMSET, &providers::ONEANDONE, &providers::PROFITBRICKS] {
            let (code, remote, _) = run_captured(provider, &["help", "remote"]);
            assert_eq!(code, exit::OK);
            for op in provider.catalog.operations {
                assert!(
                    remote.contains(op.name),
                    "{}: help remote lists {}",
                    provider.program,
                    op.name
                );
                let (code, out, err) = run_captured(provider, &["help", op.name]);
                assert_eq!((code, err.as_str()), (exit::OK, ""), "{}", op.name);
                assert!(out.starts_with(&format!("{}: ", op.name)), "{out}");
                assert!(out.contains(&format!("Wire: {} {}", op.method, op.path)), "{out}");
                for p in op.params {
                    let need = if p.required { "required" } else { "optional" };
                    let line = format!("  {} ({}, {need})", p.name, p.ty);
                    assert!(out.contains(&line), "{}: no '{line}' in\n{out}", op.name);
                    if let Some(default) = p.default {
                        assert!(
                            out.contains("default: "),
                            "{}.{} default {default:?}",
                            op.name,
                            p.name
                        );
                    }
                    if let cloud_sdks_runtime::catalog::Type::Enum(_, values) = p.ty {
                        assert!(out.contains(&values.join(", ")), "{}.{} values", op.name, p.name);
                    }
                }
            }
            for (alias, _) in provider.catalog.aliases {
                assert_eq!(run_captured(provider, &["help", alias]).0, exit::OK, "{alias}");
            }
            let (code, out, _) = run_captured(provider, &["help"]);
            assert_eq!(code, exit::OK);
            assert!(out.contains("help remote"), "{out}");
        }
    }

    #[test]
    fn no_input_panics_and_odd_command_lines_are_usage_errors() {
        let p = &providers::MEMSET;
        assert_eq!(run_captured(p, &["--url"]).0, exit::USAGE);
        assert_eq!(run_captured(p, &["-x", "--", "help"]).0, exit::OK);
        assert_eq!(run_captured(p, &["quit"]).0, exit::OK);
        assert_eq!(run_captured(p, &["help", "a", "b"]).0, exit::USAGE);
        assert_eq!(run_captured(p, &["", ""]).0, exit::USAGE);
        assert_eq!(run_captured(p, &["-k", "", "service.info", "name", "x"]).0, exit::USAGE);
        let (code, _, err) = run_captured(p, &["-k", "KEY", "service.info", "name", "(nope)", "x"]);
        assert_eq!(code, exit::USAGE);
        assert!(err.starts_with("service.info: unknown value type (nope)"), "{err}");
        let (code, _, err) =
            run_captured(&providers::PROFITBRICKS, &["--api-key", "k", "list_datacenters"]);
        assert_eq!(code, exit::USAGE);
        assert!(err.starts_with("pb-shell: no such option: --api-key"), "{err}");
        let (_, _, err) = run_captured(
            &providers::PROFITBRICKS,
            &["-u", "me", "-p", "pw", "list_datacenters", "depth", "x"],
        );
        assert!(!err.contains("pw"), "{err}");
    }

    #[test]
    fn login_debug_hides_secrets() {
        let login = Login::Basic { user: "me".into(), password: "pw-secret".into() };
        assert!(!format!("{login:?}").contains("pw-secret"));
        assert!(!format!("{:?}", Login::Token("tok-secret".into())).contains("tok-secret"));
    }
}
