//! `lint --cluster` against a REAL kube-apiserver v1.20.2 + etcd (scripts/dev-cluster), which
//! `scripts/test` starts with its own state dir and ports. These tests fail, never skip, when
//! that cluster is missing. Objects are created through the API from the same fixtures the
//! file tests use. The only fault helpers are loopback servers: one that forwards to the real
//! server (and compacts etcd first, so the server itself answers 410 Gone), one that hangs.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};

/// Every test changes cluster-wide state (objects, RBAC): one at a time.
static CLUSTER: Mutex<()> = Mutex::new(());

struct Cluster {
    server: String,
    token: String,
    kubeconfig: String,
    restricted_kubeconfig: String,
    etcd: String,
    _guard: MutexGuard<'static, ()>,
}

/// Fails the test with the way to run it.
fn missing() -> String {
    panic!(
        "\n\nThe live-mode tests need the real API server that `scripts/test` starts.\n\
         Run the whole suite with:   scripts/test\n\
         or only these tests with:   scripts/test --test live\n\
         (KUBECTL_WID_LIVE_TESTS / KUBECTL_WID_DEV_* are not set in this environment.)\n"
    )
}

fn cluster() -> Cluster {
    let guard = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if var("KUBECTL_WID_LIVE_TESTS").is_none() {
        missing();
    }
    let token_file = var("KUBECTL_WID_DEV_ADMIN_TOKEN_FILE").unwrap_or_else(missing);
    Cluster {
        server: var("KUBECTL_WID_DEV_SERVER").unwrap_or_else(missing),
        token: std::fs::read_to_string(token_file)
            .unwrap()
            .trim()
            .to_string(),
        kubeconfig: var("KUBECONFIG").unwrap_or_else(missing),
        restricted_kubeconfig: var("KUBECTL_WID_DEV_RESTRICTED_KUBECONFIG").unwrap_or_else(missing),
        etcd: var("KUBECTL_WID_DEV_ETCD").unwrap_or_else(missing),
        _guard: guard,
    }
}

/// Deletes what a test created, also when the test fails half-way.
struct Created<'c> {
    cluster: &'c Cluster,
    paths: Vec<String>,
}

impl Drop for Created<'_> {
    fn drop(&mut self) {
        for p in self.paths.iter().rev() {
            self.cluster.delete(p);
        }
    }
}

