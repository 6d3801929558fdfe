//! Encoded payloads handed to the caller as `Bytes` cut from one reused buffer, so a tick
//! in steady state allocates nothing: once the caller has sent and dropped last tick's
//! payloads, the buffer is whole again and is reused from its start.

use bytes::{Bytes, BytesMut};

/// Room for many ticks' payloads (a 20 ms G.711 packet is 160 bytes; a tick encodes once
/// per codec group plus once per speaker).
const CHUNK: usize = 32 * 1024;

#[derive(Debug)]
pub struct PayloadArena {
    buffer: BytesMut,
}

impl PayloadArena {
    pub fn new() -> Self {
        PayloadArena {
            buffer: BytesMut::with_capacity(CHUNK),
        }
    }

    /// Called at the start of a tick, when the caller has normally dropped every earlier
    /// payload: takes the whole buffer back once it is half used, so the payloads of a tick
    /// never run out of room halfway (when some of them would still be held).
    pub fn begin_tick(&mut self) {
        if self.buffer.capacity() < CHUNK / 2 {
            self.buffer.reserve(CHUNK);
        }
    }

    /// A shared copy of `payload`; clones of it share the memory.
    pub fn store(&mut self, payload: &[u8]) -> Bytes {
        if self.buffer.capacity() < payload.len() {
            // Reclaims the whole buffer when every earlier payload has been dropped,
            // otherwise starts a new one (the old one is freed with its last payload).
            self.buffer.reserve(CHUNK.max(payload.len()));
        }
        self.buffer.extend_from_slice(payload);
        self.buffer.split().freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_independent_and_memory_is_reused_once_dropped() {
        let mut arena = PayloadArena::new();
        let first = arena.store(b"abc");
        let second = arena.store(b"defg");
        assert_eq!(&first[..], b"abc");
        assert_eq!(&second[..], b"defg");
        let start = first.as_ptr();
        drop((first, second));
        // Storing and dropping one payload at a time, the buffer fills up, is reclaimed
        // whole, and the next payload lands at its start again.
        let reused = (0..=CHUNK / 100 + 1).any(|_| arena.store(&[7; 100]).as_ptr() == start);
        assert!(reused);
    }
}
