//! Waiting for the state a power action leads to: after `POWER_ON` a server is up when it is
//! `POWERED_ON`, after `POWER_OFF` when it is `POWERED_OFF`. A plain
//! [`ServerHandle::wait_for`] cannot know which action came before, so it keeps the SDK's set
//! (`ACTIVE`, `POWERED_ON` or `POWERED_OFF`); these know it.

use crate::handles::ServerHandle;
use crate::models::{ResourceState, ServerAction, ServerActionMethod, ServerStatus};
use crate::{Client, ErrorKind, Wait};

/// The states a server ends in after `action`: `POWERED_ON` after `POWER_ON` and `REBOOT`,
/// `POWERED_OFF` after `POWER_OFF`; the SDK's set for an action this crate does not know.
pub fn states_after(action: &ServerAction) -> Vec<ResourceState> {
    match action {
        ServerAction::PowerOn | ServerAction::Reboot => vec![ResourceState::PoweredOn],
        ServerAction::PowerOff => vec![ResourceState::PoweredOff],
        _ => vec![ResourceState::Active, ResourceState::PoweredOn, ResourceState::PoweredOff],
    }
}

impl ServerHandle {
    /// Waits until the server reaches the state `action` leads to ([`states_after`]), e.g.
    /// after `client.modify_server_status(id, ServerAction::PowerOn, ..)`.
    // `#[inline]`, as the generated calls: it instantiates the generic send path, which is
    // then compiled in the crates that wait, not in this crate's own build
    #[inline]
    pub fn wait_after(&self, action: &ServerAction) -> Wait<ServerStatus, ErrorKind> {
        self.wait_for_state(states_after(action))
    }
}

impl Client {
    /// Sends `modify_server_status` with `action` and `method`, then waits until the server
    /// reaches the state the action leads to ([`states_after`]): one call that returns once a
    /// powered-on server is up, not as soon as it reads `POWERED_OFF`.
    ///
    /// The wait's pace is set with the setters of the returned [`Wait`]; an error of the
    /// action ends it.
    pub fn modify_server_status_and_wait(
        &self,
        server_id: impl Into<String>,
        action: impl Into<ServerAction>,
        method: impl Into<ServerActionMethod>,
    ) -> Wait<ServerStatus, ErrorKind> {
        let (server_id, action) = (server_id.into(), action.into());
        let send = self.modify_server_status(server_id.clone(), action.clone(), method).send();
        self.server(server_id).wait_after(&action).after(send)
    }
}
