//! `cloud-sdks-sim serve --provider profitbricks --port 0 [--username U] [--password P]
//! [--polls-until-done N] [--done-after-ms MS] [--empty]`, `serve --provider oneandone
//! [--token T] [--polls-until-ready N] [--ready-after-ms MS] [--empty]` or `serve --provider
//! memset [--port N] [--api-key K] [--polls-until-done N] [--empty]`: serves a simulator on
//! 127.0.0.1 and prints its base URL.
//!
//! Every provider also takes `--fault SPEC`, as often as needed: the fault rules of
//! `cloud_sdks_sim::faults`, tried in the order given. A SPEC is `FAULT[@OPERATION][xTIMES]`:
//!
//! - `FAULT` is `rate-limited[:SECONDS]` (a 429 asking for that wait, 1 s unless given),
//!   `status:CODE` (an error status, 400 to 599), `delay:MS` (the normal answer, late),
//!   `drop` (the connection closes unanswered) or `fail-work:MESSAGE` (the call is accepted,
//!   its work fails with the message);
//! - `@OPERATION` limits it to one operation of the provider's catalog (`@list_datacenters`,
//!   `@server.info`), else it hits every request;
//! - `xTIMES` limits it to the next TIMES matching requests, else it applies until the
//!   process ends.
//!
//! `@` always starts the operation and a trailing `x` with digits is always the count, so a
//! message holds neither: `--fault status:503@list_datacentersx2`, `--fault delay:200`,
//! `--fault fail-work:no capacity@create_serverx1`.

use std::process::ExitCode;
use std::time::Duration;

use cloud_sdks_runtime::catalog::Catalog;
use cloud_sdks_sim::faults::{Fault, Rule};
use cloud_sdks_sim::running::{Provider, Running};

const USAGE: &str = "usage: cloud-sdks-sim serve --provider profitbricks [--port N (0 = any free port, the default)] \
[--username U (default sim-user)] [--password P (default sim-password)] [--polls-until-done N (default 2)] [--done-after-ms MS (also done after this time; default off)] [--empty (no public images)]
       cloud-sdks-sim serve --provider memset [--port N] [--api-key K (default 0123456789abcdef0123456789abcdef)] \
[--polls-until-done N (job.status looks until a job is finished; default 2)] [--empty (no services at the start)]
       cloud-sdks-sim serve --provider oneandone [--port N] [--token T (default sim-token)] \
[--polls-until-ready N (default 2)] [--ready-after-ms MS (also ready after this time; default off)] [--empty (no starting account)]
each also takes --fault SPEC, repeatable, SPEC = FAULT[@OPERATION][xTIMES] with FAULT one of rate-limited[:SECONDS], status:CODE (400-599), \
delay:MS, drop, fail-work:MESSAGE; @OPERATION: only that catalog operation; xTIMES: only the next TIMES matching requests \
(e.g. --fault status:503@list_datacentersx2)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cloud-sdks-sim: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The number after `name`, if it is there.
fn number<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    value(args, name)?.map(|text| text.parse().map_err(|e| format!("{name}: {e}"))).transpose()
}

