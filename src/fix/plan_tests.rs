//! The rounds of `plan`: a refused round is rolled back whole, its other fixes are retried on
//! the unchanged text, and the refused fix is named in a note. Driven by a stand-in lint whose
//! findings and fixes come from marker words in the texts.

use super::{Edit, Level, Plan, plan_with};
use crate::input::FileId;
use crate::input::load::{Inputs, load_text};
use crate::rules::Finding;

/// `fixme` → a fix to `fixed`; `stuck` → a fix that leaves the word (the finding stays) and
/// adds a `fixme` (seen only if a refused round's text leaked into the next round);
/// `breakme` → a fix that breaks the YAML. Every marker is one finding of a fixable rule.
fn stand_in_lint(inputs: &Inputs) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, f) in inputs.files.iter().enumerate() {
        let text = &f.source.text;
        for (word, replacement) in [
            ("fixme", "fixed"),
            ("stuck", "stuck fixme"),
            ("breakme", "a: [\n"),
        ] {
            for (at, _) in text.match_indices(word) {
                let span = at..at + word.len();
                out.push(
                    Finding::new("AZ002", FileId(i), span.clone(), format!("{word} at {at}"))
                        .with_fix("stand-in", vec![Edit::replace(span, replacement)]),
                );
            }
        }
    }
    out
}

fn plan_of(files: &[(&str, &str)]) -> Plan {
    let mut inputs = Inputs::default();
    for (path, text) in files {
        inputs.files.push(load_text(path, text).expect("loads"));
    }
    plan_with(&inputs, Level::Unsafe, &stand_in_lint)
}

fn fixed<'p>(plan: &'p Plan, path: &str) -> Option<&'p str> {
    plan.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.fixed.as_str())
}

#[test]
fn a_fix_that_leaves_its_finding_is_dropped_and_the_rest_applied() {
    let plan = plan_of(&[
        ("a.yaml", "x: fixme\ny: stuck\n"),
        ("b.yaml", "z: fixme\n"),
        ("c.yaml", "w: clean\n"),
        ("s.yaml", "v: stuck\n"),
    ]);
    // Round 1 is refused (the `stuck` findings stay); round 2 applies the others alone, on
    // the texts before round 1 (s.yaml, edited only in round 1, is back to its original).
    assert_eq!(fixed(&plan, "a.yaml"), Some("x: fixed\ny: stuck\n"));
    assert_eq!(fixed(&plan, "b.yaml"), Some("z: fixed\n"));
    assert_eq!(
        fixed(&plan, "c.yaml"),
        None,
        "an untouched file is not in the plan"
    );
    assert_eq!(fixed(&plan, "s.yaml"), None);
    assert_eq!(plan.fixed, 2);
    assert_eq!(
        plan.notes,
        vec![
            "a.yaml: AZ002: fix not applied: the finding is still there after the edit",
            "s.yaml: AZ002: fix not applied: the finding is still there after the edit",
        ]
    );
}

#[test]
fn a_fix_that_breaks_the_yaml_is_dropped_and_other_files_still_fixed() {
    let plan = plan_of(&[
        ("a.yaml", "x: breakme\n"),
        ("b.yaml", "z: fixme\nq: fixme\n"),
    ]);
    assert_eq!(fixed(&plan, "a.yaml"), None);
    assert_eq!(fixed(&plan, "b.yaml"), Some("z: fixed\nq: fixed\n"));
    assert_eq!(plan.fixed, 2);
    assert_eq!(
        plan.notes,
        vec!["a.yaml: AZ002: fix not applied: the result would not parse as before"]
    );
}

#[test]
fn untouched_files_carried_over_give_the_same_result() {
    // Many files, most untouched: those are carried over to the check of the fixed texts
    // instead of parsed again, and the result equals fixing each file on its own.
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            let text = if i % 3 == 0 {
                format!("k{i}: fixme\n")
            } else {
                format!("k{i}: fine\n")
            };
            (format!("f{i:02}.yaml"), text)
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let plan = plan_of(&refs);
    assert_eq!(plan.files.len(), 14);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    for f in &plan.files {
        assert_eq!(f.fixed, f.original.replace("fixme", "fixed"));
    }
}
