use crate::input::yaml::ProblemKind;
use crate::rules::{Context, Finding, Rule};

use super::problems;

/// K8S001: the file (or one document of it) is not valid YAML/JSON.
pub struct YamlSyntaxError;

impl Rule for YamlSyntaxError {
    fn id(&self) -> &'static str {
        "K8S001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (file, p) in problems(ctx.model.files, |k| *k == ProblemKind::Syntax) {
            let document = p.document + 1;
            let path = &ctx.model.source(file).path;
            let format = if path.to_ascii_lowercase().ends_with(".json") {
                "JSON"
            } else {
                "YAML"
            };
            out.push(
                Finding::new(
                    self.id(),
                    file,
                    p.span.clone(),
                    format!("invalid {format} in document {document}: {}", p.message),
                )
                .help("fix the syntax; the other documents of the stream are still linted"),
            );
        }
    }
}
