//! Outputs (-o FORMAT[=FILE]), the config file, suppressions, custom rules and --index-root,
//! as users and CI meet them through the binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn wid() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A temporary git-repository-like directory (a `.git` directory marks the root).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

fn rules_of(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

const SA_BAD_CLIENT_ID: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n  annotations:\n    azure.workload.identity/client-id: not-a-guid\n";

#[test]
fn json_output_is_unchanged_by_the_new_output_flag() {
    let a = wid()
        .args(["lint", "--no-config", "-o", "json", "examples/"])
        .assert()
        .code(1);
    let b = wid()
        .args(["lint", "--no-config", "--output", "json", "examples/"])
        .assert()
        .code(1);
    let c = wid()
        .args(["lint", "--no-config", "--output=json", "examples/"])
        .assert()
        .code(1);
    assert_eq!(stdout(&a), stdout(&b));
    assert_eq!(stdout(&a), stdout(&c));
    let v: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["version"], 1);
    assert!(stderr(&a).is_empty(), "{}", stderr(&a));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let out = wid()
        .args(["lint", "--no-config", "--color", "never", "-o", "human"])
        .arg("-o")
        .arg(format!("sarif={}", sarif.display()))
        .arg(format!("--output=junit={}", junit.display()))
        .arg("examples/")
        .assert()
        .code(1);
    assert!(stdout(&out).contains("error[AZ001]"), "{}", stdout(&out));
    let doc: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(fs::read_to_string(&junit).unwrap().starts_with("<?xml"));
    // Two formats on stdout would interleave: a usage error.
    wid()
        .args([
            "lint",
            "--no-config",
            "-o",
            "human",
            "-o",
            "json",
            "examples/",
        ])
        .assert()
        .code(2);
    wid()
        .args(["lint", "--no-config", "-o", "yaml", "examples/"])
        .assert()
        .code(2);
}

#[test]
fn github_workflow_commands_point_at_the_span() {
    let out = wid()
        .args(["lint", "--no-config", "-o", "github", "-"])
        .write_stdin(SA_BAD_CLIENT_ID)
        .assert()
        .code(1);
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "::error file=-,line=7,col=40,endLine=7,endColumn=50,title=AZ003 client-id-format::"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "one command per finding: {text}");
    assert!(text.contains("%0Ahelp: "), "{text}");
}

#[test]
fn junit_has_one_testcase_per_object() {
    let input = format!(
        "{SA_BAD_CLIENT_ID}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n"
    );
    let out = wid()
        .args(["lint", "--no-config", "-o", "junit", "-"])
        .write_stdin(input)
        .assert()
        .code(1);
    let xml = stdout(&out);
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(xml.contains("name=\"ServiceAccount shop/api\""), "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
}

#[test]
fn config_is_found_upwards_and_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    // A config above the repository root must not be used.
    write(
        outer.path(),
        ".kubectl-wid.yaml",
        "ignore: [kubernetes]\nfail-on: never\n",
    );
    let root = outer.path().join("repo");
    fs::create_dir_all(root.join(".git")).unwrap();
    write(&root, "k8s/sa.yaml", SA_BAD_CLIENT_ID);
    let sub = root.join("k8s");
    wid().current_dir(&sub).args(["lint", "."]).assert().code(1);
    write(
        &root,
        ".kubectl-wid.yaml",
        "severity:\n  client-id-format: warning\n",
    );
    let out = wid()
        .current_dir(&sub)
        .args(["lint", "-o", "json", "."])
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["findings"][0]["severity"], "warning");
    // --no-config and --config
    wid()
        .current_dir(&sub)
        .args(["lint", "--no-config", "."])
        .assert()
        .code(1);
    let other = root.join("strict.yaml");
    fs::write(&other, "fail-on: info\nignore: [AZ003]\n").unwrap();
    wid()
        .current_dir(&sub)
        .args(["lint", "--config"])
        .arg(&other)
        .arg(".")
        .assert()
        .code(0);
}

