//! `-o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. The rule table
//! comes from the catalog (plus custom rules); results carry exact regions, related locations
//! and fingerprints that survive unrelated edits (no line numbers in them).

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Value, json};

use crate::custom::CustomRule;
use crate::input::SourceFile;
use crate::rules::catalog::Applicability;
use crate::rules::{Finding, RuleMeta, Severity, catalog};

use super::Report;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where each rule's documentation lives: its catalog entry in the repository.
pub fn help_uri(meta: &RuleMeta) -> String {
    format!(
        "{}/blob/main/rules/{}.yaml",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        meta.id
    )
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub shows at most 1024 characters of a description.
fn limit(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        return t.to_string();
    }
    let cut: String = t.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// `missing-use-label` → `MissingUseLabel` (SARIF's convention for rule names).
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule(meta: &RuleMeta, uri: Option<String>) -> Value {
    let text = format!(
        "{}\n\nFix: {}",
        meta.what.trim(),
        meta.fix.description.trim()
    );
    let markdown = format!(
        "{}\n\n**Why it breaks:** {}\n\n**Fix:** {}",
        meta.what.trim(),
        if meta.why.trim().is_empty() {
            "-"
        } else {
            meta.why.trim()
        },
        meta.fix.description.trim()
    );
    let mut r = json!({
        "id": meta.id,
        "name": pascal(&meta.name),
        "shortDescription": {"text": limit(&meta.summary, 1024)},
        "fullDescription": {"text": limit(&meta.what, 1024)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {
            "tags": ["workload-identity", meta.provider.as_str()],
            "precision": "high",
            "problem.severity": match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    });
    if let Some(uri) = uri {
        r["helpUri"] = json!(uri);
    }
    r
}

/// A path as a relative URI reference: forward slashes, `./` dropped, percent-encoded.
fn uri_of(path: &str, cwd: Option<&std::path::Path>) -> (String, bool) {
    let p = std::path::Path::new(path);
    if path == "-" {
        return ("stdin".to_string(), true);
    }
    if p.is_absolute() {
        if let Some(rel) = cwd.and_then(|c| p.strip_prefix(c).ok()) {
            return (encode(&rel.to_string_lossy()), true);
        }
        return (format!("file://{}", encode(path)), false);
    }
    let mut s = path.replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    (encode(&s), true)
}

fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A region at least one character wide where the text allows it (syntax errors are points).
fn region(src: &SourceFile, span: &Range<usize>) -> Value {
    let start = src.clamp(span.start);
    let mut end = src.clamp(span.end).max(start);
    if end == start
        && let Some(c) = src.text[start..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
    {
        end = start + c.len_utf8();
    }
    let (s, e) = (src.position(start), src.position(end));
    json!({
        "startLine": s.line, "startColumn": s.column,
        "endLine": e.line, "endColumn": e.column,
    })
}

/// `{"uri": …}`, relative to `%SRCROOT%` where the path is under the working directory.
fn artifact_location(path: &str, cwd: Option<&std::path::Path>) -> Value {
    let (uri, relative) = uri_of(path, cwd);
    let mut artifact = json!({"uri": uri});
    if relative {
        artifact["uriBaseId"] = json!("%SRCROOT%");
    }
    artifact
}

/// A SARIF `fix`: the edits `--fix` applies for the finding (its safe ones; SARIF has no
/// applicability, and a viewer may apply a fix without asking), positioned as in the JSON
/// output's `fix` and grouped by file in edit order. `None` without a safe edit.
fn sarif_fix(report: &Report<'_>, f: &Finding, cwd: Option<&std::path::Path>) -> Option<Value> {
    let fix = super::fix_json::fix_out(report.files, f)?;
    let mut changes: Vec<(&str, Vec<Value>)> = Vec::new();
    for e in fix
        .edits
        .iter()
        .filter(|e| e.applicability == Applicability::Safe)
    {
        let mut replacement = json!({"deletedRegion": {
            "startLine": e.line, "startColumn": e.column,
            "endLine": e.end_line, "endColumn": e.end_column,
        }});
        if !e.text.is_empty() {
            replacement["insertedContent"] = json!({"text": e.text});
        }
        match changes.iter_mut().find(|(path, _)| *path == e.path) {
            Some((_, replacements)) => replacements.push(replacement),
            None => changes.push((e.path, vec![replacement])),
        }
    }
    if changes.is_empty() {
        return None;
    }
    let artifact_changes: Vec<Value> = changes
        .into_iter()
        .map(|(path, replacements)| {
            json!({"artifactLocation": artifact_location(path, cwd), "replacements": replacements})
        })
        .collect();
    Some(json!({
        "description": {"text": fix.description},
        "artifactChanges": artifact_changes,
    }))
}

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Bytes of a long line (`long_lines::LONG_LINE`) on each side of the finding's start that its fingerprint covers.
const WINDOW: usize = 80;

/// Fingerprint inputs that do not move when lines are added elsewhere: the rule, the object,
/// and the flagged line's text without indentation. Of a long line (minified JSON) only the
/// text around the finding counts: hashing the whole line per finding was quadratic (20k
/// findings on a 3 MB line: 30 s), and an edit anywhere in that line would change them all.
fn fingerprint_key(report: &Report<'_>, f: &Finding) -> String {
    let src = &report.files[f.file.0].source;
    let start = src.clamp(f.span.start);
    let line = src.line_index(start);
    let mut range = src.line_range(line);
    if range.len() > super::long_lines::LONG_LINE {
        range = src.clamp(start.saturating_sub(WINDOW).max(range.start))
            ..src.clamp((start + WINDOW).min(range.end));
    }
    let text = src.text[range].trim();
    let object = f
        .object
        .as_ref()
        .map(|o| format!("{}/{}/{}", o.kind, o.namespace, o.name))
        .unwrap_or_default();
    format!("{:016x}", fnv(&[&f.rule.id, &object, text]))
}

pub fn render(report: &Report<'_>, custom: &[CustomRule]) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(report, custom, &mut out);
    // serde_json and the frame write UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the log: the frame, then the results rendered on all cores a wave at a time and
/// written at their depth where the empty `results` array is (as the JSON report does). The
/// bytes are those of one `to_string_pretty` over the whole log, which at 200k objects held
/// 2 GB of `Value` trees.
pub fn write(
    report: &Report<'_>,
    custom: &[CustomRule],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let cwd = std::env::current_dir().ok();
    let mut metas: Vec<(&RuleMeta, Option<String>)> =
        catalog().iter().map(|m| (m, Some(help_uri(m)))).collect();
    metas.extend(custom.iter().map(|r| (r.meta, r.help_uri.clone())));
    let index: HashMap<&str, usize> = metas
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (m.id.as_str(), i))
        .collect();
    let rules: Vec<Value> = metas.iter().map(|(m, u)| rule(m, u.clone())).collect();

    // Fingerprints, then which occurrence of its fingerprint in its file each result is: in
    // finding order, before the results are rendered out of order.
    let keys: Vec<String> = report
        .findings
        .par_iter()
        .map(|f| fingerprint_key(report, f))
        .collect();
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let occurrences: Vec<usize> = report
        .findings
        .iter()
        .zip(&keys)
        .map(|(f, key)| {
            let n = seen
                .entry((report.files[f.file.0].source.path.as_str(), key.as_str()))
                .or_insert(0);
            *n += 1;
            *n
        })
        .collect();
    let result_of = |f: &Finding, key: &str, n: usize| -> Value {
        let src = &report.files[f.file.0].source;
        let artifact = artifact_location(&src.path, cwd.as_deref());
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let rs = &report.files[r.file.0].source;
                let art = artifact_location(&rs.path, cwd.as_deref());
                json!({
                    "id": i,
                    "message": {"text": r.message},
                    "physicalLocation": {"artifactLocation": art, "region": region(rs, &r.span)},
                })
            })
            .collect();
        let mut result = json!({
            "ruleId": f.rule.id,
            "level": level(f.severity),
            "message": {"text": format!("{}\nhelp: {}", f.message, f.help_text())},
            "locations": [{
                "physicalLocation": {"artifactLocation": artifact, "region": region(src, &f.span)},
            }],
            "partialFingerprints": {
                "primaryLocationLineHash": format!("{key}:{n}"),
            },
        });
        if let Some(&i) = index.get(f.rule.id.as_str()) {
            result["ruleIndex"] = json!(i);
        }
        if let Some(o) = &f.object {
            result["locations"][0]["logicalLocations"] = json!([{
                "fullyQualifiedName": format!("{}/{}/{}", o.kind, o.namespace, o.name),
                "kind": "object",
            }]);
        }
        if !related.is_empty() {
            result["relatedLocations"] = json!(related);
        }
        if let Some(fix) = sarif_fix(report, f, cwd.as_deref()) {
            result["fixes"] = json!([fix]);
        }
        result
    };

    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| json!({"level": "error", "message": {"text": e.to_string()}}))
        .chain(report.skipped.iter().map(|s| {
            json!({"level": "note", "message": {"text": format!("skipped {}: {}", s.path, s.reason)}})
        }))
        .collect();
    let mut invocation = json!({
        "executionSuccessful": report.errors.is_empty(),
        "toolExecutionNotifications": notifications,
    });
    let mut run = json!({
        "tool": {"driver": {
            "name": "kubectl-wid",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": [],
    });
    if let Some(cwd) = &cwd {
        let base = format!(
            "file://{}/",
            encode(&cwd.to_string_lossy()).trim_end_matches('/')
        );
        run["originalUriBaseIds"] = json!({"%SRCROOT%": {"uri": base}});
        invocation["workingDirectory"] = json!({"uri": base});
    }
    run["invocations"] = json!([invocation]);
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    });
    let frame = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    // The only `results` key of the log: a run's (rules have none).
    super::json::write_array(
        out,
        &frame,
        "results",
        3,
        report.findings,
        |at, f, _: &mut (), ser| {
            use serde::Serialize as _;
            result_of(f, &keys[at], occurrences[at]).serialize(ser)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri_of("./a b/x.yaml", None), ("a%20b/x.yaml".into(), true));
        assert_eq!(uri_of("-", None), ("stdin".into(), true));
        let cwd = std::path::Path::new("/repo");
        assert_eq!(
            uri_of("/repo/k8s/x.yaml", Some(cwd)),
            ("k8s/x.yaml".into(), true)
        );
        assert_eq!(
            uri_of("/elsewhere/x.yaml", Some(cwd)),
            ("file:///elsewhere/x.yaml".into(), false)
        );
        assert_eq!(pascal("missing-use-label"), "MissingUseLabel");
        assert_eq!(limit("abc", 2), "a…");
    }
}
