//! WID001 (a suppression without a reason) and WID002 (a suppression that suppresses nothing).
//! Both are judged after every other rule ran, so their registry entries check nothing; the
//! findings come from [`findings_about`], called by [`super::apply`].

use crate::rules::{Context, Finding, Rule, RuleMeta, catalog};

use super::{SuppressionView, names};

pub struct SuppressionWithoutReason;

impl Rule for SuppressionWithoutReason {
    fn id(&self) -> &'static str {
        "WID001"
    }
    fn check(&self, _ctx: &Context<'_, '_>, _out: &mut Vec<Finding>) {}
}

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn id(&self) -> &'static str {
        "WID002"
    }
    fn check(&self, _ctx: &Context<'_, '_>, _out: &mut Vec<Finding>) {}
}

fn list(rules: &[String]) -> String {
    if rules.is_empty() {
        "no rule".to_string()
    } else {
        rules.join(", ")
    }
}

/// The findings about the suppressions themselves.
pub fn findings_about(
    suppressions: &[SuppressionView<'_>],
    custom: &[&'static RuleMeta],
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> Vec<Finding> {
    let wid001 = crate::rules::catalog::meta("WID001");
    let wid002 = crate::rules::catalog::meta("WID002");
    let all: Vec<&RuleMeta> = catalog().iter().chain(custom.iter().copied()).collect();
    let mut out = Vec::new();
    for s in suppressions {
        let rules = list(&s.directive.rules);
        if s.directive.reason.is_none() && enabled(wid001) {
            out.push(
                Finding::new(
                    "WID001",
                    s.file,
                    s.span.clone(),
                    format!("suppression of {rules} gives no reason"),
                )
                .help(format!(
                    "say why after the rules, e.g. `{} — <reason>` (annotation) or `ignore[{}] <reason>` (comment)",
                    s.directive.rules.join(","),
                    s.directive.rules.join(",")
                )),
            );
        }
        if s.used || !enabled(wid002) {
            continue;
        }
        let unknown: Vec<&str> = s
            .directive
            .rules
            .iter()
            .filter(|t| !all.iter().any(|m| names(t, m)))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() || s.directive.rules.is_empty() {
            let what = if s.directive.rules.is_empty() {
                "names no rule".to_string()
            } else {
                format!("names unknown rule(s) {}", unknown.join(", "))
            };
            out.push(
                Finding::new(
                    "WID002",
                    s.file,
                    s.span.clone(),
                    format!("suppression {what}"),
                )
                .help("name rules by id (AZ001), name, provider or id prefix; `kubectl wid rules` lists them"),
            );
            continue;
        }
        {
            out.push(
                Finding::new(
                    "WID002",
                    s.file,
                    s.span.clone(),
                    format!("suppression of {rules} suppresses nothing"),
                )
                .help("remove it: the finding it was written for no longer occurs here"),
            );
        }
    }
    out
}
