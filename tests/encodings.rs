//! UTF-16 manifests with a byte order mark, as Windows PowerShell's `>` writes them: kubectl
//! applies them (cli-runtime decodes files with `unicode.BOMOverride`), so they are linted like
//! their UTF-8 text, and `--fix` writes them back in UTF-16, byte-identical outside the edit.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const MANIFEST: &str = "# from PowerShell: kubectl get deploy web -o yaml > web.yaml\r\napiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: web\r\n  namespace: shop\r\n  annotations:\r\n    note: \"caf\u{e9} \u{1F600}\"\r\nspec:\r\n  template:\r\n    metadata:\r\n      labels:\r\n        azure.workload.identity/use: True\r\n    spec:\r\n      serviceAccountName: web\r\n      containers:\r\n      - name: c\r\n        image: x\r\n";

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

fn wid() -> Command {
    Command::cargo_bin("kubectl-wid").unwrap()
}

/// (rule, line, column, end line, end column) of each finding, path left out.
fn places(dir: &Path, file: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let out = wid()
        .current_dir(dir)
        .args(["lint", "-o", "json", "--fail-on", "never", file])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                n("line"),
                n("column"),
                n("end_line"),
                n("end_column"),
            )
        })
        .collect()
}

#[test]
fn utf16_files_are_linted_and_fixed_in_their_own_encoding() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("utf8.yaml"), MANIFEST).unwrap();
    fs::write(dir.path().join("le.yaml"), utf16(MANIFEST, false)).unwrap();
    fs::write(dir.path().join("be.yaml"), utf16(MANIFEST, true)).unwrap();
    let expected = places(dir.path(), "utf8.yaml");
    assert!(expected.iter().any(|p| p.0 == "AZ002"), "{expected:?}");
    for file in ["le.yaml", "be.yaml"] {
        assert_eq!(places(dir.path(), file), expected, "{file}");
    }

    for f in ["utf8.yaml", "le.yaml", "be.yaml"] {
        wid()
            .current_dir(dir.path())
            .args(["lint", "--fix", "--fail-on", "never", f])
            .assert()
            .success();
    }
    let fixed = fs::read_to_string(dir.path().join("utf8.yaml")).unwrap();
    assert!(
        fixed.contains("azure.workload.identity/use: \"true\"\r\n"),
        "{fixed}"
    );
    assert_eq!(
        fs::read(dir.path().join("le.yaml")).unwrap(),
        utf16(&fixed, false)
    );
    assert_eq!(
        fs::read(dir.path().join("be.yaml")).unwrap(),
        utf16(&fixed, true)
    );
    // A second fix changes nothing.
    wid()
        .current_dir(dir.path())
        .args(["lint", "--fix", "--fail-on", "never", "le.yaml"])
        .assert()
        .success();
    assert_eq!(
        fs::read(dir.path().join("le.yaml")).unwrap(),
        utf16(&fixed, false)
    );
}

#[test]
fn a_utf16_stream_on_stdin_is_fixed_onto_stdout_in_utf16() {
    let out = wid()
        .args(["lint", "--fix", "--fail-on", "never", "-"])
        .write_stdin(utf16(MANIFEST, false))
        .output()
        .unwrap();
    let fixed = MANIFEST.replace("use: True", "use: \"true\"");
    assert_eq!(out.stdout, utf16(&fixed, false));
}

#[test]
fn invalid_utf16_is_skipped_with_the_reason_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let mut odd = utf16(MANIFEST, false);
    odd.push(b'x');
    fs::write(dir.path().join("odd.yaml"), odd).unwrap();
    let mut lone = utf16("a: b\n", false);
    lone.extend(0xD800u16.to_le_bytes());
    fs::write(dir.path().join("lone.yaml"), lone).unwrap();
    fs::write(dir.path().join("utf8.yaml"), MANIFEST).unwrap();
    let out = wid()
        .current_dir(dir.path())
        .args(["lint", "-o", "json", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped: Vec<(String, String)> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "./lone.yaml".to_string(),
                "not valid UTF-16 (an unpaired surrogate at byte offset 12)".to_string()
            ),
            (
                "./odd.yaml".to_string(),
                "not valid UTF-16 (it has a UTF-16 byte order mark but an odd length)".to_string()
            ),
        ]
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["path"] == "./utf8.yaml")
    );
}