#[test]
fn config_errors_are_span_exact_with_did_you_mean() {
    let root = repo();
    write(
        root.path(),
        ".kubectl-wid.yaml",
        "select: [azure]\nfail_on: warning\nseverity:\n  AZ0001: error\nclusters:\n  prod:\n    oidc-issuer: http://not-https\n",
    );
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "."])
        .assert()
        .code(2);
    let err = stderr(&out);
    assert!(
        err.contains("unknown key `fail_on` (did you mean `fail-on`?)"),
        "{err}"
    );
    assert!(err.contains(".kubectl-wid.yaml:2:1"), "{err}");
    assert!(err.contains(".kubectl-wid.yaml:7:18"), "{err}");
    // Rule names are checked after the schema passes.
    write(
        root.path(),
        ".kubectl-wid.yaml",
        "severity:\n  AZ0001: error\nexemptions:\n  - kind: Job\n    rules: [missing-use-lable]\n    reason: x\n",
    );
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "."])
        .assert()
        .code(2);
    let err = stderr(&out);
    assert!(
        err.contains("unknown rule `AZ0001` (did you mean `AZ001`?)"),
        "{err}"
    );
    assert!(err.contains(".kubectl-wid.yaml:2:3"), "{err}");
    assert!(err.contains("did you mean `missing-use-label`?"), "{err}");
    assert!(err.contains(".kubectl-wid.yaml:5:13"), "{err}");
}

#[test]
fn config_schema_is_printed_and_is_the_shipped_file() {
    let out = wid().args(["config", "schema"]).assert().code(0);
    let shipped = fs::read_to_string("schemas/config.schema.json").unwrap();
    assert_eq!(stdout(&out), shipped);
    let v: Value = serde_json::from_str(&shipped).unwrap();
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn config_select_ignore_namespace_exclude_and_exemptions() {
    let root = repo();
    write(root.path(), "k8s/sa.yaml", SA_BAD_CLIENT_ID);
    write(root.path(), "vendor/sa.yaml", SA_BAD_CLIENT_ID);
    let lint = |config: &str| {
        write(root.path(), ".kubectl-wid.yaml", config);
        let out = wid()
            .current_dir(root.path())
            .args(["lint", "-o", "json", "."])
            .assert();
        rules_of(&stdout(&out))
    };
    assert_eq!(lint(""), ["AZ003", "AZ003"]);
    assert_eq!(lint("exclude: [vendor]\n"), ["AZ003"]);
    assert!(lint("ignore: [AZ003]\n").is_empty());
    assert!(lint("select: [kubernetes]\n").is_empty());
    assert!(
        lint("exemptions:\n  - namespace: sh*\n    kind: ServiceAccount\n    rules: [AZ003]\n    reason: pipeline fills it\n")
            .is_empty()
    );
    // A path glob, relative to the config's directory: only the vendored copy is exempt.
    assert_eq!(
        lint("exemptions:\n  - path: vendor/**\n    rules: [AZ003]\n    reason: upstream chart\n"),
        ["AZ003"]
    );
    // An exemption for another namespace matches nothing: a warning, and findings stay.
    write(
        root.path(),
        ".kubectl-wid.yaml",
        "exemptions:\n  - namespace: other\n    rules: ['*']\n    reason: x\n",
    );
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "."])
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains(".kubectl-wid.yaml:2:5: config exemption matched no finding"),
        "{}",
        stderr(&out)
    );
    // The command line's --select replaces the config's, --ignore adds to it.
    write(root.path(), ".kubectl-wid.yaml", "select: [kubernetes]\n");
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "-o", "json", "--select", "AZ003", "k8s"])
        .assert();
    assert_eq!(rules_of(&stdout(&out)), ["AZ003"]);
}

const JOB_WITHOUT_USE_LABEL: &str = "apiVersion: v1
kind: ServiceAccount
metadata:
  name: batch
  annotations:
    azure.workload.identity/client-id: \"6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly
ANNOTATIONS
spec:
  template:
    metadata:
TEMPLATE
    spec:
      serviceAccountName: batch
      restartPolicy: Never
      containers:
        - name: main
          image: busybox
";

fn job(object: &str, template: &str) -> String {
    JOB_WITHOUT_USE_LABEL
        .replace("ANNOTATIONS\n", object)
        .replace("TEMPLATE\n", template)
}

