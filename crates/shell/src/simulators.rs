//! `--sim`: the embedded simulators of `cloud-sdks-sim`, started on 127.0.0.1 with their
//! default credentials and starting account.

use crate::{Login, Simulator};

/// ProfitBricks: the simulator's default user name and password.
pub static PROFITBRICKS: Simulator = Simulator {
    login: || Login::Basic {
        user: cloud_sdks_sim::profitbricks::DEFAULT_USERNAME.to_owned(),
        password: cloud_sdks_sim::profitbricks::DEFAULT_PASSWORD.to_owned(),
    },
    start: || {
        Box::pin(async {
            let sim = cloud_sdks_sim::Simulator::profitbricks().start().await?;
            let url = sim.base_url().to_owned();
            Ok((url, Box::new(sim) as Box<dyn std::any::Any>))
        })
    },
};
