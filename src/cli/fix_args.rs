//! `lint --fix`, `--unsafe-fixes` and `--diff`: wiring only; the engine is `crate::fix`.

use std::io::Write;
use std::path::Path;

use clap::Args;

use crate::engine::Options;
use crate::fix::{self, Level};
use crate::input::load::{InputError, Inputs, load_text};
use crate::report::{Report, human};
use crate::rules::Severity;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Clone, Default, Args)]
pub struct FixArgs {
    /// Apply safe fixes in place (atomically; `-` writes the fixed stream to stdout), then report
    /// what remains
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// With --fix or --diff: also apply unsafe fixes (they can drop a comment or change meaning;
    /// review them)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and change nothing; exit 1 if anything would change
    #[arg(long)]
    pub diff: bool,
}

/// Runs the fix step of `lint`. `None`: go on and report the (fixed) inputs as usual;
/// `Some(code)`: the run is over (`--diff`, or the report went to stderr because stdout carries
/// the fixed stdin stream).
pub fn run(
    args: &FixArgs,
    inputs: &mut Inputs,
    errors: &mut Vec<InputError>,
    options: &Options,
    fails: &dyn Fn(Severity) -> bool,
) -> anyhow::Result<Option<u8>> {
    if args.unsafe_fixes && !args.fix && !args.diff {
        anyhow::bail!("--unsafe-fixes needs --fix or --diff");
    }
    if !args.fix && !args.diff {
        return Ok(None);
    }
    let level = if args.unsafe_fixes {
        Level::Unsafe
    } else {
        Level::Safe
    };
    let plan = fix::plan(inputs, options, level);
    let mut err = std::io::stderr().lock();
    for note in &plan.notes {
        let _ = writeln!(err, "kubectl-wid: note: {note}");
    }
    if args.diff {
        let mut out = std::io::stdout().lock();
        for f in &plan.files {
            let _ = out.write_all(fix::diff::unified(f).as_bytes());
        }
        let _ = out.flush();
        let _ = writeln!(
            err,
            "kubectl-wid: {} fixable finding(s) in {} file(s); nothing written (--diff)",
            plan.fixed,
            plan.files.len()
        );
        return Ok(Some(if plan.files.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        }));
    }

    let stdin_fixed = plan
        .files
        .iter()
        .find(|f| f.path == "-")
        .map(|f| f.bytes().into_owned());
    // Files are written on all cores: each write is atomic and durable on its own (two
    // fsyncs), and waiting for them one after another was most of `--fix` on big trees.
    // Errors are reported in the plan's order.
    let written: Vec<(&fix::FixedFile, std::io::Result<()>)> = {
        use rayon::prelude::*;
        plan.files
            .par_iter()
            .filter(|f| f.path != "-")
            .map(|f| (f, fix::write::write_atomic(Path::new(&f.path), &f.bytes())))
            .collect()
    };
    let mut not_written: Vec<&str> = Vec::new();
    for (f, result) in written {
        if let Err(source) = result {
            not_written.push(&f.path);
            errors.push(InputError::Io {
                path: f.path.clone(),
                source,
            });
        }
    }
    if plan.fixed > 0 {
        let _ = writeln!(
            err,
            "kubectl-wid: fixed {} finding(s) in {} file(s)",
            plan.fixed,
            plan.files.len()
        );
    }
    // Report what remains: re-load the fixed texts (only those actually written). By path,
    // the first fixed file of each (a scan per input was quadratic in big trees).
    let mut fixed_by_path: std::collections::HashMap<&str, &fix::FixedFile> =
        std::collections::HashMap::new();
    for f in &plan.files {
        fixed_by_path.entry(f.path.as_str()).or_insert(f);
    }
    for loaded in inputs.files.iter_mut() {
        let Some(&f) = fixed_by_path.get(loaded.source.path.as_str()) else {
            continue;
        };
        if !not_written.contains(&f.path.as_str())
            && let Some(reloaded) = load_text(&f.path, &f.fixed)
        {
            *loaded = reloaded;
        }
    }
    let has_stdin = inputs.files.iter().any(|f| f.source.path == "-");
    if !has_stdin {
        return Ok(None);
    }
    // stdout carries the stream (fixed or not); the findings go to stderr.
    // In the encoding it came in (UTF-16 stays UTF-16).
    let stream = stdin_fixed.unwrap_or_else(|| {
        inputs
            .files
            .iter()
            .find(|f| f.source.path == "-")
            .map(|f| f.source.encoding.encode(&f.source.text).into_owned())
            .unwrap_or_default()
    });
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&stream);
    let _ = out.flush();
    let outcome = crate::engine::lint(inputs, options);
    let report = Report::new(
        &inputs.files,
        &outcome.findings,
        &inputs.skipped,
        errors,
        outcome.documents,
        outcome.objects,
    );
    for e in errors.iter() {
        let _ = writeln!(err, "kubectl-wid: error: {e}");
    }
    let _ = err.write_all(human::render(&report, false).as_bytes());
    Ok(Some(if !errors.is_empty() {
        EXIT_ERROR
    } else if outcome.findings.iter().any(|f| fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// On a terminal, after a plain `lint`: how many findings `--fix` (and `--unsafe-fixes`) would
/// repair. Never printed into a pipe or a CI log, where stderr is parsed or noise.
pub fn hint(args: &FixArgs, findings: &[crate::rules::Finding]) {
    use std::io::IsTerminal;
    if args.fix || args.diff || !std::io::stderr().is_terminal() {
        return;
    }
    let safe = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|fx| {
            fx.edits.iter().any(|e| {
                e.applicability.unwrap_or(fx.applicability)
                    == crate::rules::catalog::Applicability::Safe
            })
        })
        .count();
    let all = findings.iter().filter(|f| f.fix.is_some()).count();
    if all == 0 {
        return;
    }
    let more = if all > safe {
        format!(" ({} more with `--unsafe-fixes`)", all - safe)
    } else {
        String::new()
    };
    eprintln!(
        "kubectl-wid: {safe} finding(s) can be fixed with `--fix`{more}; `--diff` shows the changes first"
    );
}