fn lint_stdin(args: &[&str], text: &str) -> Vec<String> {
    let out = wid()
        .args(["lint", "--no-config", "-o", "json"])
        .args(args)
        .arg("-")
        .write_stdin(text.to_string())
        .assert();
    rules_of(&stdout(&out))
}

#[test]
fn suppressions_on_object_pod_template_and_comments() {
    assert_eq!(lint_stdin(&[], &job("", "      labels: {}\n")), ["AZ001"]);
    let on_object = job(
        "  annotations:\n    kubectl-wid/ignore: \"AZ001 — uses a connection string\"\n",
        "      labels: {}\n",
    );
    assert!(lint_stdin(&[], &on_object).is_empty());
    let on_template = job(
        "",
        "      annotations:\n        kubectl-wid/ignore: missing-use-label - legacy\n      labels: {}\n",
    );
    assert!(lint_stdin(&[], &on_template).is_empty());
    // AZ001 points at `labels:`; a comment on that line or the line above suppresses it.
    let same_line = job(
        "",
        "      labels: {} # kubectl-wid: ignore[AZ001] legacy job\n",
    );
    assert!(lint_stdin(&[], &same_line).is_empty());
    let above = job(
        "",
        "      # kubectl-wid: ignore[AZ001] legacy job\n      labels: {}\n",
    );
    assert!(lint_stdin(&[], &above).is_empty());
    // Without a reason it still applies, and says so (WID001); an unused one is WID002.
    let no_reason = job("", "      # kubectl-wid: ignore[AZ001]\n      labels: {}\n");
    assert_eq!(lint_stdin(&[], &no_reason), ["WID001"]);
    let unused = job(
        "  annotations:\n    kubectl-wid/ignore: \"AZ016 — old env var\"\n",
        "      labels: {}\n",
    );
    assert_eq!(lint_stdin(&[], &unused), ["WID002", "AZ001"]);
    // Whether a suppression is used does not depend on --select.
    assert!(lint_stdin(&["--select", "AZ016"], &unused).is_empty());
    assert_eq!(lint_stdin(&["--select", "WID002"], &unused), ["WID002"]);
    let used = job(
        "  annotations:\n    kubectl-wid/ignore: \"AZ001 — uses a connection string\"\n",
        "      labels: {}\n",
    );
    assert!(lint_stdin(&["--select", "WID002"], &used).is_empty());
    // Security gates ignore every suppression.
    assert_eq!(
        lint_stdin(&["--disallow-suppressions"], &on_object),
        ["AZ001"]
    );
    assert_eq!(
        lint_stdin(&["--disallow-suppressions"], &no_reason),
        ["AZ001"]
    );
}

const CUSTOM_RULE: &str = "# Every workload names its owning team.
id: ORG001
name: team-label
severity: warning
message: workloads carry a team label
help: add metadata.labels.team
match:
  apiVersion: apps/v1
  kind: [Deployment, StatefulSet]
schema:
  type: object
  required: [metadata]
  properties:
    metadata:
      type: object
      required: [labels]
      properties:
        labels:
          type: object
          required: [team]
          properties:
            team:
              type: string
              pattern: '^[a-z]+$'
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    team: Platform
spec:
  template:
    spec:
      containers: [{name: web, image: nginx}]
";

#[test]
fn custom_rules_report_at_the_instance_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rules/org.yaml", CUSTOM_RULE);
    let out = wid()
        .args(["lint", "--no-config", "-o", "json", "--rules-dir"])
        .arg(dir.path().join("rules"))
        .arg("-")
        .write_stdin(DEPLOYMENT)
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "ORG001");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(6), Some(11))
    );
    assert_eq!(f["end_column"], 19);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("workloads carry a team label: metadata.labels.team: "),
        "{f}"
    );
    // A missing property points at the key of the object that lacks it.
    let out = wid()
        .args([
            "lint",
            "--no-config",
            "-o",
            "json",
            "--select",
            "ORG001",
            "--rules-dir",
        ])
        .arg(dir.path().join("rules"))
        .arg("-")
        .write_stdin(DEPLOYMENT.replace("  labels:\n    team: Platform\n", "  labels: {}\n"))
        .assert();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["findings"][0]["line"], 5);
    assert_eq!(v["findings"][0]["column"], 3);
    // Selection, severity overrides and suppressions apply to custom rules too.
    let out = wid()
        .args([
            "lint",
            "--no-config",
            "-o",
            "json",
            "--ignore",
            "team-label",
            "--rules-dir",
        ])
        .arg(dir.path().join("rules"))
        .arg("-")
        .write_stdin(DEPLOYMENT)
        .assert();
    assert!(rules_of(&stdout(&out)).is_empty());
}

