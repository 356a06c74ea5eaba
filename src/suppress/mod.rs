//! What happens to findings after the rules ran: severity overrides, suppressions (annotation
//! on the object or its pod template, inline comment, config exemption), the findings about
//! suppressions themselves (WID001 no reason, WID002 suppresses nothing), and `--index-root`'s
//! "report only these files".

mod index;
pub mod parse;
pub mod rules;

use std::collections::HashSet;
use std::ops::Range;

use globset::{Glob, GlobMatcher};

use crate::input::FileId;
use crate::model::Model;
use crate::rules::{Finding, RuleMeta, Selection, Severity};

pub use parse::{ANNOTATION, Directive};

/// How findings are post-processed; part of the engine's options.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Custom rules (`--rules-dir`, config `rules-dirs`).
    pub custom_rules: crate::custom::CustomRules,
    /// Severity overrides (selector, severity), most specific selector wins.
    pub severity: Vec<(String, Severity)>,
    /// Config exemptions.
    pub exemptions: Vec<Exemption>,
    /// `--disallow-suppressions`: annotations, comments and exemptions are all ignored.
    pub disallow_suppressions: bool,
    /// `--index-root`: report findings only in these files (display paths); `None` = all.
    pub report_only: Option<HashSet<String>>,
}

/// A config exemption with its globs compiled.
#[derive(Debug, Clone)]
pub struct Exemption {
    pub namespace: Option<GlobMatcher>,
    pub kind: Option<GlobMatcher>,
    pub name: Option<GlobMatcher>,
    /// Matched against the file path made relative to the config file's directory.
    pub path: Option<GlobMatcher>,
    /// Base directory for `path` (absolute).
    pub base: std::path::PathBuf,
    pub rules: Vec<String>,
    pub reason: String,
}

impl Exemption {
    pub fn glob(pattern: &str) -> Result<GlobMatcher, String> {
        Glob::new(pattern)
            .map(|g| g.compile_matcher())
            .map_err(|e| format!("bad glob `{pattern}`: {e}"))
    }

    /// `absolute`: a file's canonical path (resolved once per file by the caller: a
    /// `canonicalize` per finding and exemption was most of the suppress phase).
    fn covers<'p>(&self, absolute: &dyn Fn(FileId) -> &'p std::path::Path, f: &Finding) -> bool {
        let object_ok = |glob: &Option<GlobMatcher>, value: Option<&str>| {
            glob.as_ref()
                .is_none_or(|g| value.is_some_and(|v| g.is_match(v)))
        };
        let o = f.object.as_ref();
        object_ok(&self.namespace, o.map(|o| o.namespace.as_str()))
            && object_ok(&self.kind, o.map(|o| o.kind.as_str()))
            && object_ok(&self.name, o.map(|o| o.name.as_str()))
            && self.path.as_ref().is_none_or(|g| {
                absolute(f.file)
                    .strip_prefix(&self.base)
                    .is_ok_and(|rel| g.is_match(rel))
            })
            && self.rules.iter().any(|r| names(r, f.rule))
    }
}

/// Whether a suppression's rule token covers a rule: `*`/`all`, or the same selectors as
/// `--select` (id, name, provider, id prefix).
fn names(token: &str, meta: &RuleMeta) -> bool {
    token == "*"
        || token.eq_ignore_ascii_case("all")
        || Selection {
            select: vec![token.to_string()],
            ignore: vec![],
        }
        .enabled(meta)
}

/// Where an annotation or comment suppression applies.
#[derive(Debug)]
enum Scope {
    /// Findings starting inside this byte range of the file (the annotated object).
    Span(Range<usize>),
    /// Findings starting on these 0-based lines (the comment's line and the next).
    Lines(usize, usize),
}

#[derive(Debug)]
struct Suppression {
    file: FileId,
    /// The annotation value or the comment, for WID001/WID002.
    span: Range<usize>,
    directive: Directive,
    scope: Scope,
    used: bool,
}