impl Cluster {
    fn created(&self) -> Created<'_> {
        Created {
            cluster: self,
            paths: Vec::new(),
        }
    }

    /// Creates the objects of a fixture file through the API; they are deleted on drop.
    fn create_fixture(&self, path: &str) -> Created<'_> {
        let mut created = self.created();
        for o in &fixture_objects(Path::new(path)).expect("fixture") {
            created.paths.push(self.create(o).unwrap());
        }
        created
    }

    /// Creates the ServiceAccounts `<prefix>-00`, `<prefix>-01`, … in `namespace`, with these
    /// annotations; they are deleted on drop.
    fn create_service_accounts(
        &self,
        namespace: &str,
        prefix: &str,
        count: usize,
        annotations: Value,
    ) -> Created<'_> {
        let mut created = self.created();
        for i in 0..count {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": format!("{prefix}-{i:02}"), "namespace": namespace,
                             "annotations": annotations}});
            created.paths.push(self.create(&sa).unwrap());
        }
        created
    }

    /// A raw API call with the admin token (curl: scripts/dev-cluster installs it). Returns
    /// (HTTP status, body).
    fn api(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        let mut cmd = Process::new("curl");
        cmd.args(["-sk", "-X", method, "-w", "\n%{http_code}"])
            .args(["-H", &format!("Authorization: Bearer {}", self.token)])
            .args(["-H", "Content-Type: application/json"]);
        if let Some(b) = body {
            cmd.args(["--data-binary", &b.to_string()]);
        }
        let out = cmd.arg(format!("{}{path}", self.server)).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (code.trim().parse().unwrap_or(0), body.to_string())
    }

    fn ensure_namespace(&self, ns: &str) {
        let (code, body) = self.api(
            "POST",
            "/api/v1/namespaces",
            Some(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})),
        );
        assert!(
            matches!(code, 201 | 409),
            "create namespace {ns}: {code} {body}"
        );
    }

    /// Creates an object; `Err` with the server's message when it refuses it.
    fn create(&self, obj: &Value) -> Result<String, String> {
        let path = collection_path(obj).ok_or("kind not handled by the test")?;
        if let Some(ns) = obj.pointer("/metadata/namespace").and_then(Value::as_str) {
            self.ensure_namespace(ns);
        }
        let (code, body) = self.api("POST", &path, Some(obj));
        if code == 201 {
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            Ok(format!("{path}/{name}"))
        } else {
            Err(format!("{code}: {body}"))
        }
    }

    /// Background propagation: the default for Jobs and ReplicationControllers is to orphan,
    /// which adds a finalizer only the (absent) garbage collector would remove.
    fn delete(&self, object_path: &str) {
        let path = format!("{object_path}?propagationPolicy=Background");
        let (code, body) = self.api("DELETE", &path, None);
        assert!(
            matches!(code, 200 | 202 | 404),
            "delete {object_path}: {code} {body}"
        );
    }

    /// `kubectl-wid lint --cluster ARGS`, run to the end.
    fn lint_live(&self, args: &[&str]) -> std::process::Output {
        self.wid()
            .args(["lint", "--cluster"])
            .args(args)
            .output()
            .unwrap()
    }

    /// `kubectl-wid lint --cluster ARGS` through the fault-injecting `proxy` on `port` (a
    /// kubeconfig naming it, with this cluster's token).
    fn lint_through_proxy(&self, port: u16, args: &[&str]) -> std::process::Output {
        let dir = tempfile::tempdir().unwrap();
        let kc = kubeconfig_for(
            dir.path(),
            &format!("http://127.0.0.1:{port}"),
            &self.token,
            false,
        );
        self.wid()
            .env("KUBECONFIG", &kc)
            .args(["lint", "--cluster"])
            .args(args)
            .output()
            .unwrap()
    }

    fn wid(&self) -> Command {
        let mut cmd = Command::cargo_bin("kubectl-wid").unwrap();
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env_remove("NO_COLOR");
        cmd
    }
}

/// Where to POST an object of the kinds live mode lists (the dev cluster is Kubernetes 1.20).
fn collection_path(obj: &Value) -> Option<String> {
    let api_version = obj.get("apiVersion")?.as_str()?;
    let kind = obj.get("kind")?.as_str()?;
    let plural = match kind {
        "ServiceAccount" => "serviceaccounts",
        "Pod" => "pods",
        "ReplicationController" => "replicationcontrollers",
        "Deployment" => "deployments",
        "StatefulSet" => "statefulsets",
        "DaemonSet" => "daemonsets",
        "ReplicaSet" => "replicasets",
        "Job" => "jobs",
        "MutatingWebhookConfiguration" => "mutatingwebhookconfigurations",
        _ => return None,
    };
    let base = if api_version.contains('/') {
        format!("/apis/{api_version}")
    } else {
        format!("/api/{api_version}")
    };
    Some(
        match obj.pointer("/metadata/namespace").and_then(Value::as_str) {
            Some(ns) if kind != "MutatingWebhookConfiguration" => {
                format!("{base}/namespaces/{ns}/{plural}")
            }
            _ => format!("{base}/{plural}"),
        },
    )
}

/// The run's stderr, after checking its exit code (a failure shows stderr).
fn stderr_of(out: &std::process::Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", String::from_utf8_lossy(out)))
}

/// Findings as (rule, severity, kind, namespace, name, field, message): what must not depend
/// on whether the object came from a file or from the API server.
type Key = (String, String, String, String, String, String, String);

fn finding_set(v: &Value) -> BTreeSet<Key> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            (
                s(&f["rule"]),
                s(&f["severity"]),
                s(&f["object"]["kind"]),
                s(&f["object"]["namespace"]),
                s(&f["object"]["name"]),
                // The API server copies the deprecated `serviceAccount` into `serviceAccountName`.
                s(&f["pointer"]).replace("/spec/serviceAccountName", "/spec/serviceAccount"),
                normalize(&s(&f["message"])),
            )
        })
        .collect()
}

