//! Every rule: its fixtures (`tests/fixtures/<ID>/bad*.{yaml,json}` must produce the rule,
//! `good*` must not), a snapshot of each bad fixture's human diagnostic, and its catalog
//! examples (bad produces the rule, good produces nothing at all).

use std::fs;
use std::path::Path;

use kubectl_wid::engine::{self, Options};
use kubectl_wid::report::{Report, human};
use kubectl_wid::rules::{Selection, catalog};

/// One fixture case: a file, or a directory (`bad-terraform/`) whose files are linted together
/// (cross-file rules: a credential in `.tf` and its ServiceAccount in `.yaml`).
fn fixture_files(id: &str) -> Vec<(String, Vec<(String, String)>)> {
    let dir = Path::new("tests/fixtures").join(id);
    let read = |p: &Path| {
        let path = p.to_string_lossy().replace('\\', "/");
        (path, fs::read_to_string(p).unwrap())
    };
    let mut cases: Vec<(String, Vec<(String, String)>)> = fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{id}: missing fixture directory {}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.to_string_lossy().replace('\\', "/");
            if p.is_dir() {
                let mut files: Vec<_> = files_under(&p).iter().map(|f| read(f)).collect();
                files.sort();
                (name, files)
            } else {
                (name, vec![read(&p)])
            }
        })
        .collect();
    cases.sort();
    cases
}

/// The files of a directory case, also in its subdirectories (`dev/`, `prod/`: which of two
/// same-named roles is nearest a user depends on the directories).
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        if p.is_dir() {
            out.extend(files_under(&p));
        } else if p.is_file() {
            out.push(p);
        }
    }
    out
}

fn render(path: &str, text: &str, options: &Options) -> (Vec<String>, String) {
    render_all(&[(path.to_string(), text.to_string())], options)
}

fn render_all(files: &[(String, String)], options: &Options) -> (Vec<String>, String) {
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (inputs, outcome) = engine::lint_texts(&texts, options);
    let report = Report::new(
        &inputs.files,
        &outcome.findings,
        &[],
        &[],
        outcome.documents,
        outcome.objects,
    );
    let ids = outcome.findings.iter().map(|f| f.rule.id.clone()).collect();
    (ids, human::render(&report, false))
}

#[test]
fn every_rule_has_failing_and_passing_fixtures_and_snapshots() {
    let mut failures = Vec::new();
    for meta in catalog() {
        let id = meta.id.as_str();
        let files = fixture_files(id);
        let stem = |p: &str| {
            Path::new(p)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let bad: Vec<_> = files
            .iter()
            .filter(|(p, _)| stem(p).starts_with("bad"))
            .collect();
        let good: Vec<_> = files
            .iter()
            .filter(|(p, _)| stem(p).starts_with("good"))
            .collect();
        if bad.is_empty() || good.is_empty() {
            failures.push(format!(
                "{id}: needs at least one bad* and one good* fixture"
            ));
            continue;
        }
        let all = Options::default();
        for (path, files) in bad {
            let (ids, out) = render_all(files, &all);
            if !ids.iter().any(|i| i == id) {
                failures.push(format!(
                    "{id}: {path} does not produce {id}; got {ids:?}\n{out}"
                ));
            }
            // The snapshot shows only this rule, so other rules' changes do not churn it.
            let only = Options {
                selection: Selection {
                    select: vec![id.to_string()],
                    ignore: vec![],
                },
                ..Options::default()
            };
            let (_, out) = render_all(files, &only);
            let name = Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_");
            // Collect snapshot mismatches instead of stopping at the first one.
            let snapshot = std::panic::catch_unwind(|| {
                insta::assert_snapshot!(format!("{id}__{name}"), out);
            });
            if snapshot.is_err() {
                failures.push(format!(
                    "{id}: snapshot {id}__{name} does not match (see the diff above)"
                ));
            }
        }
        for (path, files) in good {
            let (ids, out) = render_all(files, &all);
            if ids.iter().any(|i| i == id) {
                failures.push(format!("{id}: {path} must not produce {id}\n{out}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn catalog_examples_bad_fires_good_is_clean() {
    let mut failures = Vec::new();
    for meta in catalog() {
        let id = meta.id.as_str();
        // Terraform rules' examples are HCL, and so are examples that start with a block.
        let hcl = ["resource \"", "data \"", "locals {", "variable \""]
            .iter()
            .any(|b| meta.example.bad.trim_start().starts_with(b));
        let ext = if meta.provider.as_str() == "terraform" || hcl {
            "tf"
        } else {
            "yaml"
        };
        let path = format!("{id}-example.{ext}");
        let (ids, out) = render(&path, &meta.example.bad, &Options::default());
        if !ids.iter().any(|i| i == id) {
            failures.push(format!(
                "{id}: bad example does not produce {id}; got {ids:?}\n{out}"
            ));
        }
        let (ids, out) = render(&path, &meta.example.good, &Options::default());
        if !ids.is_empty() {
            failures.push(format!(
                "{id}: good example must produce nothing; got {ids:?}\n{out}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
