//! `--output json`: exactly one JSON document. CI gates parse it: keep the shape stable
//! (`version` changes only on incompatible changes; new keys may be added).

use serde::Serialize;

use crate::rules::{Finding, ObjectRef};

use super::{Report, Summary};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// JSON Pointer of the field the finding is about (`/spec/template/metadata/labels`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<String>,
    object: Option<&'a ObjectRef>,
    fix: Option<super::fix_json::FixOut<'a>>,
    related: Vec<RelatedOut<'a>>,
}

#[derive(Serialize)]
struct SkippedOut<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct ErrorOut {
    message: String,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: &'a Summary,
    findings: Vec<FindingOut<'a>>,
    skipped: Vec<SkippedOut<'a>>,
    errors: Vec<ErrorOut>,
}

fn finding<'a>(report: &Report<'a>, f: &'a Finding) -> FindingOut<'a> {
    let source = &report.files[f.file.0].source;
    let start = source.position(f.span.start);
    let end = source.position(f.span.end);
    FindingOut {
        rule: &f.rule.id,
        name: &f.rule.name,
        severity: f.severity.as_str(),
        message: &f.message,
        help: f.help_text(),
        path: &source.path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        pointer: crate::input::cluster::pointer::at(&report.files[f.file.0], f.span.start),
        object: f.object.as_ref(),
        fix: super::fix_json::fix_out(report.files, f),
        related: f
            .related
            .iter()
            .map(|r| {
                let src = &report.files[r.file.0].source;
                let p = src.position(r.span.start);
                RelatedOut {
                    path: &src.path,
                    line: p.line,
                    column: p.column,
                    message: &r.message,
                }
            })
            .collect(),
    }
}

pub fn render(report: &Report<'_>) -> String {
    render_parts(report).concat()
}

/// The document in consecutive pieces (to be written one after the other), so a large report
/// is not held twice: rendered findings, and the same bytes again in one string.
pub fn render_parts(report: &Report<'_>) -> Vec<String> {
    use rayon::prelude::*;
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "kubectl-wid",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: &report.summary,
        findings: Vec::new(),
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedOut {
                path: &s.path,
                reason: &s.reason,
            })
            .collect(),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorOut {
                message: e.to_string(),
            })
            .collect(),
    };
    let frame = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    // Findings are rendered on all cores, each as its own pretty document indented to its
    // place in the array (JSON strings hold no raw newline, so every newline is
    // indentation), and spliced in where the empty array is: the bytes are those of one
    // `to_string_pretty` over the whole document.
    let findings = report.findings.par_iter().enumerate().map(|(i, f)| {
        let one = serde_json::to_string_pretty(&finding(report, f)).unwrap_or_default();
        let comma = if i > 0 { ",\n" } else { "" };
        format!("{comma}    {}", one.replace('\n', "\n    "))
    });
    let mut parts = Vec::with_capacity(report.findings.len() + 2);
    match frame.split_once("\n  \"findings\": []") {
        Some((head, tail)) if !report.findings.is_empty() => {
            parts.push(format!("{head}\n  \"findings\": [\n"));
            parts.par_extend(findings);
            parts.push(format!("\n  ]{tail}\n"));
        }
        _ => parts.push(frame + "\n"),
    }
    parts
}