#[test]
fn broken_custom_rules_name_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rules/bad.yaml",
        &CUSTOM_RULE.replace("severity: warning", "severity: critical"),
    );
    let out = wid()
        .args(["lint", "--no-config", "--rules-dir"])
        .arg(dir.path().join("rules"))
        .arg("examples/")
        .assert()
        .code(2);
    let err = stderr(&out);
    assert!(err.contains("bad.yaml:4:11"), "{err}");
    write(
        dir.path(),
        "rules/bad.yaml",
        &CUSTOM_RULE.replace("type: string", "type: strin"),
    );
    let out = wid()
        .args(["lint", "--no-config", "--rules-dir"])
        .arg(dir.path().join("rules"))
        .arg("examples/")
        .assert()
        .code(2);
    let err = stderr(&out);
    assert!(err.contains("bad.yaml:"), "{err}");
    assert!(err.contains("invalid JSON Schema"), "{err}");
    // A custom rule may not reuse a built-in id.
    write(
        dir.path(),
        "rules/bad.yaml",
        &CUSTOM_RULE.replace("ORG001", "AZ001"),
    );
    let out = wid()
        .args(["lint", "--no-config", "--rules-dir"])
        .arg(dir.path().join("rules"))
        .arg("examples/")
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("clashes with built-in rule AZ001"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn index_root_sees_the_whole_repository_but_reports_only_given_files() {
    let root = repo();
    let sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: not-a-guid\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    azure.workload.identity/use: \"true\"\nspec:\n  serviceAccountName: api\n  containers: [{name: c, image: x}]\n";
    write(root.path(), "a/sa.yaml", sa);
    write(root.path(), "b/pod.yaml", pod);
    // Alone, the pod's ServiceAccount is missing (AZ014).
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "-o", "json", "b/pod.yaml"])
        .assert();
    assert_eq!(rules_of(&stdout(&out)), ["AZ014"]);
    // With the repository in the index it is found, and sa.yaml's AZ003 is not reported.
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "-o", "json", "--index-root", ".", "b/pod.yaml"])
        .assert()
        .code(0);
    assert!(rules_of(&stdout(&out)).is_empty(), "{}", stdout(&out));
    // JUnit lists the files given, not the rest of the index.
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "-o", "junit", "--index-root", ".", "b/pod.yaml"])
        .assert()
        .code(0);
    let xml = stdout(&out);
    assert_eq!(xml.matches("<testsuite ").count(), 1, "{xml}");
    assert!(xml.contains("<testsuite name=\"b/pod.yaml\""), "{xml}");
}

/// The README's config and custom-rule examples are real: they load, and the rule fires as shown.
#[test]
fn readme_examples_work() {
    let readme = fs::read_to_string("README.md").unwrap();
    let block = |first_line: &str| -> String {
        let start = readme
            .find(&format!("```yaml\n{first_line}\n"))
            .unwrap_or_else(|| panic!("README has no block starting with {first_line}"));
        let body = &readme[start + 8..];
        body[..body.find("```").unwrap()].to_string()
    };
    let root = repo();
    write(
        root.path(),
        ".kubectl-wid.yaml",
        &block("# .kubectl-wid.yaml"),
    );
    write(
        root.path(),
        "policy/wid-rules/team-label.yaml",
        &block("# policy/wid-rules/team-label.yaml"),
    );
    write(
        root.path(),
        "deploy/web.yaml",
        &DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: prod-a\n"),
    );
    let out = wid()
        .current_dir(root.path())
        .args(["lint", "--color", "never", "deploy/web.yaml"])
        .assert()
        .code(1);
    let text = stdout(&out);
    assert!(
        text.contains("warning[ORG001]: workloads carry a team label: metadata.labels.team: \"Platform\" does not match \"^[a-z]+$\"\n  ┌─ deploy/web.yaml:7:11"),
        "{text}"
    );
}
