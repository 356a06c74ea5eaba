// mimalloc: the loader allocates millions of small nodes from two threads; glibc malloc spent
// a tenth of the run in arena growth and free-list upkeep (scripts/bench, perf).
#[cfg(not(feature = "heap-stats"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// `--features heap-stats`: the same allocator, counting live bytes for KUBECTL_WID_TIMINGS.
#[cfg(feature = "heap-stats")]
#[global_allocator]
static GLOBAL: kubectl_wid::timing::Counting<mimalloc::MiMalloc> =
    kubectl_wid::timing::Counting::new(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    small_pages();
    kubectl_wid::cli::main()
}

/// Transparent huge pages off for this process, unless `MIMALLOC_ALLOW_THP` is set (then
/// mimalloc does as it says). mimalloc asks for huge pages for its arenas; each is zeroed
/// whole on first touch, and a run frees and reuses memory in small pieces. Measured on the
/// 2-core benchmark VM (scripts/bench, README "Eighth round"): peak RSS at 10k objects 90 →
/// 52 MiB, and at 200k objects lint's median wall time 2.2 → 1.1 s, the kernel having spent
/// up to 2.4 s zeroing huge pages for the two threads. Costs about 0.03 s at 50k objects.
/// The flag is inherited by child processes (kubeconfig exec credential plugins); they are
/// small and short-lived.
fn small_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes no pointers; it sets a flag on this process and
        // cannot fail in a way that matters (an old kernel without it keeps huge pages).
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
