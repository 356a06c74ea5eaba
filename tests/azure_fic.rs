//! Federated identity credentials end to end: the correct setup in every input form lints
//! clean, `--issuer` is compared byte for byte, `.tf` files are found by directory walks.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

const ISSUER: &str = "https://eastus.oic.prod-aks.azure.com/2b7e9f3c-5d1a-4c8e-9f0b-1a2b3c4d5e6f/6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9/";

fn wid() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", String::from_utf8_lossy(out)))
}

#[test]
fn correct_setup_in_every_form_lints_clean() {
    let out = wid()
        .args([
            "lint",
            "-o",
            "json",
            "examples/azure/shop",
            "examples/azure/federated",
        ])
        .assert()
        .code(0);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["summary"]["findings"], 0, "{v:#}");
    // Every form was read: 5 forms, 14 files (shop 3 + federated 11, incl. main.tf and
    // cdk.tf.json).
    assert_eq!(v["summary"]["files"], 14, "{v:#}");
}

#[test]
fn issuer_flag_is_compared_byte_for_byte() {
    // The same issuer: clean.
    wid()
        .args(["lint", "examples/azure/federated/aso", "--issuer", ISSUER])
        .assert()
        .code(0);
    // Another cluster: AZ022 at the issuer value, naming both strings.
    let other = "https://westeurope.oic.prod-aks.azure.com/2b7e9f3c-5d1a-4c8e-9f0b-1a2b3c4d5e6f/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/";
    let out = wid()
        .args([
            "lint",
            "-o",
            "json",
            "examples/azure/federated/aso",
            "examples/azure/federated/arm",
            "--issuer",
            other,
        ])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{v:#}");
    for f in findings {
        assert_eq!(f["rule"], "AZ022");
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains(ISSUER) && message.contains(other),
            "{message}"
        );
    }
    let aso = &findings[1];
    assert_eq!(aso["path"], "examples/azure/federated/aso/catalog.yaml");
    assert_eq!(
        (aso["line"].as_u64(), aso["column"].as_u64()),
        (Some(61), Some(11))
    );
    // Two clusters: matching either is enough.
    wid()
        .args([
            "lint",
            "examples/azure/federated/aso",
            "--issuer",
            other,
            "--issuer",
            ISSUER,
        ])
        .assert()
        .code(0);
}

#[test]
fn issuer_that_is_not_a_url_is_a_usage_error() {
    wid()
        .args(["lint", "examples/azure/federated/aso", "--issuer", "eastus"])
        .assert()
        .code(2);
}

#[test]
fn directories_are_walked_for_tf_files_and_bad_hcl_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        "resource \"azurerm_federated_identity_credential\" \"x\" {\n  name = \"x-fic\"\n  subject = \"system:serviceaccount:shop\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("ok.tf"),
        format!(
            "resource \"azurerm_federated_identity_credential\" \"y\" {{\n  name = \"y-fic\"\n  parent_id = azurerm_user_assigned_identity.y.id\n  audience = [\"api://AzureADTokenExchange\"]\n  issuer = \"{}\"\n  subject = \"system:serviceaccount:shop:y\"\n}}\n",
            ISSUER.trim_end_matches('/')
        ),
    )
    .unwrap();
    let out = wid()
        .args(["lint", "-o", "json", dir.path().to_str().unwrap()])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["TF001", "AZ021"], "{v:#}");
}

/// A cluster whose webhook projects another audience (`--audience`, or `azure.token-audience`
/// of a known cluster in the config file): credentials must use that one instead.
#[test]
fn configured_token_audience_replaces_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string("tests/fixtures/AZ023/good-az.json").unwrap();
    let custom = good.replace("api://AzureADTokenExchange", "api://contoso-aks-exchange");
    fs::write(dir.path().join("fic.json"), &custom).unwrap();
    let rules = |args: &[&str]| -> Vec<String> {
        let out = wid().current_dir(dir.path()).args(args).output().unwrap();
        let v = json_of(&out.stdout);
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    // Default audience: the custom one is wrong.
    assert!(
        rules(&["lint", "--no-config", "-o", "json", "fic.json"]).contains(&"AZ023".to_string())
    );
    // Told on the command line: accepted.
    let with_flag = rules(&[
        "lint",
        "--no-config",
        "-o",
        "json",
        "--audience",
        "api://contoso-aks-exchange",
        "fic.json",
    ]);
    assert!(!with_flag.contains(&"AZ023".to_string()), "{with_flag:?}");
    // Told by the config file: accepted; and then the default one is reported.
    fs::write(
        dir.path().join(".kubectl-wid.yaml"),
        "clusters:\n  prod:\n    azure:\n      token-audience: api://contoso-aks-exchange\n",
    )
    .unwrap();
    let with_config = rules(&["lint", "-o", "json", "fic.json"]);
    assert!(
        !with_config.contains(&"AZ023".to_string()),
        "{with_config:?}"
    );
    fs::write(dir.path().join("fic.json"), &good).unwrap();
    assert!(rules(&["lint", "-o", "json", "fic.json"]).contains(&"AZ023".to_string()));
}
