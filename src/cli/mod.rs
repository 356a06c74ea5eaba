//! The command line: parses arguments and wires input → model → rules → report. No logic of its own.

mod catalog_cmds;
mod lint;

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
    Lint(lint::LintArgs),
    /// List every rule in the catalog
    Rules(catalog_cmds::RulesArgs),
    /// Explain one rule: what it checks, why it breaks, an example, the fix and its source
    Explain(catalog_cmds::ExplainArgs),
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
        Command::Lint(args) => lint::run(args),
        Command::Rules(args) => catalog_cmds::rules(args),
        Command::Explain(args) => catalog_cmds::explain(args),
    };
    match code {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("kubectl-wid: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
