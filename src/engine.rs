//! One lint run, independent of the CLI: inputs in, findings and counts out.

use crate::input::load::Inputs;
use crate::model::Model;
use crate::rules::{self, Finding, Selection};

#[derive(Debug, Clone)]
pub struct Options {
    /// Namespace for objects without `metadata.namespace`.
    pub namespace: String,
    pub selection: Selection,
    /// OIDC issuer URLs of the target cluster(s) (`--issuer`, config file): FIC issuers must
    /// equal one of them byte for byte. Empty: issuer checks are limited to the format.
    pub issuers: Vec<String>,
    /// Token audiences the clusters' Azure webhooks project (`--audience`, config file); empty
    /// means the default `api://AzureADTokenExchange`.
    pub audiences: Vec<String>,
    /// Custom rules, severity overrides, suppressions, `--index-root` (see `crate::suppress`).
    pub policy: crate::suppress::Policy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            namespace: "default".into(),
            selection: Selection::default(),
            issuers: Vec::new(),
            audiences: Vec::new(),
            policy: crate::suppress::Policy::default(),
        }
    }
}

#[derive(Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub documents: usize,
    pub objects: usize,
    /// Indices of config exemptions (`Policy::exemptions`) that matched no finding.
    pub unused_exemptions: Vec<usize>,
}

/// Builds the cross-file model over all inputs at once and runs the selected rules.
pub fn lint(inputs: &Inputs, options: &Options) -> Outcome {
    run(inputs, options, Release::Free)
}

/// As [`lint`], for a process that ends once the findings are reported (the CLI's last run):
/// the model is left to the OS instead of being freed piece by piece on one core, which took
/// 30 ms at 200k objects (11 ms without the provider views).
pub fn lint_then_exit(inputs: &Inputs, options: &Options) -> Outcome {
    run(inputs, options, Release::LeaveToOs)
}

#[derive(PartialEq)]
enum Release {
    Free,
    LeaveToOs,
}

fn run(inputs: &Inputs, options: &Options, release: Release) -> Outcome {
    let mut timer = crate::timing::Timer::from_env();
    let mut model = Model::build(&inputs.files, &options.namespace);
    model.cluster_issuers = options.issuers.clone();
    model.token_audiences = options.audiences.clone();
    timer.lap("  model");
    let mut findings = rules::run(&model, &options.selection);
    drop_fixes_in_terraform_json(inputs, &mut findings);
    timer.lap("  rules");
    let (findings, unused_exemptions) =
        crate::suppress::finish(&model, findings, &options.selection, &options.policy);
    timer.lap("  suppress");
    let outcome = Outcome {
        findings,
        documents: model.document_count(),
        objects: model.objects.len(),
        unused_exemptions,
    };
    if release == Release::LeaveToOs {
        std::mem::forget(model);
    }
    outcome
}

/// Fixes are edits in the syntax the rule read (YAML, HCL); in a `.tf.json` file the same value
/// sits inside a JSON string, where such an edit would be wrong. Their findings are reported
/// without a fix.
fn drop_fixes_in_terraform_json(inputs: &Inputs, findings: &mut [rules::Finding]) {
    let is_tf_json = |file: crate::input::FileId| {
        inputs
            .files
            .get(file.0)
            .is_some_and(|f| crate::input::terraform::json::is_terraform_json_path(&f.source.path))
    };
    for f in findings {
        let file = f.file;
        if f.fix
            .as_ref()
            .is_some_and(|fix| fix.edits.iter().any(|e| is_tf_json(e.file.unwrap_or(file))))
        {
            f.fix = None;
        }
    }
}

/// Lints in-memory texts (tests, `explain` examples).
pub fn lint_texts(texts: &[(&str, &str)], options: &Options) -> (Inputs, Outcome) {
    let mut inputs = Inputs::default();
    for (path, text) in texts {
        if let Some(f) = crate::input::load::load_text(path, text) {
            inputs.files.push(f);
        }
    }
    let outcome = lint(&inputs, options);
    (inputs, outcome)
}
