// mimalloc: the loader allocates millions of small nodes from two threads; glibc malloc spent
// a tenth of the run in arena growth and free-list upkeep (scripts/bench, perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kubectl_wid::cli::main()
}
