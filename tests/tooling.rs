//! Shell and tooling integration that needs no Python: the `__complete` protocol, kubectl's
//! plugin discovery and `kubectl wid <TAB>` (when kubectl is installed), the krew manifest, the
//! GitHub Action's lint step and the pre-commit manifest's shape.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;

fn yaml(text: &str) -> serde_json::Value {
    let f = kubectl_wid::input::load::load_text("x.yaml", text).expect("not empty");
    assert!(f.parsed.problems.is_empty(), "{:?}", f.parsed.problems);
    kubectl_wid::schema::to_json(&f.parsed.documents[0].root)
}

fn complete(words: &[&str]) -> String {
    let out = Command::cargo_bin("kubectl-wid")
        .unwrap()
        .arg("__complete")
        .args(words)
        .assert()
        .code(0);
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn cobra_complete_protocol() {
    let top = complete(&[""]);
    assert!(top.lines().any(|l| l.starts_with("lint\t")), "{top}");
    assert!(top.ends_with(":4\n"), "{top}");
    let outputs = complete(&["lint", "-o", ""]);
    for f in ["human", "json", "sarif", "github", "junit"] {
        assert!(
            outputs.lines().any(|l| l.split('\t').next() == Some(f)),
            "{outputs}"
        );
    }
    let flags = complete(&["lint", "--fail"]);
    assert!(flags.starts_with("--fail-on\t"), "{flags}");
    // Paths: no candidates, directive 0 lets the shell complete file names.
    assert_eq!(complete(&["lint", "exa"]), ":0\n");
    let rules = complete(&["explain", "AZ00"]);
    assert!(rules.starts_with("AZ001\t"), "{rules}");
}

/// A directory holding only `kubectl-wid` and `kubectl_complete-wid`, for PATH.
fn plugin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(cargo_bin("kubectl-wid"), dir.path().join("kubectl-wid")).unwrap();
    let helper = dir.path().join("kubectl_complete-wid");
    fs::copy("kubectl_complete-wid", &helper).unwrap();
    dir
}

fn kubectl() -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
}

