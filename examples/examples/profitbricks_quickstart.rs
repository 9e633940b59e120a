//! `cargo run -p cloud-sdks-examples --example profitbricks_quickstart`: a data center with a
//! server, a volume and a NIC, waited for, listed and deleted — against the simulator, or the
//! real API when `PROFITBRICKS_USERNAME` and `PROFITBRICKS_PASSWORD` are set.

use cloud_sdks_examples::profitbricks::{quickstart, target};

#[tokio::main]
async fn main() -> Result<(), cloud_sdks_examples::Failure> {
    let target = target().await?;
    quickstart(&target).await?;
    Ok(())
}