/// The API server keeps values, not YAML style: a message that echoes the source text shows
/// `"1h"` for a quoted file value and `1h` for the rendered one, and a block scalar's trailing
/// newline becomes an escaped `\n`, reported as whitespace around the GUID. Same rule, same field.
fn normalize(message: &str) -> String {
    if message.contains("is a block scalar, which keeps its trailing newline")
        || message.contains("has whitespace around the GUID")
    {
        return "<whitespace around the value>".into();
    }
    message.replace(['"', '\\'], "")
}

fn fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir("tests/fixtures").unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

/// The fixture's objects, or `None` when it holds something the API server cannot take as
/// written (a syntax error, a kind live mode does not list, a List).
fn fixture_objects(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).ok()?;
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if docs.is_empty() || docs.iter().any(|d| collection_path(d).is_none()) {
        return None;
    }
    Some(docs)
}

#[test]
fn live_findings_equal_file_findings() {
    let c = cluster();
    let mut compared = Vec::new();
    let mut refused = 0;
    let mut mismatches = Vec::new();
    for path in fixture_files() {
        let Some(objects) = fixture_objects(&path) else {
            continue;
        };
        let mut created = Vec::new();
        let mut rejected = None;
        for o in &objects {
            match c.create(o) {
                Ok(p) => created.push(p),
                Err(e) => {
                    rejected = Some(e);
                    break;
                }
            }
        }
        if rejected.is_none() {
            let p = path.to_string_lossy().into_owned();
            // LIVE rules see the cluster's (missing) webhooks; files alone cannot.
            let file = c
                .wid()
                .args(["lint", "-o", "json", "--ignore", "LIVE", &p])
                .output()
                .unwrap();
            let live = c.lint_live(&["-A", "-o", "json", "--ignore", "LIVE"]);
            assert!(
                live.status.code() != Some(2),
                "{p}: live run failed: {}",
                String::from_utf8_lossy(&live.stderr)
            );
            // MIG002 points away from a flow-style `{name: …, value: <secret>}` line so the
            // secret is not displayed; rendered live objects are block style. Same finding.
            let style_dependent = p.ends_with("MIG002/bad-azure-flow-style.yaml");
            let strip = |set: BTreeSet<Key>| -> BTreeSet<Key> {
                set.into_iter()
                    .map(|mut k| {
                        if style_dependent {
                            k.5 = String::new();
                        }
                        k
                    })
                    .collect()
            };
            let (f, l) = (
                strip(finding_set(&json_of(&file.stdout))),
                strip(finding_set(&json_of(&live.stdout))),
            );
            if f != l {
                mismatches.push(format!(
                    "{p}:\n  only from the file: {:#?}\n  only live: {:#?}",
                    f.difference(&l).collect::<Vec<_>>(),
                    l.difference(&f).collect::<Vec<_>>()
                ));
            }
            compared.push(p);
        } else {
            refused += 1;
        }
        for p in created.iter().rev() {
            c.delete(p);
        }
    }
    eprintln!(
        "compared {} fixtures created through the API ({refused} refused by the API server)",
        compared.len()
    );
    assert!(
        compared.len() >= 40,
        "only {} fixtures could be created through the API ({refused} refused): {compared:?}",
        compared.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// Grants the `restricted` user list on some kinds, cluster-wide.
fn grant(c: &Cluster, resources: &[(&str, &str)]) {
    let rules: Vec<Value> = resources
        .iter()
        .map(|(group, res)| json!({"apiGroups": [group], "resources": [res], "verbs": ["get", "list"]}))
        .collect();
    c.api(
        "DELETE",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/wid-live-test",
        None,
    );
    let (code, body) = c.api(
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        Some(
            &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                     "metadata": {"name": "wid-live-test"}, "rules": rules}),
        ),
    );
    assert_eq!(code, 201, "{body}");
    let (code, body) = c.api(
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        Some(&json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": "wid-live-test"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "wid-live-test"},
                     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "restricted"}]})),
    );
    assert!(matches!(code, 201 | 409), "{body}");
}

