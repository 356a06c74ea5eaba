//! Every fix: `tests/fixtures/<ID>/fix-*.{yaml,json}` (inputs; `fix-unsafe-*` run with
//! `--unsafe-fixes`) and next to each the expected result `fix-*.fixed.{yaml,json}`. For each:
//! the result is byte-exact, the rule no longer fires, the text still parses, a second run
//! changes nothing, and every byte outside the rules' edits is unchanged. A catalog rule that
//! declares a fix must have such a fixture. `FIX_UPDATE=1` writes missing expected files.

use std::fs;
use std::path::{Path, PathBuf};

use kubectl_wid::engine::{self, Options};
use kubectl_wid::fix::{self, Edit, Level};
use kubectl_wid::input::load::{Inputs, load_text};
use kubectl_wid::rules::catalog;
use kubectl_wid::rules::catalog::{Applicability, FixAvailability};

fn inputs(path: &str, text: &str) -> Inputs {
    let mut i = Inputs::default();
    i.files.push(load_text(path, text).expect("loads"));
    i
}

fn fixed_name(p: &Path) -> PathBuf {
    let name = p.file_name().unwrap().to_string_lossy();
    let (stem, ext) = name.rsplit_once('.').unwrap();
    p.with_file_name(format!("{stem}.fixed.{ext}"))
}

/// The edits the rules offer on `text` that `level` applies, in one file.
fn offered(path: &str, text: &str, level: Level) -> Vec<Edit> {
    let i = inputs(path, text);
    let out = engine::lint(&i, &Options::default());
    out.findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|fx| {
            fx.edits.iter().filter(move |e| {
                level == Level::Unsafe
                    || e.applicability.unwrap_or(fx.applicability) == Applicability::Safe
            })
        })
        .cloned()
        .collect()
}

fn run_plan(path: &str, text: &str, level: Level) -> (String, fix::Plan) {
    let plan = fix::plan(&inputs(path, text), &Options::default(), level);
    let fixed = plan
        .files
        .first()
        .map_or_else(|| text.to_string(), |f| f.fixed.clone());
    (fixed, plan)
}

fn fix_fixtures(id: &str) -> Vec<PathBuf> {
    let dir = Path::new("tests/fixtures").join(id);
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        n.starts_with("fix-") && !n.contains(".fixed.")
    });
    v.sort();
    v
}

