//! The official ProfitBricks Python SDK, in a venv the bench makes under `target/bench/venv`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The SDK release measured (the last of the Cloud API v3 line).
const PACKAGE: &str = "profitbricks==3.1.2";

/// The load script, run with the venv's Python.
const SCRIPT: &str = include_str!("pb_sdk_load.py");

/// The load script at scale (issue 15), for Python 3 and 2.7.
const SCALE_SCRIPT: &str = include_str!("sdk_scale.py");

/// What Python 2.7 gets (in `target/bench/py27`, with `pip install --target`): the official 1&1
/// SDK, and the JSON-RPC library of Memset's "Python JSON-RPC Example" (a Python 2 library).
const PY27_PACKAGES: [&str; 2] = ["1and1==1.8.0", "jsonrpclib==0.1.7"];

/// Installs [`PY27_PACKAGES`] for the Python 2.7 `python` (once); gives the folder to put on
/// its `PYTHONPATH`.
pub fn prepare_py27(work: &Path, python: &Path) -> Result<PathBuf, String> {
    let site = work.join("py27");
    let importable = || {
        Command::new(python)
            .args(["-c", "import oneandone.client, jsonrpclib"])
            .env("PYTHONPATH", &site)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if importable() {
        return Ok(site);
    }
    let mut command = Command::new(python);
    command.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"]);
    command.arg(&site).args(PY27_PACKAGES).env("PYTHONWARNINGS", "ignore");
    run(&mut command, &format!("pip install {}", PY27_PACKAGES.join(" ")))?;
    if importable() {
        Ok(site)
    } else {
        Err(format!("{} are not importable after pip install", PY27_PACKAGES.join(" ")))
    }
}

/// Writes the scale load script next to the venv and gives its path.
pub fn scale_script(work: &Path) -> Result<PathBuf, String> {
    let path = work.join("sdk_scale.py");
    std::fs::write(&path, SCALE_SCRIPT)
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Makes the venv (once) and installs the SDK into it (once); gives the venv's `python`.
pub fn prepare(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let python = venv.join("bin").join("python");
    let installed = || {
        Command::new(&python)
            .args(["-c", "import importlib.metadata as m, sys; sys.exit(m.version('profitbricks') != '3.1.2')"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if installed() {
        return Ok(python);
    }
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv")?;
    }
    run(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            PACKAGE,
        ]),
        &format!("pip install {PACKAGE}"),
    )?;
    if installed() {
        Ok(python)
    } else {
        Err(format!("{PACKAGE} is not importable after pip install"))
    }
}

/// Writes the load script next to the venv and gives its path.
pub fn script(work: &Path) -> Result<PathBuf, String> {
    let path = work.join("pb_sdk_load.py");
    std::fs::write(&path, SCRIPT)
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("cannot run {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
