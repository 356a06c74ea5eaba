use std::io::{Read, Write};

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};

use crate::engine;
use crate::input::load::{self, InputPath};
use crate::report::{self, Report};
use crate::rules::{Selection, Severity};

use super::{ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files and directories to lint (directories recursively, .yaml/.yml/.json, honouring
    /// .gitignore); `-` reads stdin
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(short = 'o', long = "output", value_enum, default_value = "human")]
    pub output: OutputFormat,
    /// Exit with 1 when a finding has at least this severity
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Namespace for objects that do not set metadata.namespace
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// Run only these rules (id, name, provider or id prefix; repeatable, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (id, name, provider or id prefix; repeatable, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// When to use colour in human output
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

pub fn run(args: LintArgs) -> anyhow::Result<u8> {
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let unknown = selection.unknown_patterns();
    if !unknown.is_empty() {
        bail!(
            "unknown rule selector(s): {} (see `kubectl wid rules`)",
            unknown.join(", ")
        );
    }

    let (paths, mut errors) = load::discover(&args.paths);
    let stdin = if paths.iter().any(|p| matches!(p, InputPath::Stdin)) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
        Some(bytes)
    } else {
        None
    };
    let mut inputs = load::load(&paths, stdin);
    errors.append(&mut inputs.errors);
    let options = engine::Options {
        namespace: args.namespace.clone(),
        selection,
    };
    let outcome = engine::lint(&inputs, &options);
    let findings = outcome.findings;

    let report = Report::new(
        &inputs.files,
        &findings,
        &inputs.skipped,
        &errors,
        outcome.documents,
        outcome.objects,
    );
    let rendered = match args.output {
        OutputFormat::Human => {
            let mut err = std::io::stderr().lock();
            for e in &errors {
                let _ = writeln!(err, "kubectl-wid: error: {e}");
            }
            for s in &inputs.skipped {
                let _ = writeln!(err, "kubectl-wid: note: skipped {}: {}", s.path, s.reason);
            }
            report::human::render(&report, args.color.enabled())
        }
        OutputFormat::Json => report::json::render(&report),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();

    Ok(if !errors.is_empty() {
        EXIT_ERROR
    } else if findings.iter().any(|f| args.fail_on.fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