fn collect(model: &Model<'_>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for o in &model.objects {
        let pod_annotation = o.pod.as_ref().and_then(|p| p.annotations?.get(ANNOTATION));
        for node in [o.annotation(ANNOTATION), pod_annotation]
            .into_iter()
            .flatten()
        {
            out.push(Suppression {
                file: o.file,
                span: node.span(),
                directive: parse::annotation(node.text().unwrap_or("")),
                scope: Scope::Span(o.node.span()),
                used: false,
            });
        }
    }
    use rayon::prelude::*;
    // Files on all cores; a file without the marker anywhere holds no directive, and most
    // files have none, so they are not read line by line.
    let comments: Vec<Suppression> = model
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, file)| file.source.text.contains(parse::COMMENT_MARKER))
        .flat_map_iter(|(i, file)| {
            let src = &file.source;
            (0..src.line_count()).filter_map(move |line| {
                let range = src.line_range(line);
                let (at, directive) = parse::comment(&src.text[range.clone()])?;
                Some(Suppression {
                    file: FileId(i),
                    span: range.start + at..range.end,
                    directive,
                    scope: Scope::Lines(line, line + 1),
                    used: false,
                })
            })
        })
        .collect();
    out.extend(comments);
    out
}

fn covers(model: &Model<'_>, s: &Suppression, f: &Finding) -> bool {
    if s.file != f.file || !s.directive.rules.iter().any(|r| names(r, f.rule)) {
        return false;
    }
    match &s.scope {
        Scope::Span(r) => r.contains(&f.span.start) || r.start == f.span.start,
        Scope::Lines(a, b) => {
            let line = model.source(f.file).line_index(f.span.start);
            line == *a || line == *b
        }
    }
}

/// The selector in `overrides` that names the rule most specifically: id or name, then id
/// prefix, then provider.
fn override_for(overrides: &[(String, Severity)], meta: &RuleMeta) -> Option<Severity> {
    let rank = |sel: &str| {
        if sel.eq_ignore_ascii_case(&meta.id) || sel.eq_ignore_ascii_case(&meta.name) {
            3
        } else if sel.eq_ignore_ascii_case(meta.provider.as_str()) {
            1
        } else if names(sel, meta) {
            2
        } else {
            0
        }
    };
    overrides
        .iter()
        .map(|(sel, s)| (rank(sel), *s))
        .filter(|(r, _)| *r > 0)
        .max_by_key(|(r, _)| *r)
        .map(|(_, s)| s)
}

/// The engine's step after the built-in rules: runs the selected custom rules, then applies
/// the policy. Returns the findings to report and the indices of unused config exemptions.
pub fn finish(
    model: &Model<'_>,
    mut findings: Vec<Finding>,
    selection: &Selection,
    policy: &Policy,
) -> (Vec<Finding>, Vec<usize>) {
    findings.extend(crate::custom::run(model, &policy.custom_rules, |m| {
        selection.enabled(m)
    }));
    // Whether a suppression is used must not depend on `--select`: run the rules that were not
    // selected too (only when WID002 is wanted and there is something to judge), and use their
    // findings for that alone.
    let suppressions = if policy.disallow_suppressions {
        Vec::new()
    } else {
        collect(model)
    };
    let wid002 = crate::rules::catalog::meta("WID002");
    let mut shadow = Vec::new();
    if selection.enabled(wid002) && !suppressions.is_empty() {
        let unselected: Vec<String> = crate::rules::catalog()
            .iter()
            .filter(|m| !selection.enabled(m))
            .map(|m| m.id.clone())
            .collect();
        if !unselected.is_empty() {
            let rest = Selection {
                select: unselected,
                ignore: vec![],
            };
            shadow = crate::rules::run(model, &rest);
        }
        shadow.extend(crate::custom::run(model, &policy.custom_rules, |m| {
            !selection.enabled(m)
        }));
    }
    let (findings, used) = apply(model, findings, &shadow, suppressions, policy, &|m| {
        selection.enabled(m)
    });
    let unused = used
        .iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i)
        .collect();
    (findings, unused)
}

