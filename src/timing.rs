//! `KUBECTL_WID_TIMINGS`: phase times on stderr (`1`), and each rule's own time too (`rules`).
//! Used by `scripts/bench` and for profiling; silent and free when the variable is unset.

use std::time::Instant;

const VAR: &str = "KUBECTL_WID_TIMINGS";

/// Prints the time since the previous lap (or since it was made) at each [`Timer::lap`].
pub struct Timer(Option<Instant>);

impl Timer {
    pub fn from_env() -> Self {
        Self(std::env::var_os(VAR).map(|_| Instant::now()))
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing {phase:<12} {:8.1} ms {:7.1} MiB resident{}",
                start.elapsed().as_secs_f64() * 1e3,
                resident_mib(),
                heap_stats()
            );
            *start = Instant::now();
        }
    }
}

/// Resident memory now (Linux `/proc/self/statm`; 0 elsewhere): memory first touched is the
/// dearest part of a run on small VMs, so each phase shows how much it added.
fn resident_mib() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

/// Whether each rule's time is wanted (`KUBECTL_WID_TIMINGS=rules`).
pub fn per_rule() -> bool {
    std::env::var_os(VAR).is_some_and(|v| v == "rules")
}

/// Live heap bytes now and at most so far (the `heap-stats` feature's allocator).
static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// An allocator that counts the bytes it holds (`cargo build --features heap-stats`): what each
/// phase keeps on the heap, apart from what the OS shows as resident (allocator pages, stacks).
/// Not in normal builds: every allocation from both threads would update one shared counter.
pub struct Counting<A>(A);

impl<A> Counting<A> {
    pub const fn new(inner: A) -> Self {
        Self(inner)
    }
}

// SAFETY: every call is passed to the wrapped allocator unchanged; only counters are updated.
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { self.0.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(bytes: usize) {
    use std::sync::atomic::Ordering::Relaxed;
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

/// `", heap 412.3 MiB (peak 420.0)"` when the counting allocator is in use, else nothing.
fn heap_stats() -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let peak = PEAK.load(Relaxed);
    if peak == 0 {
        return String::new();
    }
    let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
    format!(
        ", heap {:7.1} MiB (peak {:.1})",
        mib(LIVE.load(Relaxed)),
        mib(peak)
    )
}
