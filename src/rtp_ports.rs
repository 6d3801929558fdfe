//! RTP port allocation from the configured range.
//!
//! A port counts as taken only while we hold its bound sockets, so another program
//! using a port in the range is simply skipped. The cursor rotates through the range
//! instead of restarting at the bottom, so a port freed by a call that just ended is
//! not handed out again at once (late packets of the old call would reach the new one).

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};

use crate::config::PortRange;

#[derive(Debug)]
pub struct RtpPortPool {
    bind_ip: IpAddr,
    range: PortRange,
    state: Mutex<PoolState>,
}

#[derive(Debug)]
struct PoolState {
    next: u16,
    in_use: HashSet<u16>,
}

/// The RTP and RTCP sockets of one call; dropping it returns the ports to the pool.
#[derive(Debug)]
pub struct RtpPortLease {
    pool: Arc<RtpPortPool>,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
    pub port: u16,
}

impl RtpPortPool {
    pub fn new(bind_ip: IpAddr, range: PortRange) -> Arc<Self> {
        let first_even = range.min + (range.min % 2);
        Arc::new(RtpPortPool {
            bind_ip,
            range,
            state: Mutex::new(PoolState {
                next: first_even,
                in_use: HashSet::new(),
            }),
        })
    }

    /// Number of RTP/RTCP pairs the range holds.
    pub fn capacity(&self) -> usize {
        let first_even = self.range.min + (self.range.min % 2);
        usize::from((self.range.max - first_even).div_ceil(2))
    }

    pub fn in_use(&self) -> usize {
        self.lock().in_use.len()
    }

    /// Binds the next free even port and its RTCP neighbour, or `None` when the range is full.
    pub fn allocate(self: &Arc<Self>) -> Option<RtpPortLease> {
        let mut state = self.lock();
        let first_even = self.range.min + (self.range.min % 2);
        for _ in 0..self.capacity() {
            let port = state.next;
            state.next = match port.checked_add(2) {
                Some(next) if next < self.range.max => next,
                _ => first_even,
            };
            if state.in_use.contains(&port) {
                continue;
            }
            let Some(rtp) = bind(self.bind_ip, port) else {
                continue;
            };
            let Some(rtcp) = bind(self.bind_ip, port + 1) else {
                continue;
            };
            state.in_use.insert(port);
            return Some(RtpPortLease {
                pool: Arc::clone(self),
                rtp,
                rtcp,
                port,
            });
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        // A panic while holding this lock cannot leave the set inconsistent (each
        // update is a single insert or remove), so a poisoned lock is safe to reuse.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn bind(ip: IpAddr, port: u16) -> Option<UdpSocket> {
    let socket = UdpSocket::bind(SocketAddr::new(ip, port)).ok()?;
    socket.set_nonblocking(true).ok()?;
    Some(socket)
}

impl Drop for RtpPortLease {
    fn drop(&mut self) {
        self.pool.lock().in_use.remove(&self.port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn pool(min: u16, max: u16) -> Arc<RtpPortPool> {
        RtpPortPool::new(IpAddr::V4(Ipv4Addr::LOCALHOST), PortRange { min, max })
    }

    #[test]
    fn allocates_even_ports_until_full_and_reuses_after_release() {
        let pool = pool(41001, 41007); // pairs 41002/3, 41004/5, 41006/7
        assert_eq!(pool.capacity(), 3);
        let a = pool.allocate().expect("first");
        let b = pool.allocate().expect("second");
        let c = pool.allocate().expect("third");
        let mut ports = vec![a.port, b.port, c.port];
        ports.sort_unstable();
        assert_eq!(ports, vec![41002, 41004, 41006]);
        assert!(pool.allocate().is_none(), "range exhausted");
        assert_eq!(pool.in_use(), 3);
        let freed = b.port;
        drop(b);
        assert_eq!(pool.in_use(), 2);
        assert_eq!(pool.allocate().expect("after release").port, freed);
    }

    #[test]
    fn skips_ports_held_by_someone_else() {
        let squatter = UdpSocket::bind((Ipv4Addr::LOCALHOST, 41102)).expect("bind squatter");
        let pool = pool(41102, 41105);
        let lease = pool.allocate().expect("allocation skips the busy port");
        assert_eq!(lease.port, 41104);
        drop(squatter);
    }

    #[test]
    fn rotates_instead_of_reusing_the_port_just_freed() {
        let pool = pool(41200, 41205);
        let first = pool.allocate().expect("first");
        let first_port = first.port;
        drop(first);
        assert_ne!(pool.allocate().expect("second").port, first_port);
    }
}
