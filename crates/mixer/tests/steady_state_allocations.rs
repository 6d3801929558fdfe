//! A tick in steady state allocates nothing, once the caller drops the previous tick's
//! payloads: the packet list, the payload buffer, the speaker lists and the event queue are
//! all reused. Counted with an instrumented global allocator, in a test binary of its own
//! without the test harness (whose threads would allocate meanwhile).

#![allow(clippy::unwrap_used)]

mod support;

use std::alloc::System;
use std::time::{Duration, Instant};

use dialbridge_media::codec::{CodecKind, Frame};
use dialbridge_mixer::{Conference, MixerConfig};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use support::{dc, key, CopyPcm, PCMU_20};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let mut conference: Conference<u32> = Conference::new(MixerConfig::default(), CopyPcm::factory);
    for id in 0..60 {
        let codec = match id % 3 {
            0 => PCMU_20,
            1 => key(CodecKind::Pcmu, 40),
            _ => key(CodecKind::Pcma, 30),
        };
        conference.add(id, codec).unwrap();
    }
    let frames: Vec<Frame> = (0..60)
        .map(|id| dc(if id < 6 { 1000 + id as i16 * 500 } else { 50 }))
        .collect();
    let mut now = Instant::now();
    // Speakers rotate every 25 ticks among the six talkers, three at a time, so the measured
    // run includes speaker changes and switches between shared and own streams.
    let mut run = |ticks: u32, conference: &mut Conference<u32>| {
        let mut sent = 0usize;
        for tick in 0..ticks {
            now += Duration::from_millis(20);
            let phase = (tick / 25) as usize % 2;
            let inputs = frames.iter().enumerate().filter_map(|(id, frame)| {
                let talker = id < 6;
                (!talker || id % 2 == phase).then_some((id as u32, frame))
            });
            for packet in conference.tick(now, inputs) {
                sent += packet.payload.len();
            }
            while conference.poll_event().is_some() {}
        }
        sent
    };
    // Warm up: let every list and buffer reach its working size.
    assert!(run(200, &mut conference) > 0);
    let region = Region::new(GLOBAL);
    let sent = run(500, &mut conference);
    let change = region.change();
    assert!(sent > 0);
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "500 ticks of 60 participants allocated"
    );
    println!("steady_state_allocations: 500 ticks, 60 participants, no allocation: ok");
}