#[test]
fn kubectl_finds_the_plugin_and_completes_it() {
    let Some(kubectl) = kubectl() else {
        // Straight to stderr: the test harness captures `println!` of passing tests.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"skipped: kubectl is not installed (the plugin-discovery check needs kubectl on PATH)\n",
        );
        return;
    };
    let dir = plugin_dir();
    let path = std::env::join_paths(
        std::iter::once(dir.path().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let list = Process::new(&kubectl)
        .args(["plugin", "list"])
        .env("PATH", &path)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    let expected = dir.path().join("kubectl-wid");
    assert!(
        listed
            .lines()
            .any(|l| l.trim() == expected.to_string_lossy()),
        "kubectl plugin list did not list {}:\n{listed}\n{}",
        expected.display(),
        String::from_utf8_lossy(&list.stderr)
    );
    let run = Process::new(&kubectl)
        .args(["wid", "rules"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).contains("AZ001"));
    // kubectl ≥ 1.26 runs kubectl_complete-wid for `kubectl wid <TAB>`.
    let comp = Process::new(&kubectl)
        .args(["__complete", "wid", "lint", "-o", ""])
        .env("PATH", &path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&comp.stdout);
    assert!(text.lines().any(|l| l.starts_with("sarif")), "{text}");
}

#[test]
fn krew_manifest_renders_to_a_valid_plugin() {
    let template = fs::read_to_string("krew/wid.yaml").unwrap();
    // What krew-release-bot does with a tag.
    let mut rendered = String::new();
    for line in template.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("{{addURIAndSha \"") {
            let indent = &line[..line.len() - trimmed.len()];
            let url = rest
                .split('"')
                .next()
                .unwrap()
                .replace("{{ .TagName }}", "v0.1.0");
            rendered.push_str(&format!(
                "{indent}uri: {url}\n{indent}sha256: {}\n",
                "ab".repeat(32)
            ));
        } else {
            rendered.push_str(&line.replace("{{ .TagName }}", "v0.1.0"));
            rendered.push('\n');
        }
    }
    let p = yaml(&rendered);
    assert_eq!(
        p["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(p["kind"], "Plugin");
    assert_eq!(p["metadata"]["name"], "wid");
    let spec = &p["spec"];
    assert_eq!(spec["version"], "v0.1.0");
    assert!(spec["homepage"].as_str().unwrap().starts_with("https://"));
    let short = spec["shortDescription"].as_str().unwrap();
    assert!(
        short.len() <= 50,
        "krew wants a short shortDescription: {short}"
    );
    let long = spec["description"].as_str().unwrap();
    assert!(
        long.contains("kubectl wid lint"),
        "usage as `kubectl wid …`"
    );
    let allowed = ["uri", "sha256", "bin", "selector", "files"];
    for platform in spec["platforms"].as_array().unwrap() {
        for key in platform.as_object().unwrap().keys() {
            assert!(
                allowed.contains(&key.as_str()),
                "unknown platform key {key}"
            );
        }
        let bin = platform["bin"].as_str().unwrap();
        assert!(bin == "kubectl-wid" || bin == "kubectl-wid.exe");
        assert!(
            platform["uri"]
                .as_str()
                .unwrap()
                .contains("/releases/download/v0.1.0/")
        );
        assert_eq!(platform["sha256"].as_str().unwrap().len(), 64);
        let labels = &platform["selector"]["matchLabels"];
        assert!(labels["os"].is_string() && labels["arch"].is_string());
    }
}

#[test]
fn github_action_lints_and_uploads_sarif() {
    let action = yaml(&fs::read_to_string("action.yml").unwrap());
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))),
        "uploads SARIF"
    );
    // Run the lint step's script as the runner would.
    let lint = steps.iter().find(|s| s["id"] == "lint").unwrap();
    let script = lint["run"].as_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let sarif = tmp.path().join("out.sarif");
    let output = tmp.path().join("github_output");
    let bin_dir = cargo_bin("kubectl-wid").parent().unwrap().to_path_buf();
    let run = |paths: &str| {
        fs::write(&output, "").unwrap();
        let out = Process::new("bash")
            .arg("-c")
            .arg(script)
            .env(
                "PATH",
                std::env::join_paths([
                    bin_dir.clone(),
                    PathBuf::from("/usr/bin"),
                    PathBuf::from("/bin"),
                ])
                .unwrap(),
            )
            .env("WID_PATHS", paths)
            .env("WID_ARGS", "--no-config")
            .env("WID_SARIF", &sarif)
            .env("GITHUB_OUTPUT", &output)
            .env("RUNNER_TEMP", tmp.path())
            .output()
            .unwrap();
        (out, fs::read_to_string(&output).unwrap())
    };
    let (out, outputs) = run("examples/");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outputs.trim(), "exit-code=1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error file=examples/"), "{stdout}");
    assert!(
        stdout.contains("error[AZ001]"),
        "the human report is in the log: {stdout}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let (_, outputs) = run("examples/azure/shop");
    assert_eq!(outputs.trim(), "exit-code=0");
    let (out, outputs) = run("does/not/exist");
    assert!(!out.status.success());
    assert_eq!(outputs.trim(), "exit-code=2");
}

#[test]
fn pre_commit_manifest_has_a_rust_and_a_system_hook() {
    let text = fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let f = kubectl_wid::input::load::load_text("h.yaml", &text).unwrap();
    let hooks = kubectl_wid::schema::to_json(&f.parsed.documents[0].root);
    let hooks = hooks.as_array().unwrap();
    let by_lang = |l: &str| {
        hooks
            .iter()
            .find(|h| h["language"] == l)
            .unwrap_or_else(|| panic!("no {l} hook"))
    };
    let rust = by_lang("rust");
    assert!(
        rust.get("language_version").is_none(),
        "language_version makes pre-commit call rustup"
    );
    let system = by_lang("system");
    for h in [rust, system] {
        assert_eq!(h["entry"], "kubectl-wid lint --index-root .");
        assert_eq!(h["require_serial"], true);
        assert!(h["files"].as_str().unwrap().contains("ya?ml"));
    }
    // The root manifest owns the binary pre-commit's `cargo install` needs.
    let cargo = fs::read_to_string("Cargo.toml").unwrap();
    assert!(cargo.contains("[package]") && cargo.contains("name = \"kubectl-wid\""));
    assert!(Path::new("src/main.rs").is_file());
}