fn revoke(c: &Cluster) {
    c.api(
        "DELETE",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/wid-live-test",
        None,
    );
    c.api(
        "DELETE",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/wid-live-test",
        None,
    );
}

#[test]
fn forbidden_kinds_are_warnings_and_the_rest_is_linted() {
    let c = cluster();
    let created = c.create_fixture("tests/fixtures/AZ001/bad-label-on-deployment.yaml");
    grant(&c, &[("", "serviceaccounts"), ("apps", "deployments")]);

    // RBAC changes reach the authorizer through an informer: allow a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    let out = loop {
        let out = c
            .wid()
            .env("KUBECONFIG", &c.restricted_kubeconfig)
            .args(["lint", "--cluster", "-A", "-o", "json"])
            .output()
            .unwrap();
        if out.status.code() == Some(1) || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stderr = stderr_of(&out, 1);
    assert!(
        stderr.contains(
            "warning: context kubectl-wid-dev-restricted: cannot list pods in all namespaces"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("cannot list statefulsets.apps"), "{stderr}");
    assert!(!stderr.contains("cannot list deployments.apps"), "{stderr}");
    let v = json_of(&out.stdout);
    // Found on the live object, without the fix the same finding has in a file: there is no
    // file to edit.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "AZ001"
                && f["path"] == "cluster://kubectl-wid-dev-restricted/shop/Deployment/orders"
                && f.get("fix").is_none_or(Value::is_null)),
        "{v:#}"
    );

    revoke(&c);
    let deadline = Instant::now() + Duration::from_secs(10);
    let out = loop {
        let out = c
            .wid()
            .env("KUBECONFIG", &c.restricted_kubeconfig)
            .args(["lint", "--cluster", "-A"])
            .output()
            .unwrap();
        if out.status.code() == Some(2) || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stderr = stderr_of(&out, 2);
    assert!(stderr.contains("nothing could be read"), "{stderr}");
    drop(created);
}

/// A kubeconfig for `server` with the admin token.
fn kubeconfig_for(dir: &Path, server: &str, token: &str, insecure: bool) -> PathBuf {
    let path = dir.join("kubeconfig");
    let skip = if insecure {
        "\n    insecure-skip-tls-verify: true"
    } else {
        ""
    };
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}{skip}\n\
             users:\n- name: u\n  user:\n    token: {token}\ncontexts:\n- name: test\n  context: {{cluster: c, user: u}}\ncurrent-context: test\n"
        ),
    )
    .unwrap();
    path
}

fn one_line_error(out: &std::process::Output) -> String {
    let stderr = stderr_of(out, 2);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one clear line expected:\n{stderr}");
    stderr
}

#[test]
fn unreachable_server_and_tls_errors_are_one_line_exit_two() {
    let c = cluster();
    let dir = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: connection refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = kubeconfig_for(
        dir.path(),
        &format!("https://127.0.0.1:{port}"),
        &c.token,
        true,
    );
    let out = c
        .wid()
        .env("KUBECONFIG", &kc)
        .args(["lint", "--cluster"])
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(
        line.contains("cannot reach https://127.0.0.1") && line.to_lowercase().contains("refused"),
        "{line}"
    );

    // The real server's self-signed certificate, without insecure-skip-tls-verify.
    let kc = kubeconfig_for(dir.path(), &c.server, &c.token, false);
    let out = c
        .wid()
        .env("KUBECONFIG", &kc)
        .args(["lint", "--cluster"])
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.to_lowercase().contains("certificate"), "{line}");
}