fn value<'a>(args: &'a [String], name: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            args.get(i + 1).map(|v| Some(v.as_str())).ok_or_else(|| format!("{name} needs a value"))
        }
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) != Some("serve") {
        return Err("the only command is `serve`".to_owned());
    }
    let known = [
        "--provider",
        "--port",
        "--username",
        "--password",
        "--polls-until-done",
        "--done-after-ms",
        "--api-key",
        "--token",
        "--polls-until-ready",
        "--ready-after-ms",
        "--fault",
    ];
    // flags that take no value
    let switches = ["--empty"];
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        if switches.contains(&arg.as_str()) {
            continue;
        }
        if !known.contains(&arg.as_str()) {
            return Err(format!("unknown argument {arg:?}"));
        }
        rest.next();
    }
    let empty = args.iter().any(|a| a == "--empty");
    let port = number(args, "--port")?.unwrap_or(0);
    match value(args, "--provider")? {
        #[cfg(feature = "profitbricks")]
        Some("profitbricks") => {
            use cloud_sdks_sim::profitbricks::{DEFAULT_PASSWORD, DEFAULT_USERNAME};
            let mut builder = cloud_sdks_sim::Simulator::profitbricks().port(port).credentials(
                value(args, "--username")?.unwrap_or(DEFAULT_USERNAME),
                value(args, "--password")?.unwrap_or(DEFAULT_PASSWORD),
            );
            if empty {
                builder = builder.empty();
            }
            if let Some(polls) = number(args, "--polls-until-done")? {
                builder = builder.polls_until_done(polls);
            }
            if let Some(ms) = number(args, "--done-after-ms")? {
                builder = builder.done_after(Duration::from_millis(ms));
            }
            let rules = faults(args, &::profitbricks::CATALOG)?;
            serve_until_killed(builder.start().await, port, rules).await
        }
        #[cfg(feature = "memset")]
        Some("memset") => {
            let mut builder = cloud_sdks_sim::Simulator::memset().port(port);
            if let Some(key) = value(args, "--api-key")? {
                builder = builder.api_key(key);
            }
            if let Some(polls) = number(args, "--polls-until-done")? {
                builder = builder.polls_until_done(polls);
            }
            if empty {
                builder = builder.empty();
            }
            let rules = faults(args, &::memset::CATALOG)?;
            serve_until_killed(builder.start().await, port, rules).await
        }
        #[cfg(feature = "oneandone")]
        Some("oneandone") => {
            let token = value(args, "--token")?.unwrap_or(cloud_sdks_sim::oneandone::DEFAULT_TOKEN);
            let mut builder = cloud_sdks_sim::Simulator::oneandone().port(port).token(token);
            if let Some(polls) = number(args, "--polls-until-ready")? {
                builder = builder.polls_until_ready(polls);
            }
            if let Some(ms) = number(args, "--ready-after-ms")? {
                builder = builder.ready_after(Duration::from_millis(ms));
            }
            if empty {
                builder = builder.empty();
            }
            let rules = faults(args, &::oneandone::CATALOG)?;
            serve_until_killed(builder.start().await, port, rules).await
        }
        Some(other) => Err(format!(
            "provider {other:?} is not simulated in this build; the simulated ones are profitbricks, oneandone and memset (each behind the cargo feature of its name)"
        )),
        None => Err("--provider is required".to_owned()),
    }
}

/// The rules of every `--fault` in `args`, in order, for the operations of `catalog`.
fn faults(args: &[String], catalog: &Catalog) -> Result<Vec<Rule>, String> {
    if args.last().is_some_and(|a| a == "--fault") {
        return Err("--fault needs a value".to_owned());
    }
    let specs = args.windows(2).filter(|pair| pair[0] == "--fault").map(|pair| &pair[1]);
    specs
        .map(|spec| fault(spec, catalog).map_err(|why| format!("--fault {spec:?}: {why}")))
        .collect()
}

