//! `lint --fix`, `--diff`, `--unsafe-fixes` as users meet them: exit codes, files written or not,
//! stdin, permissions, a second run.

use std::fs;

use assert_cmd::Command;

fn wid() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

const BROKEN: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    # from `az identity show`\n    azure.workload.identity/client_id: \"00000000-0000-0000-0000-000000000001\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    azure.workload.identity/use: \"true\" # wrong place\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      serviceAccountName: web\n      containers:\n      - name: web\n        image: r.example/web:1\n";

fn temp_with(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.yaml");
    fs::write(&p, text).unwrap();
    (dir, p)
}

#[test]
fn diff_prints_and_writes_nothing_exit_one() {
    let (_d, p) = temp_with(BROKEN);
    let out = wid()
        .args(["lint", "--diff", p.to_str().unwrap()])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("+++ b/"), "{stdout}");
    assert!(
        stdout.contains("-    azure.workload.identity/client_id:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+        azure.workload.identity/use: \"true\""),
        "{stdout}"
    );
    assert!(
        !stdout.contains("-    azure.workload.identity/use"),
        "unsafe edit not shown: {stdout}"
    );
    assert_eq!(fs::read_to_string(&p).unwrap(), BROKEN);
}

#[test]
fn fix_writes_then_a_second_run_has_nothing_to_do() {
    let (_d, p) = temp_with(BROKEN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = wid()
        .args(["lint", "--fix", p.to_str().unwrap()])
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("fixed 2 finding(s) in 1 file(s)"),
        "{stderr}"
    );
    let fixed = fs::read_to_string(&p).unwrap();
    assert!(
        fixed.contains("    # from `az identity show`\n    azure.workload.identity/client-id:")
    );
    assert!(fixed.contains("  labels:\n    azure.workload.identity/use: \"true\" # wrong place\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    wid()
        .args(["lint", "--diff", p.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout("");
    // Unsafe (on the original): the misplaced label goes too, with its comment.
    fs::write(&p, BROKEN).unwrap();
    wid()
        .args(["lint", "--fix", "--unsafe-fixes", p.to_str().unwrap()])
        .assert()
        .code(0);
    let unsafe_fixed = fs::read_to_string(&p).unwrap();
    assert!(!unsafe_fixed.contains("wrong place"), "{unsafe_fixed}");
    assert_eq!(
        fs::read_dir(p.parent().unwrap()).unwrap().count(),
        1,
        "no temp files left"
    );
}

#[test]
fn fix_stdin_writes_the_stream_to_stdout_and_findings_to_stderr() {
    let crlf = BROKEN.replace('\n', "\r\n");
    let out = wid()
        .args(["lint", "--fix", "-"])
        .write_stdin(crlf.clone())
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("azure.workload.identity/client-id: \"00000000"));
    assert!(
        stdout.contains("        app: web\r\n        azure.workload.identity/use: \"true\"\r\n")
    );
    assert_eq!(
        stdout.matches('\n').count(),
        stdout.matches("\r\n").count(),
        "CRLF kept"
    );
    assert_eq!(
        stdout.len() - crlf.len(),
        "        azure.workload.identity/use: \"true\"\r\n".len()
    );
}

#[test]
fn unsafe_fixes_alone_is_a_usage_error() {
    wid()
        .args(["lint", "--unsafe-fixes", "examples/"])
        .assert()
        .code(2);
    wid()
        .args(["lint", "--fix", "--diff", "examples/"])
        .assert()
        .code(2);
}

#[test]
fn json_output_carries_the_edits() {
    let (_d, p) = temp_with(BROKEN);
    let out = wid()
        .args(["lint", "-o", "json", p.to_str().unwrap()])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let az001 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "AZ001")
        .unwrap();
    let edits = az001["fix"]["edits"].as_array().unwrap();
    assert_eq!(edits[0]["line"], 24);
    assert_eq!(edits[0]["column"], 1);
    assert_eq!(
        edits[0]["text"],
        "        azure.workload.identity/use: \"true\"\n"
    );
    assert_eq!(edits[0]["applicability"], "safe");
    assert_eq!(edits[1]["applicability"], "unsafe");
}

#[cfg(unix)]
#[test]
fn a_symlink_keeps_pointing_at_the_fixed_file() {
    let (d, target) = temp_with(BROKEN);
    let link = d.path().join("link.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    wid()
        .args(["lint", "--fix", link.to_str().unwrap()])
        .assert()
        .code(0);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&target).unwrap().contains("client-id:"));
}
