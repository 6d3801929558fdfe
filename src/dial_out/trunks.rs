//! The configured `[[outbound_trunk]]`s as the SIP loop uses them: their proxies resolved,
//! their registrations running, their calls counted against `max_concurrent_calls`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Instant;

use anyhow::{bail, Context};
use dialbridge_dialout::trunk::{OutboundTrunk, Transport};
use dialbridge_sip::endpoint::{Endpoint, Peer, RegistrationHandle};
use dialbridge_sip::registration::RegistrationState;

struct TrunkState {
    trunk: OutboundTrunk,
    proxy: SocketAddr,
    active: u32,
    registration: Option<RegistrationHandle>,
}

#[derive(Default)]
pub struct OutboundTrunks {
    trunks: Vec<TrunkState>,
}

impl OutboundTrunks {
    /// Resolves each proxy once, at startup: the SIP loop must not wait on DNS, and a
    /// carrier's proxy name rarely moves (restart to pick up a change).
    pub fn resolve(trunks: Vec<OutboundTrunk>) -> anyhow::Result<Self> {
        let mut resolved = Vec::with_capacity(trunks.len());
        for trunk in trunks {
            if trunk.transport == Transport::Tcp {
                // The SIP shell accepts TCP connections but does not open them yet.
                bail!(
                    "outbound trunk {:?}: transport \"tcp\" is not supported yet; use \"udp\"",
                    trunk.name
                );
            }
            let hostport = trunk.proxy.uri_hostport();
            let proxy = (trunk.proxy.host.as_str(), trunk.proxy.port)
                .to_socket_addrs()
                .with_context(|| {
                    format!(
                        "outbound trunk {:?}: cannot resolve proxy {hostport}",
                        trunk.name
                    )
                })?
                .next()
                .with_context(|| {
                    format!(
                        "outbound trunk {:?}: proxy {hostport} has no address",
                        trunk.name
                    )
                })?;
            resolved.push(TrunkState {
                trunk,
                proxy,
                active: 0,
                registration: None,
            });
        }
        Ok(OutboundTrunks { trunks: resolved })
    }

    pub fn is_empty(&self) -> bool {
        self.trunks.is_empty()
    }

    /// Starts REGISTER for every trunk that authenticates by registration; the endpoint
    /// refreshes them and retries after failures on its own.
    pub fn register_all(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        contact_host: &str,
        contact_port: u16,
    ) -> anyhow::Result<()> {
        for state in &mut self.trunks {
            let Some(config) = state.trunk.registration_config(contact_host, contact_port) else {
                continue;
            };
            let config = config
                .with_context(|| format!("outbound trunk {:?}: registration", state.trunk.name))?;
            tracing::info!(trunk = %state.trunk.name, registrar = %state.proxy, "registering");
            state.registration = Some(endpoint.register(now, config, Peer::udp(state.proxy)));
        }
        Ok(())
    }

    /// Logs what became of the registrations (the endpoint drives them).
    pub fn note_registration_events(&mut self, endpoint: &mut Endpoint) {
        while let Some((handle, state)) = endpoint.poll_registration_event() {
            let name = self
                .trunks
                .iter()
                .find(|t| t.registration == Some(handle))
                .map_or("?", |t| t.trunk.name.as_str());
            match state {
                RegistrationState::Registered { expires, .. } => {
                    tracing::info!(trunk = %name, expires, "registered")
                }
                RegistrationState::Failed { status, reason, .. } => {
                    tracing::warn!(trunk = %name, ?status, %reason, "registration failed; retrying later")
                }
                RegistrationState::Registering => tracing::debug!(trunk = %name, "registering"),
                RegistrationState::Unregistered => tracing::info!(trunk = %name, "unregistered"),
            }
        }
    }

    /// The first trunk with room for one more call.
    pub fn pick(&self) -> Option<usize> {
        self.trunks
            .iter()
            .position(|state| state.trunk.admit_call(state.active).is_ok())
    }

    pub fn trunk(&self, index: usize) -> Option<(&OutboundTrunk, Peer)> {
        self.trunks
            .get(index)
            .map(|state| (&state.trunk, Peer::udp(state.proxy)))
    }

    pub fn call_started(&mut self, index: usize) {
        if let Some(state) = self.trunks.get_mut(index) {
            state.active += 1;
        }
    }

    pub fn call_finished(&mut self, index: usize) {
        if let Some(state) = self.trunks.get_mut(index) {
            state.active = state.active.saturating_sub(1);
        }
    }
}
