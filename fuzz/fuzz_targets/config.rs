//! The user's own configuration: the text as a config file (`.kubectl-wid.yaml`, schema
//! validated, errors with line and column), as a custom rule file (a JSON Schema compiled from
//! user input; a rule that loads is run over a fixed manifest and the text itself), and each
//! line as a suppression comment and the whole as a suppression annotation. No panic, no hang;
//! every error is a message, every finding points inside its file.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use kubectl_wid::engine::{Options, lint_texts};
use kubectl_wid::suppress::parse;
use libfuzzer_sys::fuzz_target;

mod common;

const MANIFEST: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    team: a\n  annotations:\n    kubectl-wid/ignore: AZ001\nspec:\n  template:\n    metadata:\n      labels:\n        azure.workload.identity/use: \"true\"\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web  # kubectl-wid: ignore[AZ016] reason\n          image: web:1\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = kubectl_wid::config::load_str(Path::new(".kubectl-wid.yaml"), text) {
        assert!(!e.is_empty());
    }
    for line in text.lines() {
        if let Some((at, _)) = parse::comment(line) {
            assert!(at <= line.len() && line.is_char_boundary(at), "{at} in {line:?}");
        }
    }
    let _ = parse::annotation(text);
    match kubectl_wid::custom::load_str("rules/fuzz.yaml", text) {
        Err(e) => assert!(!e.is_empty()),
        Ok(rules) => {
            let mut options = Options::default();
            options.policy.custom_rules = Arc::new(rules);
            let (inputs, outcome) =
                lint_texts(&[("web.yaml", MANIFEST), ("input.yaml", text)], &options);
            common::check_findings(&inputs, &outcome.findings);
        }
    }
});
