//! The binary as users and CI gates meet it: exit codes, JSON contract, stdin, bad input.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

fn wid() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!(
            "not one JSON document: {e}\n{}",
            String::from_utf8_lossy(out)
        )
    })
}

#[test]
fn clean_example_exits_zero() {
    let out = wid().args(["lint", "examples/azure/shop"]).assert().code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.starts_with("no findings in 3 files"), "{stdout}");
}

#[test]
fn findings_exit_one_and_fail_on_controls_it() {
    wid().args(["lint", "examples/"]).assert().code(1);
    wid()
        .args(["lint", "--fail-on", "never", "examples/"])
        .assert()
        .code(0);
    // AZ015 is a warning: with only it selected, the default threshold (error) passes.
    wid()
        .args(["lint", "--select", "AZ015", "examples/"])
        .assert()
        .code(0);
    wid()
        .args([
            "lint",
            "--select",
            "AZ015",
            "--fail-on",
            "warning",
            "examples/",
        ])
        .assert()
        .code(1);
}

#[test]
fn usage_errors_and_missing_paths_exit_two() {
    wid()
        .args(["lint", "--fail-on", "sometimes"])
        .assert()
        .code(2);
    wid().args(["lint", "--select", "AZ999"]).assert().code(2);
    wid().args(["explain", "AZ999"]).assert().code(2);
    let out = wid()
        .args(["lint", "does/not/exist.yaml", "examples/azure/shop"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("does/not/exist.yaml: no such file or directory"),
        "{stderr}"
    );
    // The existing path is still linted.
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("3 files"), "{stdout}");
}

#[test]
fn json_output_follows_the_contract() {
    let out = wid()
        .args([
            "lint",
            "-o",
            "json",
            "tests/fixtures/AZ001/bad-label-on-deployment.yaml",
        ])
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "kubectl-wid");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let s = &v["summary"];
    for key in [
        "files",
        "documents",
        "objects",
        "findings",
        "error",
        "warning",
        "info",
    ] {
        assert!(s[key].is_u64(), "summary.{key}");
    }
    assert_eq!(s["files"], 1);
    assert_eq!(s["documents"], 2);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "AZ001");
    assert_eq!(f["name"], "missing-use-label");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["path"],
        "tests/fixtures/AZ001/bad-label-on-deployment.yaml"
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(22), Some(7))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(22), Some(13))
    );
    assert_eq!(f["object"]["apiVersion"], "apps/v1");
    assert_eq!(f["object"]["kind"], "Deployment");
    assert_eq!(f["object"]["namespace"], "shop");
    assert_eq!(f["object"]["name"], "orders");
    assert_eq!(f["fix"]["applicability"], "safe");
    assert!(f["fix"]["description"].is_string());
    let related = f["related"].as_array().unwrap();
    assert_eq!(related[0]["line"], 15);
    assert_eq!(related[0]["column"], 5);
    assert!(
        related
            .iter()
            .any(|r| r["message"] == "client id set on the ServiceAccount here")
    );
}

#[test]
fn stdin_is_linted_as_dash() {
    let text = fs::read_to_string("tests/fixtures/AZ001/bad-no-label.yaml").unwrap();
    let out = wid()
        .args(["lint", "-o", "json", "-"])
        .write_stdin(text)
        .assert()
        .code(1);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["findings"][0]["path"], "-");
}