/// Applies the policy to the rules' findings. `shadow` holds findings of rules that were not
/// selected: they only mark suppressions as used. `enabled` decides whether WID001/WID002 are
/// reported. Returns the findings to report and, per config exemption, whether it was used.
fn apply(
    model: &Model<'_>,
    findings: Vec<Finding>,
    shadow: &[Finding],
    mut suppressions: Vec<Suppression>,
    policy: &Policy,
    enabled: &dyn Fn(&RuleMeta) -> bool,
) -> (Vec<Finding>, Vec<bool>) {
    let mut exemption_used = vec![false; policy.exemptions.len()];
    // A finding is checked only against the suppressions of its file that can cover it.
    let candidates = index::Candidates::new(model.files.len(), &suppressions);
    let canonical: Vec<std::sync::OnceLock<std::path::PathBuf>> = (0..model.files.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    // A finding's file is always one of the model's.
    let absolute = |file: FileId| -> &std::path::Path {
        canonical[file.0].get_or_init(|| {
            let p = std::path::Path::new(&model.source(file).path);
            std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let mut near = Vec::new();
    // Filtered in place: a second vector of every finding is tens of MB of fresh memory on
    // a big run, for what is usually nothing to suppress.
    let mut kept = findings;
    if !(policy.disallow_suppressions || suppressions.is_empty() && policy.exemptions.is_empty()) {
        kept.retain(|f| {
            let mut suppressed = false;
            candidates.of(model, f, &mut near);
            for &i in &near {
                let s = &mut suppressions[i];
                if covers(model, s, f) {
                    s.used = true;
                    suppressed = true;
                }
            }
            for (i, e) in policy.exemptions.iter().enumerate() {
                if e.covers(&absolute, f) {
                    exemption_used[i] = true;
                    suppressed = true;
                }
            }
            !suppressed
        });
    }
    for f in shadow {
        candidates.of(model, f, &mut near);
        for &i in &near {
            let s = &mut suppressions[i];
            if covers(model, s, f) {
                s.used = true;
            }
        }
        for (i, e) in policy.exemptions.iter().enumerate() {
            if e.covers(&absolute, f) {
                exemption_used[i] = true;
            }
        }
    }
    let custom: Vec<&'static RuleMeta> = policy.custom_rules.iter().map(|r| r.meta).collect();
    kept.extend(rules::findings_about(
        &suppressions_view(&suppressions),
        &custom,
        enabled,
    ));
    for f in kept.iter_mut() {
        if let Some(s) = override_for(&policy.severity, f.rule) {
            f.severity = s;
        }
    }
    if let Some(only) = &policy.report_only {
        kept.retain(|f| only.contains(&model.source(f.file).path));
    }
    sort(model, &mut kept);
    (kept, exemption_used)
}

/// What WID001/WID002 need to know about a suppression.
pub struct SuppressionView<'s> {
    pub file: FileId,
    pub span: Range<usize>,
    pub directive: &'s Directive,
    pub used: bool,
}

fn suppressions_view(s: &[Suppression]) -> Vec<SuppressionView<'_>> {
    s.iter()
        .map(|s| SuppressionView {
            file: s.file,
            span: s.span.clone(),
            directive: &s.directive,
            used: s.used,
        })
        .collect()
}

/// The order every renderer relies on: path, span, rule, message.
pub fn sort(model: &Model<'_>, findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let pa = &model.source(a.file).path;
        let pb = &model.source(b.file).path;
        (pa, a.span.start, a.span.end, &a.rule.id, &a.message).cmp(&(
            pb,
            b.span.start,
            b.span.end,
            &b.rule.id,
            &b.message,
        ))
    });
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id && a.file == b.file && a.span == b.span && a.message == b.message
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::meta;

    #[test]
    fn the_most_specific_severity_override_wins() {
        let o = |pairs: &[(&str, Severity)]| -> Vec<(String, Severity)> {
            pairs.iter().map(|(s, v)| (s.to_string(), *v)).collect()
        };
        let az1 = meta("AZ001");
        let rules = o(&[
            ("azure", Severity::Info),
            ("AZ", Severity::Warning),
            ("missing-use-label", Severity::Error),
        ]);
        assert_eq!(override_for(&rules, az1), Some(Severity::Error));
        assert_eq!(override_for(&rules, meta("AZ002")), Some(Severity::Warning));
        assert_eq!(
            override_for(&o(&[("azure", Severity::Info)]), az1),
            Some(Severity::Info)
        );
        assert_eq!(override_for(&o(&[("K8S", Severity::Info)]), az1), None);
    }
}
