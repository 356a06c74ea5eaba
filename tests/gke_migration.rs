//! GKE Workload Identity and the migration hints: every correct GKE setup under `examples/gke/`
//! lints clean alone and together, the broken one produces the rules its comments name, and a
//! literal cloud secret (MIG002) never appears in any output format.

use std::collections::BTreeSet;

use kubectl_wid::engine::{self, Options};
use kubectl_wid::input::load;
use kubectl_wid::report::{Report, github, human, json, junit, sarif};

fn rules_for(paths: &[&str]) -> Vec<String> {
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let (found, errors) = load::discover(&paths);
    assert!(errors.is_empty(), "{errors:?}");
    let inputs = load::load(&found, None);
    let outcome = engine::lint(&inputs, &Options::default());
    outcome
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect()
}

#[test]
fn correct_gke_setups_lint_clean_alone_and_together() {
    let dirs = ["examples/gke/config-connector", "examples/gke/terraform"];
    for dir in dirs {
        let found = rules_for(&[dir]);
        assert!(found.is_empty(), "{dir}: {found:#?}");
    }
    let all = rules_for(&dirs);
    assert!(all.is_empty(), "all GKE setups together: {all:#?}");
}

#[test]
fn broken_gke_example_produces_the_rules_its_comments_name() {
    let found: BTreeSet<String> = rules_for(&["examples/gke/broken"])
        .iter()
        .filter_map(|f| f.split(' ').next().map(str::to_string))
        .collect();
    for id in [
        "GK001", "GK002", "GK003", "GK004", "GK005", "GK006", "GK007", "GK008", "GK009", "GK010",
    ] {
        assert!(found.contains(id), "{id} not produced; got {found:?}");
    }
}

/// Credentials in every shape the manifest may spell them: block and flow YAML, JSON on
/// one line, and a one-line flow mapping where every candidate line holds the value.
const SECRETS: &[&str] = &[
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAIOSFODNN7EXAMPLE",
    "Zx8Q~s3cr3tV4lue.DoNotPrint_123",
    "jsonSecretValue/DoNotPrint+abc",
    "oneLineSecret/DoNotPrint=xyz",
];

const INPUTS: &[(&str, &str)] = &[
    (
        "block.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: up\n  namespace: media\nspec:\n  selector:\n    matchLabels: {app: up}\n  template:\n    metadata:\n      labels: {app: up}\n    spec:\n      containers:\n      - name: up\n        image: registry.example/up:1\n        env:\n        - name: AWS_ACCESS_KEY_ID\n          value: AKIAIOSFODNN7EXAMPLE\n        - name: AWS_SECRET_ACCESS_KEY\n          value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ),
    (
        "flow.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: sync, namespace: ops}\nspec:\n  containers:\n  - name: sync\n    image: registry.example/sync:1\n    env:\n    - {name: AZURE_CLIENT_SECRET, value: \"Zx8Q~s3cr3tV4lue.DoNotPrint_123\"}\n",
    ),
    (
        "pod.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n \"metadata\": {\"name\": \"j\"},\n \"spec\": {\"containers\": [{\"name\": \"j\", \"image\": \"r/j:1\", \"env\": [{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"value\": \"jsonSecretValue/DoNotPrint+abc\"}]}]}}\n",
    ),
    (
        "one-line.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"o\"}, \"spec\": {\"containers\": [{\"name\": \"o\", \"image\": \"r/o:1\", \"env\": [{\"name\": \"AWS_SECRET_ACCESS_KEY\", \"value\": \"oneLineSecret/DoNotPrint=xyz\"}]}]}}\n",
    ),
];

#[test]
fn literal_cloud_secrets_are_never_printed_in_any_format() {
    let (inputs, outcome) = engine::lint_texts(INPUTS, &Options::default());
    let mig002 = outcome
        .findings
        .iter()
        .filter(|f| f.rule.id == "MIG002")
        .count();
    // block.yaml: 2, flow.yaml: 1, pod.json: 1; one-line.json has no safe line and is not
    // reported rather than printed.
    assert_eq!(mig002, 4, "{:#?}", outcome.findings);
    let report = Report::new(
        &inputs.files,
        &outcome.findings,
        &[],
        &[],
        outcome.documents,
        outcome.objects,
    );
    let outputs = [
        ("human", human::render(&report, false)),
        ("human (colour)", human::render(&report, true)),
        ("json", json::render(&report)),
        ("sarif", sarif::render(&report, &[])),
        ("github", github::render(&report)),
        ("junit", junit::render(&report)),
    ];
    for (format, text) in &outputs {
        assert!(
            text.contains("MIG002"),
            "{format} output lacks MIG002:\n{text}"
        );
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{format} output prints the secret {secret}:\n{text}"
            );
        }
    }
}

/// The same through the binary, for every `-o` format it offers (stdin input).
#[test]
fn literal_cloud_secrets_are_never_printed_by_the_cli() {
    let input = format!("{}---\n{}", INPUTS[0].1, INPUTS[1].1);
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = assert_cmd::Command::cargo_bin("kubectl-wid")
            .unwrap()
            .args(["lint", "--color", "always", "-o", format, "-"])
            .write_stdin(input.clone())
            .assert()
            .code(0);
        let output = out.get_output();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(text.contains("MIG002"), "{format}: {text}");
        for secret in SECRETS {
            assert!(!text.contains(secret), "{format} prints {secret}:\n{text}");
        }
    }
}