#[test]
fn every_fix_has_fixtures_and_they_fix_exactly_and_idempotently() {
    let mut failures = Vec::new();
    for meta in catalog() {
        let id = meta.id.as_str();
        let fixtures = fix_fixtures(id);
        if meta.fix.availability == FixAvailability::None {
            continue;
        }
        if meta.fix.applicability.is_none() {
            failures.push(format!(
                "{id}: a fix must declare applicability: safe|unsafe"
            ));
        }
        if fixtures.is_empty() {
            failures.push(format!(
                "{id}: declares a fix but has no tests/fixtures/{id}/fix-* file"
            ));
        }
        for input in fixtures {
            let path = input.to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(&input).unwrap();
            let level = if path.contains("/fix-unsafe-") {
                Level::Unsafe
            } else {
                Level::Safe
            };
            let (fixed, plan) = run_plan(&path, &text, level);
            let expected_path = fixed_name(&input);
            match fs::read_to_string(&expected_path) {
                Ok(expected) if expected == fixed => {}
                Ok(_) => failures.push(format!(
                    "{path}: fixed text differs from {}:\n{fixed}",
                    expected_path.display()
                )),
                Err(_) if std::env::var_os("FIX_UPDATE").is_some() => {
                    fs::write(&expected_path, &fixed).unwrap();
                }
                Err(_) => failures.push(format!("{path}: missing {}", expected_path.display())),
            }
            if fixed == text {
                failures.push(format!(
                    "{path}: nothing was fixed (notes: {:?})",
                    plan.notes
                ));
            }
            // Fewer findings of the rule, and none left that this level could fix.
            let count = |t: &str| {
                let (_, o) = engine::lint_texts(&[(&path, t)], &Options::default());
                o.findings.iter().filter(|f| f.rule.id == id).count()
            };
            if count(&fixed) >= count(&text) {
                failures.push(format!("{path}: {id} fires as often after the fix"));
            }
            if !offered(&path, &fixed, level).is_empty() {
                failures.push(format!("{path}: a fixable finding is left after the fix"));
            }
            let reloaded = load_text(&path, &fixed).unwrap();
            if !reloaded.parsed.problems.is_empty() {
                failures.push(format!("{path}: fixed text has parse problems"));
            }
            let (again, plan2) = run_plan(&path, &fixed, level);
            if again != fixed || !plan2.files.is_empty() {
                failures.push(format!("{path}: a second run changes the text again"));
            }
            // Single-round fixtures: the result is exactly the offered edits applied to the
            // original, so every byte outside them is the original's.
            let edits = offered(&path, &text, level);
            let refs: Vec<&Edit> = edits.iter().collect();
            if plan.notes.is_empty()
                && let Some(direct) = fix::edit::apply(&text, &refs)
                && direct != fixed
                && !path.contains("multi-round")
            {
                failures.push(format!(
                    "{path}: the result is not the rules' edits applied to the original"
                ));
            }
            let start = edits.iter().map(|e| e.range.start).min().unwrap_or(0);
            let end = edits
                .iter()
                .map(|e| e.range.end)
                .max()
                .unwrap_or(text.len());
            if text[..start] != fixed[..start]
                || text[end..] != fixed[fixed.len() - (text.len() - end)..]
            {
                failures.push(format!("{path}: bytes outside the edits changed"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn conflicting_fixes_are_not_stacked_and_the_result_still_parses() {
    // AZ006 renames the key, AZ002 then fixes the value: two rounds, no overlap.
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/Use: True\nspec:\n  containers: [{name: c, image: i}]\n";
    let (fixed, plan) = run_plan("p.yaml", text, Level::Safe);
    assert_eq!(
        fixed,
        text.replace(
            "azure.workload.identity/Use: True",
            "azure.workload.identity/use: \"true\""
        ),
        "{:?}",
        plan.notes
    );
}

#[test]
fn a_fix_that_would_break_the_document_is_refused() {
    // A duplicate-key result is refused by the re-parse check: AZ006 does not rename onto a key
    // that exists, so nothing changes and nothing breaks.
    let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    azure.workload.identity/client_id: \"x\"\n    azure.workload.identity/client-id: \"00000000-0000-0000-0000-000000000001\"\n";
    let (fixed, _) = run_plan("a.yaml", text, Level::Unsafe);
    assert_eq!(fixed, text);
}

#[test]
fn a_refused_fix_does_not_block_the_same_finding_on_another_object() {
    // Found by the `fix` fuzz target. Both Pods are unnamed in namespace `jobs` (the second
    // once AZ013 has moved it there), so their AZ001 findings read the same. The first Pod's
    // AZ001 fix is refused: the duplicate `metadata` key keeps its label out of the view. The
    // second Pod's fix must still be applied in the same plan, or a second plan changes the
    // text again.
    let text = "\
apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: worker\n  namespace: jobs\n  labels:
    azure.workload.identity/use: \"true\"\n  annotations:
    azure.workload.identity/client-id: 0f4e7c1a-9a53-4c6e-9a0c-7b4b8f5d2e11\n---
apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: jobs\nspec:\n  serviceAccountName: worker
apiVersion: v1\nmetadata:\n  namespace: jobs\n---
apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: x\nspec:\n  serviceAccountName: worker\n";
    let (fixed, plan) = run_plan("pods.yaml", text, Level::Unsafe);
    assert!(
        fixed
            .contains("    app: x\n    azure.workload.identity/use: \"true\"\n  namespace: jobs\n"),
        "{fixed}\n{:?}",
        plan.notes
    );
    let (again, second) = run_plan("pods.yaml", &fixed, Level::Unsafe);
    assert_eq!(again, fixed, "{:?}", second.notes);
    assert!(second.files.is_empty());
}
