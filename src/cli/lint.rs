use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::engine;
use crate::input::load::{self, InputPath};
use crate::report::Report;
use crate::rules::Severity;

use super::{ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

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
    /// Files and directories to lint (directories recursively, .yaml/.yml/.json/.tf, honouring
    /// .gitignore); `-` reads stdin [default: `.`, none with --cluster]
    pub paths: Vec<String>,
    /// Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)
    #[arg(short = 'o', long = "output", value_name = "FORMAT[=FILE]", value_parser = super::ecosystem::OutputSpecParser)]
    pub output: Vec<super::ecosystem::OutputSpec>,
    /// Exit with 1 when a finding has at least this severity [default: error, or the config's fail-on]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Namespace for objects that do not set metadata.namespace [default: default, or the config's namespace]
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Run only these rules (id, name, provider or id prefix; repeatable, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (id, name, provider or id prefix; repeatable, comma-separated)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Largest file (or stdin) to read, e.g. 512M or 2G: a bigger one is an input error
    /// (exit 2) and the rest is linted. Linting takes about ten times a file's size in memory
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = load::parse_size)]
    pub max_file_size: u64,
    /// Most input to read in all, e.g. 2G, or `none`; `auto` is 1/12 of the memory available
    /// (the cgroup's limit or MemAvailable). Past it, the inputs that fit, in order, are linted
    /// and the rest is an input error (exit 2) instead of a run killed for lack of memory
    #[arg(long, value_name = "SIZE|auto|none", default_value = "auto", value_parser = crate::input::limits::InputLimit::parse)]
    pub max_input_size: crate::input::limits::InputLimit,
    /// When to use colour in human output
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub azure: super::azure_args::AzureArgs,
    #[command(flatten)]
    pub cluster: super::cluster_args::ClusterArgs,
    #[command(flatten)]
    pub ecosystem: super::ecosystem::EcosystemArgs,
    #[command(flatten)]
    pub fix: super::fix_args::FixArgs,
}

pub fn run(args: LintArgs) -> anyhow::Result<u8> {
    // Config file, custom rules, selectors, excludes and `--index-root` (span-exact errors).
    let mut prep = super::ecosystem::prepare(
        &args.ecosystem,
        &args.output,
        &args.select,
        &args.ignore,
        args.namespace.as_deref(),
        args.fail_on,
    )?;
    let selection = prep.selection.clone();
    let mut timings = crate::timing::Timer::from_env();

    let (mut paths, mut errors) = prep.discover(&args.cluster.paths(&args.paths));
    timings.lap("discover");
    let stdin = if paths.iter().any(|p| matches!(p, InputPath::Stdin)) {
        match load::read_limited(std::io::stdin().lock(), "-", args.max_file_size) {
            Ok(bytes) => Some(bytes),
            Err(e @ load::InputError::TooLarge { .. }) => {
                errors.push(e);
                paths.retain(|p| !matches!(p, InputPath::Stdin));
                None
            }
            Err(e) => return Err(e).context("reading stdin"),
        }
    } else {
        None
    };
    let limits = load::Limits::new(args.max_file_size, args.max_input_size);
    let mut inputs = load::load_limited(&paths, stdin, limits);
    timings.lap("read+parse");
    errors.append(&mut inputs.errors);
    let options = engine::Options {
        namespace: prep.namespace.clone(),
        selection,
        issuers: args
            .azure
            .issuers
            .iter()
            .chain(&prep.issuers)
            .cloned()
            .collect(),
        audiences: args
            .azure
            .audiences
            .iter()
            .chain(&prep.audiences)
            .cloned()
            .collect(),
        policy: prep.policy.clone(),
    };
    // `--fix` / `--diff`: fixes the inputs in place (then reports what remains) or ends the run.
    if let Some(code) = super::fix_args::run(&args.fix, &mut inputs, &mut errors, &options, &|s| {
        prep.fail_on.fails(s)
    })? {
        return Ok(code);
    }
    let live = super::cluster_args::lint_live(
        &args.cluster,
        &mut inputs,
        &mut errors,
        &options,
        args.namespace.as_deref(),
        (limits.input, limits.input_auto),
    )?;
    let outcome = live.unwrap_or_else(|| engine::lint_then_exit(&inputs, &options));
    timings.lap("model+rules");
    for w in prep.unused_exemption_warnings(&outcome.unused_exemptions) {
        eprintln!("{w}");
    }
    let findings = outcome.findings;

    let report = Report::new(
        &inputs.files,
        &findings,
        &inputs.skipped,
        &errors,
        outcome.documents,
        outcome.objects,
    );
    super::ecosystem::write_outputs(
        &args.output,
        &report,
        &prep,
        &inputs.skipped,
        &errors,
        args.color,
    )?;

    timings.lap("report");
    super::fix_args::hint(&args.fix, &findings);
    let code = if !errors.is_empty() {
        EXIT_ERROR
    } else if findings.iter().any(|f| prep.fail_on.fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    // The process ends after this: freeing millions of tree nodes one by one would only add
    // time (a few percent of a large run); the OS takes the memory back at once.
    std::mem::forget(findings);
    std::mem::forget(inputs);
    Ok(code)
}
