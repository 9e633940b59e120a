//! `--sim`: the embedded simulators of `cloud-sdks-sim`, started on 127.0.0.1 with their
//! default credentials and starting account.

use std::any::Any;

use crate::{Login, Simulator};

/// A started simulator: its base URL and the guard that stops it.
fn started(url: String, guard: impl Any) -> (String, Box<dyn Any>) {
    (url, Box::new(guard))
}

/// ProfitBricks: the simulator's default user name and password.
pub static PROFITBRICKS: Simulator = Simulator {
    login: || Login::Basic {
        user: cloud_sdks_sim::profitbricks::DEFAULT_USERNAME.to_owned(),
        password: cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD.to_owned(),
    },
    start: || {
        Box::pin(async {
            let sim = cloud_sdks_sim::Simulator::profitbricks().start().await?;
            Ok(started(sim.base_url().to_owned(), sim))
        })
    },
};

/// 1&1: the simulator's default token.
pub static ONEANDONE: Simulator = Simulator {
    login: || Login::Token(cloud_sdks_sim::oneandone::DEFAULT_TOKEN.to_owned()),
    start: || {
        Box::pin(async {
            let sim = cloud_sdks_sim::Simulator::oneandone().start().await?;
            Ok(started(sim.base_url().to_owned(), sim))
        })
    },
};

/// Memset: the simulator's default API key; the account of the seed's examples (`myserver1`,
/// `mystorage1`).
pub static MEMSET: Simulator = Simulator {
    login: || Login::Token(cloud_sdks_sim::memset::DEFAULT_API_KEY.to_owned()),
    start: || {
        Box::pin(async {
            let sim = cloud_sdks_sim::Simulator::memset().start().await?;
            Ok(started(sim.base_url().to_owned(), sim))
        })
    },
};
