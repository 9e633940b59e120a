//! `cargo run -p cloud-sdks-examples --example oneandone_wait_for`: the 1&1 documentation's
//! `wait_for` walk-through — against the simulator, or the real API when `ONEANDONE_TOKEN` is set.

use cloud_sdks_examples::oneandone::{target, wait_for_walk_through};

#[tokio::main]
async fn main() -> Result<(), cloud_sdks_examples::Failure> {
    let target = target().await?;
    wait_for_walk_through(&target).await?;
    Ok(())
}
