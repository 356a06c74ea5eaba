//! `lint --cluster`: flags (kubectl's names) and the hand-over to the live run.

use std::path::PathBuf;

use clap::Args;

use crate::engine::{Options, Outcome};
use crate::input::cluster::{self, FetchOptions, kinds::Needs};
use crate::input::load::{InputError, Inputs};
use crate::rules::{Selection, catalog};

#[derive(Debug, Clone, Default, Args)]
pub struct ClusterArgs {
    /// Lint live objects of the current kubeconfig context; with PATHS, lint the files against the
    /// live state (objects only in the cluster satisfy references; files replace their live copy)
    #[arg(long)]
    pub cluster: bool,
    /// Path to the kubeconfig file [default: KUBECONFIG (several files merged), else ~/.kube/config]
    #[arg(long, value_name = "PATH", requires = "cluster")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use [default: current-context]
    #[arg(
        long,
        value_name = "NAME",
        requires = "cluster",
        conflicts_with = "all_contexts"
    )]
    pub context: Option<String>,
    /// Lint every context of the kubeconfig (concurrently); findings name the context
    #[arg(long, requires = "cluster")]
    pub all_contexts: bool,
    /// List objects in all namespaces [default with --cluster: the context's namespace, or -n]
    #[arg(short = 'A', long, requires = "cluster")]
    pub all_namespaces: bool,
    /// Give up on a request after this long (`30s`, `2m`; `0` waits forever)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub request_timeout: DurationArg,
    /// Objects per list request (`limit`), as kubectl's --chunk-size
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_size: u32,
}

/// A parsed `--request-timeout` (`None`: no timeout).
#[derive(Debug, Clone, Copy, Default)]
pub struct DurationArg(pub Option<std::time::Duration>);

fn parse_timeout(s: &str) -> Result<DurationArg, String> {
    cluster::client::parse_timeout(s).map(DurationArg)
}

impl ClusterArgs {
    /// The paths to read: `.` when none are given, none in live mode.
    pub fn paths(&self, given: &[String]) -> Vec<String> {
        if given.is_empty() && !self.cluster {
            vec![".".to_string()]
        } else {
            given.to_vec()
        }
    }
}

/// Runs the live lint when `--cluster` is given: `inputs.files` is replaced by the user's files
/// plus the rendered live objects, context failures are appended to `errors`, warnings go to
/// stderr. `Ok(None)` without `--cluster`.
pub fn lint_live(
    args: &ClusterArgs,
    inputs: &mut Inputs,
    errors: &mut Vec<InputError>,
    options: &Options,
    namespace: Option<&str>,
    input_limit: (u64, bool),
) -> anyhow::Result<Option<Outcome>> {
    if !args.cluster {
        return Ok(None);
    }
    let fetch = FetchOptions {
        kubeconfig: cluster::kubeconfig_source(args.kubeconfig.clone()),
        context: args.context.clone(),
        all_contexts: args.all_contexts,
        namespace: namespace.map(String::from),
        all_namespaces: args.all_namespaces,
        request_timeout: args.request_timeout.0,
        page_size: args.chunk_size,
        concurrency: 6,
        needs: needs(&options.selection),
        progress: true,
        // What the files took is already spent.
        input_limit: input_limit.0.saturating_sub(
            inputs
                .files
                .iter()
                .map(|f| f.source.text.len() as u64)
                .sum(),
        ),
        input_limit_auto: input_limit.1,
    };
    let (outcome, report) = match crate::live::lint(inputs, &fetch, options, namespace) {
        Ok((outcome, report)) => (Some(outcome), report),
        Err(report) => (None, report),
    };
    for n in &report.notes {
        eprintln!("kubectl-wid: note: {n}");
    }
    for w in &report.warnings {
        eprintln!("kubectl-wid: warning: {w}");
    }
    let Some(outcome) = outcome else {
        // Nothing could be read at all: one clear line per context, exit code 2.
        anyhow::bail!("{}", report.errors.join("\nkubectl-wid: error: "));
    };
    for e in report.errors {
        errors.push(InputError::Walk {
            path: "--cluster".into(),
            message: e,
        });
    }
    Ok(Some(outcome))
}

/// What the rules that will run need listed.
fn needs(selection: &Selection) -> Needs {
    Needs::from_rules(
        catalog()
            .iter()
            .filter(|m| selection.enabled(m))
            .map(|m| (m.id.as_str(), m.provider.as_str())),
    )
}
