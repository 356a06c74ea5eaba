//! One lint run, independent of the CLI: inputs in, findings and counts out.

use crate::input::load::Inputs;
use crate::model::Model;
use crate::rules::{self, Finding, Selection};

#[derive(Debug, Clone)]
pub struct Options {
    /// Namespace for objects without `metadata.namespace`.
    pub namespace: String,
    pub selection: Selection,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            namespace: "default".into(),
            selection: Selection::default(),
        }
    }
}

#[derive(Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub documents: usize,
    pub objects: usize,
}

/// Builds the cross-file model over all inputs at once and runs the selected rules.
pub fn lint(inputs: &Inputs, options: &Options) -> Outcome {
    let model = Model::build(&inputs.files, &options.namespace);
    let findings = rules::run(&model, &options.selection);
    Outcome {
        findings,
        documents: model.document_count(),
        objects: model.objects.len(),
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