#[test]
fn a_hanging_server_times_out() {
    let c = cluster();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts, reads, never answers; stops by itself.
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok((s, _)) = listener.accept() {
                held.push(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig_for(
        dir.path(),
        &format!("http://127.0.0.1:{port}"),
        &c.token,
        false,
    );
    let started = Instant::now();
    let out = c
        .wid()
        .env("KUBECONFIG", &kc)
        .args(["lint", "--cluster", "--request-timeout", "1s"])
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains("no answer within 1s"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Forwards plain-HTTP GETs to the real server. Before the first request that carries a
/// `continue` token it compacts etcd, so the real server answers 410 Gone to it.
fn compacting_proxy(c: &Cluster) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let etcd = c.etcd.clone();
    let mut compacted = false;
    proxy(c, move |path| {
        if path.contains("continue=") && !compacted {
            compacted = true;
            compact(&etcd);
        }
        path.to_string()
    })
}

/// Forwards plain-HTTP GETs to the real server, each path as `rewrite` gives it (which may
/// also act first). Counts the 410 Gone answers.
fn proxy(
    c: &Cluster,
    mut rewrite: impl FnMut(&str) -> String + Send + 'static,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (server, token) = (c.server.clone(), c.token.clone());
    let gone = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = gone.clone();
    std::thread::spawn(move || {
        listener.set_nonblocking(false).unwrap();
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = rewrite(request_line.split_whitespace().nth(1).unwrap_or("/"));
            let out = Process::new("curl")
                .args(["-sk", "-w", "\n%{http_code}", "-H"])
                .arg(format!("Authorization: Bearer {token}"))
                .arg(format!("{server}{path}"))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let (body, code) = text.rsplit_once('\n').unwrap_or(("", "502"));
            if code.trim() == "410" {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            let reply = format!(
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                code.trim(),
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        }
    });
    (port, gone)
}

/// Writes a scratch key (so the revision moves past the one the first page was read at), then
/// compacts etcd at the new revision (etcd v3 JSON gateway), as the API server itself does every
/// five minutes: continue tokens issued before are now too old.
fn compact(etcd: &str) {
    let curl = |path: &str, body: &str| {
        let out = Process::new("curl")
            .args(["-s", "-X", "POST", &format!("{etcd}{path}"), "-d", body])
            .output()
            .unwrap();
        assert!(out.status.success(), "etcd {path}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    // key "kubectl-wid-test-bump", value "1", base64.
    let put = curl(
        "/v3/kv/put",
        r#"{"key":"a3ViZWN0bC13aWQtdGVzdC1idW1w","value":"MQ=="}"#,
    );
    let rev = put["header"]["revision"].as_str().unwrap().to_string();
    curl(
        "/v3/kv/compaction",
        &format!(r#"{{"revision":"{rev}","physical":true}}"#),
    );
}

#[test]
fn an_expired_continue_token_restarts_the_list() {
    let c = cluster();
    let created = c.create_service_accounts(
        "pager",
        "pager",
        5,
        json!({"azure.workload.identity/client-id": "not-a-guid"}),
    );
    let (port, gone) = compacting_proxy(&c);
    let out = c.lint_through_proxy(port, &["-n", "pager", "--chunk-size", "2", "-o", "json"]);
    let stderr = stderr_of(&out, 1);
    assert_eq!(
        gone.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the real server answered 410 once"
    );
    assert!(
        stderr.contains("expired mid-way (410 Gone); listed again from the start"),
        "{stderr}"
    );
    let v = json_of(&out.stdout);
    // Every ServiceAccount exactly once (AZ003: client id is not a GUID).
    let names: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AZ003")
        .map(|f| f["object"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["pager-00", "pager-01", "pager-02", "pager-03", "pager-04"],
        "{v:#}"
    );
    drop(created);
}

#[test]
fn files_are_linted_against_the_live_state() {
    let c = cluster();
    // The ServiceAccount exists only in the cluster; the Deployment only in the file.
    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "orders-sa", "namespace": "merge",
                     "annotations": {"azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000001"}}});
    let mut created = c.created();
    created.paths.push(c.create(&sa).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deploy.yaml");
    std::fs::write(
        &file,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: merge\nspec:\n  selector:\n    matchLabels: {app: orders}\n  template:\n    metadata:\n      labels:\n        app: orders\n        azure.workload.identity/use: \"true\"\n    spec:\n      serviceAccountName: orders-sa\n      containers:\n      - name: orders\n        image: registry.example/orders:1.0\n",
    )
    .unwrap();
    let f = file.to_string_lossy().into_owned();
    let alone = c.wid().args(["lint", "-o", "json", &f]).output().unwrap();
    let alone = json_of(&alone.stdout);
    assert!(
        alone["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "AZ014"),
        "without the cluster the ServiceAccount is unknown: {alone:#}"
    );
    let merged = c.lint_live(&["-n", "merge", "-o", "json", "--ignore", "LIVE", &f]);
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stdout)
    );
    // The dev cluster has no webhook: the live rule reports the file's Deployment.
    let out = c.lint_live(&["-n", "merge", "--select", "LIVE002", "-o", "json", &f]);
    let v = json_of(&out.stdout);
    assert_eq!(v["findings"][0]["rule"], "LIVE002", "{v:#}");
    assert_eq!(v["findings"][0]["path"], f.as_str());
    drop(created);
}

#[test]
fn listed_objects_past_the_input_limit_end_the_run_with_exit_two() {
    let c = cluster();
    let created = c.create_fixture("tests/fixtures/AZ001/bad-label-on-deployment.yaml");
    // Rendered live objects are held like files: past --max-input-size the context fails
    // (a partial cluster would give wrong cross-object findings) instead of growing on.
    let out = c.lint_live(&["-n", "shop", "--max-input-size", "100"]);
    let stderr = stderr_of(&out, 2);
    assert!(
        stderr.contains("the objects read pass the --max-input-size limit of 100 bytes; list fewer namespaces (-n) or raise the limit"),
        "{stderr}"
    );
    let out = c.lint_live(&["-n", "shop", "--max-input-size", "64M"]);
    stderr_of(&out, 1);
    drop(created);
}

#[test]
fn a_list_page_past_its_share_of_the_input_limit_is_asked_for_again_in_halves() {
    let c = cluster();
    let created = c.create_service_accounts(
        "paged",
        "paged",
        16,
        json!({"azure.workload.identity/client-id": "not-a-guid"}),
    );
    let lint = |limit: &str| {
        let out = c.lint_live(&["-n", "paged", "-o", "json", "--max-input-size", limit]);
        let stderr = stderr_of(&out, 1);
        (json_of(&out.stdout)["findings"].clone(), stderr)
    };
    let (whole, stderr) = lint("none");
    assert!(!stderr.contains("passed their share"), "{stderr}");
    assert_eq!(whole.as_array().map(Vec::len), Some(16), "{whole:#}");
    // The 17 ServiceAccounts render to about 5 KB, so 16 KB holds them; but a raw page of all
    // of them (about 10 KB with managedFields) passes the 16 KB shared by 6 pages in flight.
    let (halved, stderr) = lint("16K");
    assert!(
        stderr.contains("pages of 500 serviceaccounts passed their share of the --max-input-size limit of 16 KiB; listed "),
        "{stderr}"
    );
    assert_eq!(halved, whole);
    drop(created);
}

#[test]
fn a_server_that_ignores_limit_cannot_send_an_unbounded_page() {
    let c = cluster();
    // 48 ServiceAccounts of 80 KB: 3.8 MB in one list, more than any one object can be.
    let created =
        c.create_service_accounts("unpaged", "big", 48, json!({"filler": "x".repeat(80_000)}));
    // Fault injection: the real server's answers with `limit` dropped from every request.
    let (port, _) = proxy(&c, |path| {
        let (base, query) = path.split_once('?').unwrap_or((path, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("limit="))
            .collect();
        format!("{base}?{}", kept.join("&"))
    });
    let lint = |limit: &str| {
        c.lint_through_proxy(
            port,
            &["-n", "unpaged", "-o", "json", "--max-input-size", limit],
        )
    };
    let out = lint("1M");
    let stderr = stderr_of(&out, 2);
    assert!(
        stderr.contains("listing serviceaccounts in namespace unpaged: a page of one object passed 3 MiB: the server ignores `limit` for this kind, and the whole list passes what is left of the --max-input-size limit of 1 MiB"),
        "{stderr}"
    );
    // With room for the whole list, the same answers are linted.
    let out = lint("64M");
    stderr_of(&out, 0);
    drop(created);
}

#[test]
fn control_characters_in_live_values_render_as_escapes() {
    let c = cluster();
    // The API server keeps DEL and C1 controls in an annotation; raw inside the rendered
    // double-quoted scalar they made the object a syntax error (K8S001) instead of linted.
    let created = c.create_service_accounts(
        "escapes",
        "odd",
        1,
        json!({"note": "a\u{7f}b\u{9b}c\u{fffe}",
               "azure.workload.identity/client-id": "not-a-guid"}),
    );
    let out = c.lint_live(&["-n", "escapes", "-o", "json"]);
    let v = json_of(&out.stdout);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["AZ003"], "{v:#}");
    drop(created);
}

#[test]
fn live_objects_render_as_yaml_with_cluster_paths() {
    let c = cluster();
    let created = c.create_fixture("tests/fixtures/AZ001/bad-label-on-deployment.yaml");
    let out = c.lint_live(&["-n", "shop", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[AZ001]"), "{text}");
    assert!(
        text.contains("┌─ cluster://kubectl-wid-dev-admin/shop/Deployment/orders:"),
        "{text}"
    );
    // Server noise is not shown; the label under the offending field is.
    assert!(
        !text.contains("managedFields") && !text.contains("resourceVersion"),
        "{text}"
    );
    let json = c.lint_live(&["-n", "shop", "-o", "json"]);
    let v = json_of(&json.stdout);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "AZ001")
        .unwrap();
    assert!(f["line"].as_u64().unwrap() > 1);
    drop(created);
}

#[test]
fn the_readme_cluster_role_is_enough() {
    let c = cluster();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("<!-- live-rbac:begin -->")
        .expect("README rbac marker");
    let end = readme
        .find("<!-- live-rbac:end -->")
        .expect("README rbac end marker");
    let block = &readme[start..end];
    let yaml = block
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a yaml block");
    let mut role: Value = serde_saphyr::from_str(yaml).unwrap();
    role["metadata"]["name"] = json!("wid-readme-role");
    c.api(
        "DELETE",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/wid-readme-role",
        None,
    );
    let (code, body) = c.api(
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        Some(&role),
    );
    assert_eq!(code, 201, "{body}");
    let (code, body) = c.api(
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        Some(&json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": "wid-readme-role"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "wid-readme-role"},
                     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "restricted"}]})),
    );
    assert!(matches!(code, 201 | 409), "{body}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let stderr = loop {
        let out = c
            .wid()
            .env("KUBECONFIG", &c.restricted_kubeconfig)
            .args(["lint", "--cluster", "-A", "-o", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if (out.status.code() != Some(2) && !stderr.contains("cannot list"))
            || Instant::now() > deadline
        {
            break stderr;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    for path in [
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/wid-readme-role",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/wid-readme-role",
    ] {
        c.api("DELETE", path, None);
    }
    assert!(
        !stderr.contains("cannot list") && !stderr.contains("error"),
        "the README's ClusterRole does not cover what live mode reads:\n{stderr}"
    );
}

#[test]
fn all_contexts_of_a_multi_file_kubeconfig() {
    let c = cluster();
    let created = c.create_fixture("tests/fixtures/AZ001/bad-label-on-deployment.yaml");
    // KUBECONFIG with two files, one context each (kubectl merges them).
    let dir = tempfile::tempdir().unwrap();
    let one = kubeconfig_for(dir.path(), &c.server, &c.token, true);
    let text = std::fs::read_to_string(&one).unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::fs::write(&a, text.replace("test", "east")).unwrap();
    std::fs::write(
        &b,
        text.replace("test", "west/eu")
            .replace("name: c\n", "name: c2\n")
            .replace("cluster: c,", "cluster: c2,")
            .replace("name: u\n", "name: u2\n")
            .replace("user: u}", "user: u2}"),
    )
    .unwrap();
    let kubeconfig = format!("{}:{}", a.display(), b.display());
    let out = c
        .wid()
        .env("KUBECONFIG", &kubeconfig)
        .args([
            "lint",
            "--cluster",
            "--all-contexts",
            "-n",
            "shop",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    stderr_of(&out, 1);
    let v = json_of(&out.stdout);
    let paths: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AZ001")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            "cluster://east/shop/Deployment/orders",
            "cluster://west%2Feu/shop/Deployment/orders"
        ]),
        "{v:#}"
    );
    drop(created);
}
