//! A counting global allocator.
//!
//! Counts are kept per thread, so tests running in parallel do not disturb
//! each other. Every binary that links `cwmp-testkit` (all test and bench
//! targets of the workspace do) allocates through [`CountingAllocator`].
//!
//! ```
//! use cwmp_testkit::alloc::{assert_no_alloc, measure};
//!
//! assert_no_alloc(|| core::hint::black_box(2 + 2));
//! let (_v, stats) = measure(|| vec![1u8; 16]);
//! assert_eq!(stats.allocations, 1);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Allocation counts of one measured closure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    pub allocations: u64,
    /// Bytes requested by those calls.
    pub bytes: u64,
}

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting each allocation of the current thread.
pub struct CountingAllocator;

fn record(size: usize) {
    // `try_with`: the thread-local may already be gone during thread teardown.
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size as u64));
}

// SAFETY: forwards every call unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters are plain thread-local cells with
// const initialisers, so touching them never allocates or recurses.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Allocations made so far on this thread.
pub fn current() -> AllocStats {
    AllocStats { allocations: ALLOCS.with(Cell::get), bytes: BYTES.with(Cell::get) }
}

/// Runs `f` and returns its result with the allocations it made on this thread.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, AllocStats) {
    let before = current();
    let r = f();
    let after = current();
    (r, AllocStats { allocations: after.allocations - before.allocations, bytes: after.bytes - before.bytes })
}

/// Runs `f` and panics if it allocated on the heap; returns its result.
#[track_caller]
pub fn assert_no_alloc<R>(f: impl FnOnce() -> R) -> R {
    let (r, stats) = measure(f);
    assert_eq!(
        stats.allocations, 0,
        "expected zero heap allocations, saw {} ({} bytes)",
        stats.allocations, stats.bytes
    );
    r
}
