//! The training step allocates nothing once the trainer exists: a counting global allocator
//! counts this thread's allocations across training steps, for both objectives and both
//! kinetic energies, and across L2HMC's training and sampling iterations. (The loss history is reserved for 4096 entries up front; past that it
//! grows by doubling, one allocation per doubling.)
//!
//! This file has one test on purpose: the allocator is global to the test binary, and the
//! count is per thread, so other tests could not disturb it anyway, but one test keeps the
//! report unambiguous.

#![allow(unsafe_code)] // a GlobalAlloc implementation is unsafe by definition

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use nhf_core::l2hmc::{L2hmc, L2hmcConfig};
use nhf_core::nhf::{FlowConfig, Kinetic, Objective, TrainConfig, Trainer};
use nhf_core::targets::{self, Target};

/// The system allocator, counting the allocations of threads that asked to be counted.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the allocator can be called while thread-locals are being torn down.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
    f();
    COUNTING.with(|on| on.set(false));
    COUNT.with(|c| c.get())
}

#[test]
fn training_steps_allocate_nothing() {
    // The counter itself must see allocations, or a zero below would prove nothing.
    let seen = allocations_in(|| {
        let v: Vec<u64> = std::hint::black_box(vec![1, 2, 3]);
        drop(v);
    });
    assert_eq!(seen, 1, "the counting allocator does not count");

    for (objective, target) in [
        (Objective::Samples, "8gaussians"),
        (Objective::Density, "banana"),
    ] {
        for kinetic in [Kinetic::Fixed, Kinetic::Learned] {
            let target: Arc<dyn Target> = Arc::from(targets::by_id(target).unwrap());
            let config = FlowConfig {
                objective,
                kinetic,
                blocks: 2,
                leapfrog_steps: 4,
                width: 16,
                ..FlowConfig::default()
            };
            let train = TrainConfig {
                batch: 64,
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::new(config, train, target).unwrap();
            // The first step may size buffers; every later step must reuse them.
            trainer.step().unwrap();
            let mut losses = [0.0; 30];
            let n = allocations_in(|| {
                for loss in &mut losses {
                    *loss = trainer.step().unwrap();
                }
            });
            assert!(losses.iter().all(|l| l.is_finite()));
            assert_eq!(
                n, 0,
                "{objective:?} objective, {kinetic:?} kinetic: {n} allocations in 30 steps"
            );
        }
    }

    // L2HMC: its tape, adjoints and fresh starts are reused from one proposal to the next.
    let target = targets::by_id("banana").unwrap();
    let config = L2hmcConfig {
        chains: 8,
        train_iters: 40,
        ..L2hmcConfig::default()
    };
    let mut model = L2hmc::new(config, target.as_ref()).unwrap();
    model.train_step(target.as_ref()).unwrap();
    let n = allocations_in(|| {
        for _ in 0..30 {
            model.train_step(target.as_ref()).unwrap();
        }
    });
    assert_eq!(n, 0, "L2HMC training: {n} allocations in 30 iterations");
    for _ in 0..10 {
        model.train_step(target.as_ref()).unwrap();
    }
    model.sample_step(target.as_ref());
    for chain in &mut model.samples {
        chain.reserve(30);
    }
    let n = allocations_in(|| {
        for _ in 0..30 {
            model.sample_step(target.as_ref());
        }
    });
    assert_eq!(n, 0, "L2HMC sampling: {n} allocations in 30 iterations");
}
