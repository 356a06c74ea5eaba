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
    kubectl_wid::cli::main()
}
