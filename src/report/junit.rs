//! `-o junit`: JUnit XML for CI test-report views. One testsuite per file, one testcase per
//! object (passing objects too), one `<failure>` per finding; findings outside any object
//! (syntax errors, unrendered templates) belong to a testcase named after the file.

use std::collections::HashSet;
use std::ops::Range;

use crate::model::object::object_nodes;

use crate::rules::Finding;

use super::Report;

/// XML 1.0 text/attribute escaping; characters XML cannot carry become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    span: Option<Range<usize>>,
    failures: Vec<String>,
}

pub fn render(report: &Report<'_>) -> String {
    render_only(report, None)
}

/// `only`: with `--index-root`, the files findings are reported for (the others are context).
pub fn render_only(report: &Report<'_>, only: Option<&HashSet<String>>) -> String {
    render_parts(report, only).concat()
}

/// The document in parts (the head, one testsuite per file, the end) to be written one after
/// another: the suites are rendered on all cores, and never copied into one string.
pub fn render_parts(report: &Report<'_>, only: Option<&HashSet<String>>) -> Vec<String> {
    use rayon::prelude::*;
    // Findings of each file, in report order.
    let mut by_file: Vec<Vec<&Finding>> = vec![Vec::new(); report.files.len()];
    for f in report.findings {
        if let Some(fs) = by_file.get_mut(f.file.0) {
            fs.push(f);
        }
    }
    let suites: Vec<(String, usize, usize)> = report
        .files
        .par_iter()
        .zip(&by_file)
        .filter(|(file, _)| only.is_none_or(|o| o.contains(&file.source.path)))
        .map(|(file, findings)| suite(file, findings))
        .collect();
    let total_tests: usize = suites.iter().map(|s| s.1).sum();
    let total_failures: usize = suites.iter().map(|s| s.2).sum();
    let mut parts = Vec::with_capacity(suites.len() + 2);
    parts.push(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubectl-wid\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"{}\">\n",
        report.errors.len()
    ));
    parts.extend(suites.into_iter().map(|s| s.0));
    parts.push("</testsuites>\n".to_string());
    parts
}

/// One file's testsuite, with its number of tests and of failing tests.
fn suite(file: &crate::input::load::LoadedFile, findings: &[&Finding]) -> (String, usize, usize) {
    let src = &file.source;
    let mut suite = String::new();
    let mut cases: Vec<Case> = Vec::new();
    for doc in &file.parsed.documents {
        for node in object_nodes(&doc.root) {
            let (Some(api), Some(kind)) = (node.get_str("apiVersion"), node.get_str("kind")) else {
                continue;
            };
            let _ = api;
            let meta = node.get("metadata");
            let name = meta.and_then(|m| m.get_str("name")).unwrap_or("<unnamed>");
            let ns = meta.and_then(|m| m.get_str("namespace"));
            cases.push(Case {
                name: match ns {
                    Some(ns) => format!("{kind} {ns}/{name}"),
                    None => format!("{kind} {name}"),
                },
                span: Some(node.span()),
                failures: Vec::new(),
            });
        }
    }
    let mut file_case = Case {
        name: src.path.clone(),
        span: None,
        failures: Vec::new(),
    };
    // A file's objects nearly always follow each other without overlapping: then the only
    // one that can contain a finding is the last starting at or before it.
    let reach = |s: &Range<usize>| s.end.max(s.start + 1);
    let disjoint = cases.iter().all(|c| c.span.is_some())
        && cases.windows(2).all(|w| match (&w[0].span, &w[1].span) {
            (Some(a), Some(b)) => reach(a) <= b.start,
            _ => false,
        });
    for f in findings.iter().copied() {
        let p = src.position(f.span.start);
        let body = format!(
            "{}[{}] {}:{}:{}: {}\nhelp: {}",
            f.severity.as_str(),
            f.rule.id,
            src.path,
            p.line,
            p.column,
            f.message,
            f.help_text()
        );
        let failure = format!(
            "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            escape(&f.rule.id),
            escape(&format!("{}: {}", f.rule.id, f.message)),
            escape(&body)
        );
        let contains = |c: &Case| {
            c.span
                .as_ref()
                .is_some_and(|s| s.start <= f.span.start && f.span.start < reach(s))
        };
        // The innermost object containing the finding (a List item before the List).
        let owner = if disjoint {
            let after =
                cases.partition_point(|c| c.span.as_ref().is_some_and(|s| s.start <= f.span.start));
            after
                .checked_sub(1)
                .map(|k| &mut cases[k])
                .filter(|c| contains(c))
        } else {
            cases
                .iter_mut()
                .filter(|c| contains(c))
                .min_by_key(|c| c.span.as_ref().map_or(usize::MAX, |s| s.end - s.start))
        };
        match owner {
            Some(c) => c.failures.push(failure),
            None => file_case.failures.push(failure),
        }
    }
    if !file_case.failures.is_empty() || cases.is_empty() {
        cases.insert(0, file_case);
    }
    let failures: usize = cases.iter().map(|c| c.failures.len().min(1)).sum();
    let tests = cases.len();
    suite.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
        escape(&src.path),
        cases.len()
    ));
    for c in cases {
        let line = c.span.as_ref().map(|s| src.position(s.start).line);
        let line_attr = line.map(|l| format!(" line=\"{l}\"")).unwrap_or_default();
        if c.failures.is_empty() {
            suite.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"{line_attr}/>\n",
                escape(&src.path),
                escape(&c.name),
                escape(&src.path)
            ));
        } else {
            suite.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"{line_attr}>\n",
                escape(&src.path),
                escape(&c.name),
                escape(&src.path)
            ));
            for f in c.failures {
                suite.push_str(&f);
            }
            suite.push_str("    </testcase>\n");
        }
    }
    suite.push_str("  </testsuite>\n");
    (suite, tests, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\"\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{fffd}"
        );
    }
}