/// The rule `spec` describes (`FAULT[@OPERATION][xTIMES]`, the module docs), or why it is none.
fn fault(spec: &str, catalog: &Catalog) -> Result<Rule, String> {
    let mut rest = spec;
    let mut times = None;
    if let Some((head, count)) = rest.rsplit_once('x') {
        if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
            let count: u32 = count.parse().map_err(|_| "the count is too large".to_owned())?;
            if count == 0 {
                return Err("x0 would never apply; leave the count out for every request".into());
            }
            times = Some(count);
            rest = head;
        }
    }
    let mut operation = None;
    if let Some((head, name)) = rest.split_once('@') {
        let op = catalog
            .operation(name)
            .ok_or_else(|| format!("{name:?} is no operation of {}", catalog.provider))?;
        operation = Some(op.name);
        rest = head;
    }
    let (kind, value) = match rest.split_once(':') {
        Some((kind, value)) => (kind, Some(value)),
        None => (rest, None),
    };
    let number = |value: &str, what: &str| {
        value.parse::<u64>().map_err(|_| format!("{value:?} is not {what}"))
    };
    let fault = match (kind, value) {
        ("rate-limited", None) => Fault::RateLimited { retry_after: Duration::from_secs(1) },
        ("rate-limited", Some(secs)) => Fault::RateLimited {
            retry_after: Duration::from_secs(number(secs, "a number of seconds")?),
        },
        ("status", Some(code)) => match code.parse::<u16>() {
            Ok(code) if (400..=599).contains(&code) => Fault::Status(code),
            _ => return Err(format!("{code:?} is not an error status (400 to 599)")),
        },
        ("delay", Some(ms)) => Fault::Delay(Duration::from_millis(number(ms, "milliseconds")?)),
        ("drop", None) => Fault::Drop,
        ("fail-work", Some(message)) if !message.is_empty() => Fault::FailWork(message.to_owned()),
        ("drop", Some(_)) => return Err("drop takes no value".to_owned()),
        ("status" | "delay" | "fail-work", _) => {
            return Err(format!("{kind} needs a value: status:CODE, delay:MS, fail-work:MESSAGE"))
        }
        _ => {
            return Err(format!(
                "{kind:?} is no fault; the faults are rate-limited[:SECONDS], status:CODE, delay:MS, drop and fail-work:MESSAGE"
            ))
        }
    };
    let mut rule = Rule::new(fault);
    if let Some(operation) = operation {
        rule = rule.operation(operation);
    }
    if let Some(times) = times {
        rule = rule.times(times);
    }
    Ok(rule)
}

fn cannot_listen(port: u16, error: std::io::Error) -> String {
    format!("cannot listen on port {port}: {error}")
}

/// Prints where the simulator listens, then serves until the process is killed.
async fn serve_until_killed<P: Provider>(
    started: std::io::Result<Running<P>>,
    port: u16,
    rules: Vec<Rule>,
) -> Result<(), String> {
    let sim = started.map_err(|e| cannot_listen(port, e))?;
    rules.into_iter().for_each(|rule| sim.faults().add(rule));
    println!("{}", sim.base_url());
    std::future::pending::<()>().await;
    Ok(())
}

#[cfg(all(test, feature = "profitbricks"))]
mod tests {
    use super::*;

    fn rule(spec: &str) -> Result<Rule, String> {
        fault(spec, &::profitbricks::CATALOG)
    }

    #[test]
    fn fault_specs_read_as_rules() {
        let secs = Duration::from_secs;
        assert_eq!(
            rule("rate-limited"),
            Ok(Rule::new(Fault::RateLimited { retry_after: secs(1) }))
        );
        assert_eq!(
            rule("rate-limited:3@list_datacentersx2"),
            Ok(Rule::new(Fault::RateLimited { retry_after: secs(3) })
                .operation("list_datacenters")
                .times(2))
        );
        assert_eq!(rule("status:503x1"), Ok(Rule::new(Fault::Status(503)).times(1)));
        let delay = Fault::Delay(Duration::from_millis(250));
        assert_eq!(rule("delay:250"), Ok(Rule::new(delay)));
        assert_eq!(
            rule("drop@get_datacenter"),
            Ok(Rule::new(Fault::Drop).operation("get_datacenter"))
        );
        assert_eq!(
            rule("fail-work:no capacity, sorry@create_serverx1"),
            Ok(Rule::new(Fault::FailWork("no capacity, sorry".into()))
                .operation("create_server")
                .times(1))
        );
    }

    #[test]
    fn bad_fault_specs_say_why() {
        for (spec, why) in [
            ("status:99", "not an error status"),
            ("status", "needs a value"),
            ("delay:soon", "not milliseconds"),
            ("drop:now", "takes no value"),
            ("fail-work:", "needs a value"),
            ("explode", "is no fault"),
            ("drop@nowhere", "no operation of profitbricks"),
            ("dropx0", "never apply"),
        ] {
            let error = rule(spec).expect_err(spec);
            assert!(error.contains(why), "{spec}: {error}");
        }
        let args = ["serve", "--fault", "status:99"].map(String::from);
        let error = faults(&args, &::profitbricks::CATALOG).expect_err("refused");
        assert!(error.starts_with("--fault \"status:99\": "), "{error}");
    }
}
