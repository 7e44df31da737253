//! The clock one core actually runs at, measured: a chain of dependent 64-bit integer
//! multiplies, each waiting for the last (3 cycles of latency on the Intel and AMD cores of
//! docs/PERFORMANCE.md), timed over a second. Virtual machines report their nominal clock in
//! `/proc/cpuinfo` and hide the boost, and the ceilings in GFLOP/s need the real one.
//!
//! `taskset -c 0 cargo run --release --example cpu_clock [latency cycles = 3]`

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let latency: f64 = std::env::args()
        .nth(1)
        .map_or(3.0, |a| a.parse().expect("latency in cycles"));
    let factor = black_box(0x9E37_79B9_7F4A_7C15u64);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let n = 200_000_000u64;
        let mut x = black_box(1u64);
        let start = Instant::now();
        for _ in 0..n {
            // Each multiply needs the previous result: the loop runs at the multiply's latency
            // (the counter's add and the branch run beside it).
            x = x.wrapping_mul(factor);
        }
        black_box(x);
        best = best.min(start.elapsed().as_secs_f64() / n as f64);
    }
    println!(
        "{:.2} GHz (one multiply every {:.3} ns, at {latency} cycles each)",
        latency / best / 1e9,
        best * 1e9
    );
}
