//! `cloud-sdks-sim serve --provider profitbricks --port 0 [--username U] [--password P]
//! [--polls-until-done N] [--done-after-ms MS] [--empty]`, `serve --provider oneandone
//! [--token T] [--polls-until-ready N] [--ready-after-ms MS] [--empty]` or `serve --provider
//! memset [--port N] [--api-key K] [--polls-until-done N] [--empty]`: serves a simulator on
//! 127.0.0.1 and prints its base URL.

use std::process::ExitCode;

const USAGE: &str = "usage: cloud-sdks-sim serve --provider profitbricks [--port N (0 = any free port, the default)] \
[--username U (default sim-user)] [--password P (default sim-password)] [--polls-until-done N (default 2)] [--done-after-ms MS (also done after this time; default off)] [--empty (no public images)]
       cloud-sdks-sim serve --provider memset [--port N] [--api-key K (default 0123456789abcdef0123456789abcdef)] \
[--polls-until-done N (job.status looks until a job is finished; default 2)] [--empty (no services at the start)]
       cloud-sdks-sim serve --provider oneandone [--port N] [--token T (default sim-token)] \
[--polls-until-ready N (default 2)] [--ready-after-ms MS (also ready after this time; default off)] [--empty (no starting account)]";

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
    let port = value(args, "--port")?
        .map_or(Ok(0), |p| p.parse::<u16>().map_err(|e| format!("--port: {e}")))?;
    match value(args, "--provider")? {
        #[cfg(feature = "profitbricks")]
        Some("profitbricks") => {
            let mut builder = cloud_sdks_sim::Simulator::profitbricks().port(port);
            let username = value(args, "--username")?
                .unwrap_or(cloud_sdks_sim::profitbricks::DEFAULT_USERNAME);
            let password = value(args, "--password")?
                .unwrap_or(cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD);
            builder = builder.credentials(username, password);
            if empty {
                builder = builder.empty();
            }
            if let Some(polls) = value(args, "--polls-until-done")? {
                builder = builder.polls_until_done(
                    polls.parse().map_err(|e| format!("--polls-until-done: {e}"))?,
                );
            }
            if let Some(ms) = value(args, "--done-after-ms")? {
                let ms: u64 = ms.parse().map_err(|e| format!("--done-after-ms: {e}"))?;
                builder = builder.done_after(std::time::Duration::from_millis(ms));
            }
            let sim = builder.start().await.map_err(|e| cannot_listen(port, e))?;
            serve_until_killed(sim.base_url().to_owned(), sim).await
        }
        #[cfg(feature = "memset")]
        Some("memset") => {
            let mut builder = cloud_sdks_sim::Simulator::memset().port(port);
            if let Some(key) = value(args, "--api-key")? {
                builder = builder.api_key(key);
            }
            if let Some(polls) = value(args, "--polls-until-done")? {
                builder = builder.polls_until_done(
                    polls.parse().map_err(|e| format!("--polls-until-done: {e}"))?,
                );
            }
            if empty {
                builder = builder.empty();
            }
            let sim = builder.start().await.map_err(|e| cannot_listen(port, e))?;
            serve_until_killed(sim.base_url().to_owned(), sim).await
        }
        #[cfg(feature = "oneandone")]
        Some("oneandone") => {
            let mut builder = cloud_sdks_sim::Simulator::oneandone().port(port);
            builder = builder.token(
                value(args, "--token")?.unwrap_or(cloud_sdks_sim::oneandone::DEFAULT_TOKEN),
            );
            if let Some(polls) = value(args, "--polls-until-ready")? {
                builder = builder.polls_until_ready(
                    polls.parse().map_err(|e| format!("--polls-until-ready: {e}"))?,
                );
            }
            if let Some(ms) = value(args, "--ready-after-ms")? {
                let ms: u64 = ms.parse().map_err(|e| format!("--ready-after-ms: {e}"))?;
                builder = builder.ready_after(std::time::Duration::from_millis(ms));
            }
            if empty {
                builder = builder.empty();
            }
            let sim = builder.start().await.map_err(|e| cannot_listen(port, e))?;
            serve_until_killed(sim.base_url().to_owned(), sim).await
        }
        Some(other) => Err(format!(
            "provider {other:?} is not simulated in this build; the simulated ones are profitbricks, oneandone and memset (each behind the cargo feature of its name)"
        )),
        None => Err("--provider is required".to_owned()),
    }
}

fn cannot_listen(port: u16, error: std::io::Error) -> String {
    format!("cannot listen on port {port}: {error}")
}

/// Prints where the simulator listens, then serves until the process is killed.
async fn serve_until_killed<S>(base_url: String, simulator: S) -> Result<(), String> {
    println!("{base_url}");
    std::future::pending::<()>().await;
    drop(simulator);
    Ok(())
}