#[test]
fn output_is_deterministic_and_sorted() {
    let run = || {
        wid()
            .args(["lint", "-o", "json", "examples/", "tests/fixtures/AZ001"])
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    for _ in 0..3 {
        assert_eq!(first, run());
    }
    let v = json_of(&first);
    let keys: Vec<(String, u64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn color_follows_flag_and_no_color() {
    let args = ["lint", "tests/fixtures/AZ001/bad-no-label.yaml"];
    let out = wid().args(args).arg("--color=always").output().unwrap();
    assert!(out.stdout.contains(&0x1b));
    let out = wid().args(args).arg("--color=never").output().unwrap();
    assert!(!out.stdout.contains(&0x1b));
    // Not a terminal, and NO_COLOR set: no colour either way with auto.
    let out = wid().args(args).env("NO_COLOR", "1").output().unwrap();
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn rules_and_explain_come_from_the_catalog() {
    let out = wid().args(["rules"]).assert().code(0);
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for meta in kubectl_wid::rules::catalog() {
        assert!(
            table.contains(&meta.id) && table.contains(&meta.name),
            "{}",
            meta.id
        );
    }
    let out = wid()
        .args(["explain", "missing-use-label"])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for section in [
        "AZ001 missing-use-label (error, azure)",
        "What it does",
        "Why it breaks",
        "Example (bad)",
        "Example (good)",
        "Fix",
        "Source",
    ] {
        assert!(text.contains(section), "{section}");
    }
    let out = wid().args(["rules", "-o", "json"]).assert().code(0);
    assert!(
        json_of(&out.get_output().stdout).as_array().unwrap().len()
            == kubectl_wid::rules::catalog().len()
    );
}

#[test]
fn help_shows_kubectl_wid_usage() {
    let out = wid().arg("--help").assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Usage: kubectl wid"), "{text}");
    wid().arg("--version").assert().code(0);
}

/// Every kind of bad input at once: none stops the run, each is reported, the good file is linted.
#[test]
fn bad_inputs_never_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    fs::write(
        p("invalid-utf8.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \xff\xfe\n",
    )
    .unwrap();
    fs::write(p("binary.yaml"), b"\x7fELF\x00\x00\x01\x02").unwrap();
    fs::write(p("empty.yaml"), b"").unwrap();
    fs::write(
        p("truncated.yaml"),
        b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [web\n",
    )
    .unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    fs::write(p("bomb.yaml"), bomb).unwrap();
    fs::write(p("deep.yaml"), "[".repeat(10_000)).unwrap();
    // Compact block sequences nest one level per `- `: 10,000 levels on one line.
    let deep_block = format!("{}x\n", "- ".repeat(10_000));
    fs::write(p("deep-block.yaml"), deep_block).unwrap();
    fs::write(
        p("dup.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  name: b\n",
    )
    .unwrap();
    fs::write(
        p("helm.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n",
    )
    .unwrap();
    fs::write(p("not-k8s.yaml"), "just: some\nconfig: file\n").unwrap();
    let bad = fs::read_to_string("tests/fixtures/AZ001/bad-no-label.yaml").unwrap();
    fs::write(p("crlf.yaml"), bad.replace('\n', "\r\n")).unwrap();
    fs::write(p("bom.yaml"), format!("\u{feff}{bad}")).unwrap();
    fs::write(p("good.yaml"), &bad).unwrap();

    let out = wid()
        .current_dir(dir.path())
        .args(["lint", "-o", "json", "."])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let findings = v["findings"].as_array().unwrap();
    let at = |path: &str, rule: &str| {
        findings
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(path) && f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} in {path}: {findings:#?}"))
    };
    at("truncated.yaml", "K8S001");
    at("deep.yaml", "K8S001");
    at("deep-block.yaml", "K8S001");
    at("bomb.yaml", "K8S003");
    at("helm.yaml", "K8S004");
    let dup = at("dup.yaml", "K8S002");
    assert_eq!(
        (dup["line"].as_u64(), dup["related"][0]["line"].as_u64()),
        (Some(5), Some(4))
    );
    // CRLF and BOM do not shift lines or columns.
    let good = at("good.yaml", "AZ001");
    for path in ["crlf.yaml", "bom.yaml"] {
        let f = at(path, "AZ001");
        assert_eq!(
            (f["line"].clone(), f["column"].clone()),
            (good["line"].clone(), good["column"].clone()),
            "{path}"
        );
    }
    let skipped: Vec<&str> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(v["summary"]["skipped"], 3, "{skipped:?}");
    assert!(skipped.iter().any(|r| r.starts_with("not valid UTF-8")));
    assert!(skipped.iter().any(|r| r.starts_with("binary")));
    assert!(skipped.iter().any(|r| r.starts_with("empty")));
    assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// Secret values never reach the terminal, even when a finding points right at them.
#[test]
fn secret_values_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    // A duplicate key inside a Secret's data, and a syntax error in another Secret.
    fs::write(
        dir.path().join("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t-One\n  password: s3cr3t-Two\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("broken-secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  token: \"s3cr3t-Three\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let out = wid()
            .current_dir(dir.path())
            .args(["lint", "--color", "never", "-o", format, "."])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("K8S002") && all.contains("K8S001"), "{all}");
        for secret in ["s3cr3t-One", "s3cr3t-Two", "s3cr3t-Three"] {
            assert!(
                !all.contains(secret),
                "{format} output leaks {secret}:\n{all}"
            );
        }
    }
}
