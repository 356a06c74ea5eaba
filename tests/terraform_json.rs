//! Terraform's JSON syntax (`*.tf.json`) reads like the native syntax: every `.tf` fixture of
//! `tests/fixtures` has a `.tf.json` twin (written from it with `python-hcl2` and a normalizer
//! to Terraform's JSON configuration syntax; a directory case `bad-x/` has `bad-x-json/`), and
//! both must give the same findings (rule and message; positions differ). Fixes are not offered
//! in `.tf.json` files (src/engine.rs).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use kubectl_wid::engine::{Options, lint_texts};

/// (rule, message, has a fix) of linting these files together; spans checked to be in the file.
fn findings(files: &[PathBuf]) -> Vec<(String, String, bool)> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let path = p.to_string_lossy().replace('\\', "/");
            (path, fs::read_to_string(p).unwrap())
        })
        .collect();
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (inputs, outcome) = lint_texts(&refs, &Options::default());
    let mut out: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| {
            let text = &inputs.files[f.file.0].source.text;
            assert!(
                text.get(f.span.clone()).is_some(),
                "{}: span {:?} outside the text",
                inputs.files[f.file.0].source.path,
                f.span
            );
            (f.rule.id.to_string(), f.message.clone(), f.fix.is_some())
        })
        .collect();
    out.sort();
    out
}

fn files_of(case: &Path) -> Vec<PathBuf> {
    if case.is_dir() {
        let mut v: Vec<PathBuf> = fs::read_dir(case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    } else {
        vec![case.to_path_buf()]
    }
}

/// Every `.tf.json` case and the native case it was written from.
fn pairs() -> BTreeMap<PathBuf, PathBuf> {
    let mut out = BTreeMap::new();
    for rule in fs::read_dir("tests/fixtures").unwrap() {
        for case in fs::read_dir(rule.unwrap().path()).unwrap() {
            let case = case.unwrap().path();
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            if case.is_dir() && name.ends_with("-json") {
                out.insert(case.clone(), case.with_file_name(&name[..name.len() - 5]));
            } else if let Some(stem) = name.strip_suffix(".tf.json") {
                out.insert(case.clone(), case.with_file_name(format!("{stem}.tf")));
            }
        }
    }
    out
}

#[test]
fn every_tf_json_twin_finds_what_its_tf_original_finds() {
    let pairs = pairs();
    // The twins cover every rule that reads Terraform; fewer means fixtures went missing.
    assert!(pairs.len() >= 80, "only {} .tf.json cases", pairs.len());
    let (mut with_findings, mut fixes_dropped) = (0, 0);
    for (json, native) in &pairs {
        // TF001's JSON syntax errors have no native twin (they are JSON's own mistakes).
        if json.starts_with("tests/fixtures/TF001") && !native.exists() {
            continue;
        }
        assert!(
            native.exists(),
            "{}: no original {}",
            json.display(),
            native.display()
        );
        let a = findings(&files_of(native));
        let b = findings(&files_of(json));
        let strip = |v: &[(String, String, bool)]| -> Vec<(String, String)> {
            v.iter().map(|(r, m, _)| (r.clone(), m.clone())).collect()
        };
        assert_eq!(
            strip(&a),
            strip(&b),
            "{} vs {}",
            json.display(),
            native.display()
        );
        let name = json.file_name().unwrap().to_string_lossy();
        if name.starts_with("bad") {
            assert!(
                !b.is_empty(),
                "{}: a bad case without findings",
                json.display()
            );
            with_findings += 1;
        }
        // A fix is an edit in the syntax the rule read; inside a JSON string it would be wrong.
        if json.is_file() {
            assert!(b.iter().all(|f| !f.2), "{}: a fix offered", json.display());
        }
        fixes_dropped += a.iter().filter(|f| f.2).count();
    }
    assert!(with_findings >= 40, "{with_findings} bad cases");
    // PI002's jsonencode case has a fix in native syntax, so the fix check above is exercised.
    assert!(fixes_dropped > 0);
}

#[test]
fn a_tf_json_syntax_error_is_tf001_at_its_place() {
    let text = "{\n  \"resource\": {\n    \"aws_iam_role\": [\n  }\n}\n";
    let (inputs, outcome) = lint_texts(&[("main.tf.json", text)], &Options::default());
    let f = outcome
        .findings
        .iter()
        .find(|f| f.rule.id == "TF001")
        .expect("TF001");
    let at = inputs.files[0].source.position(f.span.start);
    // The unclosed `[`, as the JSON reader names it.
    assert_eq!(at.line, 3, "{}", f.message);
    assert!(
        f.message.starts_with("invalid Terraform JSON: "),
        "{}",
        f.message
    );
    // Not read as Kubernetes manifests: no other finding about the same file.
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
}

/// References resolve across the two syntaxes: a `.tf.json` credential whose issuer is a local
/// of a `.tf` file is checked against that literal (AZ021), not noted as unresolved (AZ030).
#[test]
fn references_resolve_between_tf_and_tf_json() {
    let native = r#"locals {
  issuer = "https://eastus.oic.prod-aks.azure.com/2b7e9f3c-5d1a-4c8e-9f0b-1a2b3c4d5e6f/6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
}
"#;
    let json = r#"{
  "resource": {
    "azurerm_user_assigned_identity": {"shop": {"name": "shop-identity", "resource_group_name": "shop-rg", "location": "eastus"}},
    "azurerm_federated_identity_credential": {
      "orders_fic": {
        "name": "orders-fic",
        "user_assigned_identity_id": "${azurerm_user_assigned_identity.shop.id}",
        "audience": ["api://AzureADTokenExchange"],
        "issuer": "${local.issuer}",
        "subject": "system:serviceaccount:shop:orders"
      }
    }
  }
}
"#;
    let (_, outcome) = lint_texts(
        &[("infra/locals.tf", native), ("infra/cdk.tf.json", json)],
        &Options::default(),
    );
    let rules: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.rule.id.as_str())
        .collect();
    assert!(rules.contains(&"AZ021"), "{rules:?}");
    assert!(!rules.contains(&"AZ030"), "{rules:?}");
}
