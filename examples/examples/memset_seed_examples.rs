//! `cargo run -p cloud-sdks-examples --example memset_seed_examples [name]`: the Memset
//! documentation's examples on a server (`myserver1` unless named) — against the simulator, or
//! the real API when `MEMSET_API_KEY` is set.

use cloud_sdks_examples::memset::{seed_examples, target};

#[tokio::main]
async fn main() -> Result<(), cloud_sdks_examples::Failure> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "myserver1".to_owned());
    let target = target().await?;
    seed_examples(&target, &name).await?;
    Ok(())
}
