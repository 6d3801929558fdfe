//! Runs exactly N ticks of the bench's conference, for instruction counts that do not depend
//! on the machine's load (criterion's wall-clock figures do):
//!
//! ```sh
//! cargo build --release -p dialbridge-mixer --example tick_cost
//! valgrind --tool=callgrind target/release/examples/tick_cost 250 2 1000
//! ```
//!
//! Arguments: participants, talkers, ticks, and `groups` for the four-codec-group variant.
//! Subtracting a run of 0 ticks from a run of N gives the instructions of N ticks.

#![allow(clippy::unwrap_used)]

#[path = "../benches/support/g711_like.rs"]
mod g711_like;

use std::time::{Duration, Instant};

use g711_like::{setup, FOUR_GROUPS, PCMU_20};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u32| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (participants, talkers, ticks) = (number(0, 250), number(1, 2), number(2, 1000));
    let codecs = if args.get(3).map(String::as_str) == Some("groups") {
        &FOUR_GROUPS[..]
    } else {
        &[PCMU_20][..]
    };
    let (mut conference, frames) = setup(participants, talkers, codecs);
    let mut now = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..ticks {
        now += Duration::from_millis(20);
        let inputs = frames.iter().enumerate().map(|(id, f)| (id as u32, f));
        for packet in conference.tick(now, inputs) {
            bytes += packet.payload.len();
        }
        while conference.poll_event().is_some() {}
    }
    println!(
        "{ticks} ticks, {participants} participants, {talkers} talkers: {bytes} payload bytes"
    );
}
