//! `oneandone-shell`: see the `cloud-sdks-shell` README.

fn main() -> std::process::ExitCode {
    cloud_sdks_shell::main(&cloud_sdks_shell::providers::ONEANDONE)
}
