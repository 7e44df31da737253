//! Criterion benchmarks of one training step (loss, exact gradient, Adam update) for the two
//! configurations of docs/PERFORMANCE.md, samples objective on 8gaussians as in the JAX reference's
//! `bench_jax.py`:
//! - standard: B = 512, W = 32, L = 10, K = 4 (one thread, and the batch split over 2 threads);
//! - small: B = 256, W = 16, L = 5, K = 2;
//!
//! and, in the group `kernels`, the standard step on one thread with each kernel variant this
//! CPU has: the baseline lanes (SSE2, the ones wasm mirrors), the exact AVX and AVX-512VL
//! clones (the default takes the widest), and the opt-in fast clones (AVX + FMA, AVX-512VL +
//! FMA), so their ratios come from one run.
//!
//! `cargo bench --bench training_step`; `scripts/bench_vs_jax.sh` sets the same configurations
//! against JAX in alternating runs (docs/PERFORMANCE.md).

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use nhf_playground::nhf::{FlowConfig, Objective, TrainConfig, Trainer};
use nhf_playground::targets;

/// A trainer for `B, W, L, K` on 8gaussians, warmed up by a few steps.
fn trainer(
    batch: usize,
    width: usize,
    leapfrog_steps: usize,
    blocks: usize,
    threads: usize,
) -> Trainer {
    let config = FlowConfig {
        blocks,
        leapfrog_steps,
        dt: 0.1,
        width,
        objective: Objective::Samples,
        ..FlowConfig::default()
    };
    let train = TrainConfig {
        batch,
        ..TrainConfig::default()
    };
    let target = Arc::from(targets::by_id("8gaussians").expect("8gaussians exists"));
    let mut trainer = Trainer::new(config, train, target).expect("a valid configuration");
    trainer.set_threads(threads);
    for _ in 0..5 {
        trainer.step().expect("a finite step");
    }
    trainer
}

/// docs/MATH.md §4's cost model: 16·B·K·(L+1)·W² FLOPs per step, as criterion's throughput.
fn step_flops(batch: usize, width: usize, leapfrog_steps: usize, blocks: usize) -> Throughput {
    Throughput::Elements((16 * batch * blocks * (leapfrog_steps + 1) * width * width) as u64)
}

fn training_step(c: &mut Criterion) {
    // As the native entry does: `NHF_NO_AVX=1 cargo bench` measures the baseline kernels.
    if std::env::var_os("NHF_NO_AVX").is_some() {
        nhf_playground::nhf::lanes::set_avx_allowed(false);
    }
    let mut group = c.benchmark_group("training_step");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(6));
    for (name, b, w, l, k, threads) in [
        ("standard B512 W32 L10 K4", 512, 32, 10, 4, 1),
        ("standard B512 W32 L10 K4, 2 threads", 512, 32, 10, 4, 2),
        ("small B256 W16 L5 K2", 256, 16, 5, 2, 1),
    ] {
        let mut t = trainer(b, w, l, k, threads);
        group.throughput(step_flops(b, w, l, k));
        group.bench_function(name, |bench| {
            bench.iter(|| t.step().expect("a finite step"));
        });
    }
    group.finish();
}

/// The standard step with each kernel variant (see the module comment).
fn kernel_variants(c: &mut Criterion) {
    use nhf_playground::nhf::lanes::{
        fast_kernels_available, kernels_in_use, set_avx_allowed, set_avx512_allowed,
        set_fast_kernels,
    };
    let mut group = c.benchmark_group("kernels");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(6));
    group.throughput(step_flops(512, 32, 10, 4));
    // (AVX, AVX-512VL, fast): the baseline, the exact clones, the fast clones; on a CPU
    // without AVX-512 the AVX-512 variants run the AVX ones and are skipped by name.
    let mut variants = vec![
        (false, false, false),
        (true, false, false),
        (true, true, false),
    ];
    if fast_kernels_available() {
        variants.extend([(true, false, true), (true, true, true)]);
    }
    let mut seen = std::collections::HashSet::new();
    for (avx, avx512, fast) in variants {
        set_avx_allowed(avx);
        set_avx512_allowed(avx512);
        set_fast_kernels(fast);
        // The name says what actually ran; a CPU without AVX has one exact variant only.
        let name = format!("standard B512 W32 L10 K4, {}", kernels_in_use());
        if !seen.insert(name.clone()) {
            continue;
        }
        let mut t = trainer(512, 32, 10, 4, 1);
        group.bench_function(name, |bench| {
            bench.iter(|| t.step().expect("a finite step"));
        });
    }
    set_avx_allowed(true);
    set_avx512_allowed(true);
    set_fast_kernels(false);
    group.finish();
}

criterion_group!(benches, training_step, kernel_variants);
criterion_main!(benches);
