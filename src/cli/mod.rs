//! The command line: parses arguments and wires input → model → rules → report. No logic of its own.

mod azure_args;
mod catalog_cmds;
mod cluster_args;
mod ecosystem;
mod fix_args;
mod generate;
mod lint;
pub mod tooling;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage/IO errors.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-wid",
    bin_name = "kubectl wid",
    version,
    about = "Lint Kubernetes workload identity (Azure Workload ID, EKS Pod Identity/IRSA, GKE) before it breaks at runtime",
    after_help = "Examples:\n  kubectl wid lint deploy/\n  kubectl wid lint -o json manifests/ > findings.json\n  kubectl wid rules\n  kubectl wid explain AZ001"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, directories, `-` for stdin)
    Lint(Box<lint::LintArgs>),
    /// List every rule in the catalog
    Rules(catalog_cmds::RulesArgs),
    /// Explain one rule: what it checks, why it breaks, an example, the fix and its source
    Explain(catalog_cmds::ExplainArgs),
    /// Write the missing resources: ServiceAccounts, federated credentials, trust policies,
    /// associations, IAM bindings (or what a lint run's findings say is missing)
    Generate(Box<generate::GenerateArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completion(tooling::CompletionArgs),
    /// Print the man page (roff) of kubectl-wid or one subcommand
    Man(tooling::ManArgs),
    /// The config file: print its JSON Schema (or a custom rule's), or check a file
    Config(tooling::ConfigArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `auto`: colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Entry point used by `main`: never panics on user input; maps outcomes to exit codes.
pub fn main() -> ExitCode {
    // kubectl ≥ 1.26 completes `kubectl wid <TAB>` by running `kubectl_complete-wid <words…>`:
    // either this binary under that name, or the shipped script calling `kubectl-wid __complete`.
    // `args_os`: `std::env::args` panics on a non-UTF-8 argument; clap reports those itself.
    let mut argv = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let name = argv.next().unwrap_or_default();
    let argv: Vec<String> = argv.collect();
    if tooling::invoked_as_completer(&name) {
        print!("{}", tooling::complete(&argv, true));
        return ExitCode::from(EXIT_CLEAN);
    }
    if let Some(mode) = argv.first().filter(|a| a.starts_with("__complete")) {
        print!("{}", tooling::complete(&argv[1..], mode == "__complete"));
        return ExitCode::from(EXIT_CLEAN);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    let code = match cli.command {
        Command::Lint(args) => lint::run(*args),
        Command::Rules(args) => catalog_cmds::rules(args),
        Command::Explain(args) => catalog_cmds::explain(args),
        Command::Generate(args) => generate::run(*args),
        Command::Completion(args) => tooling::completion(args),
        Command::Man(args) => tooling::man(args),
        Command::Config(args) => tooling::config(args),
    };
    match code {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("kubectl-wid: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
