//! The rule catalog rendered for people: `kubectl wid rules`, `explain`, and the README table.

use crate::rules::catalog::{Applicability, FixAvailability};
use crate::rules::{RuleMeta, catalog};

fn fix_word(r: &RuleMeta) -> &'static str {
    match r.fix.availability {
        FixAvailability::None => "-",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::Always => "yes",
    }
}

pub fn table() -> String {
    let rules = catalog();
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!(
        "{:<7} {:<name_w$} {:<8} {:<10} {:<9} SUMMARY\n",
        "ID", "NAME", "SEVERITY", "PROVIDER", "FIX"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<7} {:<name_w$} {:<8} {:<10} {:<9} {}\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.provider.as_str(),
            fix_word(r),
            r.summary
        ));
    }
    out
}

/// The README's rule table; a test fails when README.md holds a different one.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| ID | Name | Severity | Provider | Fix | Summary |\n|---|---|---|---|---|---|\n",
    );
    for r in catalog() {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.name,
            r.severity.as_str(),
            r.provider.as_str(),
            fix_word(r),
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

pub fn explain_text(r: &RuleMeta) -> String {
    let indent = |s: &str| {
        s.lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fix = match r.fix.availability {
        FixAvailability::None => "no automatic fix".to_string(),
        _ => format!(
            "automatic fix ({}, {})",
            fix_word(r),
            r.fix
                .applicability
                .map_or("unsafe", |a| if a == Applicability::Safe {
                    "safe"
                } else {
                    "unsafe"
                })
        ),
    };
    format!(
        "{id} {name} ({sev}, {prov})\n\n{summary}\n\nWhat it does\n{what}\n\nWhy it breaks\n{why}\n\nExample (bad)\n{bad}\n\nExample (good)\n{good}\n\nFix ({fix})\n{fixd}\n\nSource\n{src}\n",
        id = r.id,
        name = r.name,
        sev = r.severity.as_str(),
        prov = r.provider.as_str(),
        summary = r.summary,
        what = indent(r.what.trim_end()),
        why = indent(r.why.trim_end()),
        bad = indent(r.example.bad.trim_end()),
        good = indent(r.example.good.trim_end()),
        fixd = indent(r.fix.description.trim_end()),
        src = r
            .source
            .iter()
            .map(|s| format!("    - {s}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}
