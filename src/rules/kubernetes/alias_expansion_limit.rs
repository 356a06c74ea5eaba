use crate::input::yaml::ProblemKind;
use crate::rules::{Context, Finding, Rule};

use super::problems;

/// K8S003: alias expansion beyond the node budget (billion laughs); the document is not linted.
pub struct AliasExpansionLimit;

impl Rule for AliasExpansionLimit {
    fn id(&self) -> &'static str {
        "K8S003"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (file, p) in problems(ctx.model.files, |k| *k == ProblemKind::AliasBudget) {
            out.push(Finding::new(
                self.id(),
                file,
                p.span.clone(),
                p.message.clone(),
            ));
        }
    }
}
