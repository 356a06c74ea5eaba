fn main() -> std::process::ExitCode {
    kubectl_wid::cli::main()
}
