//! `cargo run -p cloud-sdks-examples --example profitbricks_seed_examples`: the examples of
//! the ProfitBricks documentation — list data centers, reserve an IP block, a simple and a
//! composite server — against the simulator, or the real API when credentials are set.

use cloud_sdks_examples::profitbricks::{seed_examples, target};

#[tokio::main]
async fn main() -> Result<(), cloud_sdks_examples::Failure> {
    let target = target().await?;
    seed_examples(&target).await?;
    Ok(())
}
