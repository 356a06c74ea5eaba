//! The AWS examples: every correct EKS Pod Identity and IRSA setup (one directory per input
//! form) lints clean on its own and all together, and the broken ones produce the rules their
//! comments name.

use std::collections::BTreeSet;
use std::fs;

use kubectl_wid::engine::{self, Options};
use kubectl_wid::input::load;

fn rules_for(paths: &[String]) -> Vec<String> {
    let (found, errors) = load::discover(paths);
    assert!(errors.is_empty(), "{errors:?}");
    let inputs = load::load(&found, None);
    let outcome = engine::lint(&inputs, &Options::default());
    outcome
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect()
}

fn setups() -> Vec<String> {
    let mut dirs = Vec::new();
    for mechanism in ["examples/aws/pod-identity", "examples/aws/irsa"] {
        for e in fs::read_dir(mechanism).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p.to_string_lossy().into_owned());
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_correct_setup_lints_clean_alone_and_together() {
    let dirs = setups();
    for form in ["aws-cli", "iam-api", "eksctl", "ack", "terraform"] {
        for mechanism in ["pod-identity", "irsa"] {
            let dir = format!("examples/aws/{mechanism}/{form}");
            assert!(dirs.contains(&dir), "missing example {dir}");
        }
    }
    for dir in &dirs {
        let found = rules_for(std::slice::from_ref(dir));
        assert!(found.is_empty(), "{dir}: {found:#?}");
    }
    let all = rules_for(&dirs);
    assert!(all.is_empty(), "all setups together: {all:#?}");
}

#[test]
fn broken_examples_produce_the_rules_their_comments_name() {
    let found: BTreeSet<String> = rules_for(&["examples/aws/broken".to_string()])
        .iter()
        .map(|f| f.split(' ').next().unwrap().to_string())
        .collect();
    for id in [
        "PI001", "PI002", "PI003", "PI005", "PI009", "PI010", "IR001", "IR003", "IR006", "IR007",
        "IR008", "AWS001",
    ] {
        assert!(found.contains(id), "{id} not produced; got {found:?}");
    }
}
