use crate::input::yaml::ProblemKind;
use crate::rules::{Context, Finding, Rule};

use super::problems;

/// K8S002: a mapping repeats a key; kubectl keeps one of them, strict decoding rejects the object.
pub struct DuplicateKey;

impl Rule for DuplicateKey {
    fn id(&self) -> &'static str {
        "K8S002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (file, p) in problems(ctx.model.files, |k| {
            matches!(k, ProblemKind::DuplicateKey { .. })
        }) {
            let ProblemKind::DuplicateKey { first } = &p.kind else {
                continue;
            };
            out.push(
                Finding::new(self.id(), file, p.span.clone(), p.message.clone()).related(
                    file,
                    first.clone(),
                    "first defined here",
                ),
            );
        }
    }
}
