//! Live mode input: list the objects the enabled rules need from the API server(s), strip
//! server noise, render each as YAML and load it through the normal loader as a source named
//! `cluster://<context>/<namespace>/<kind>/<name>`. Every rule then works unchanged on live
//! objects, and findings point into the rendered YAML.
//!
//! kube-rs is async; tokio stays inside this module (`fetch` blocks on a current-thread
//! runtime). Read-only: only GET requests are built (see `client::get`). Secrets are never
//! listed or read.

pub mod client;
pub mod kinds;
pub mod list;
pub mod pointer;
pub mod render;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use self::client::{KubeconfigSource, RequestError};
use self::kinds::{Needs, Resolved};
use self::list::{ListContext, ListTask};
use crate::input::load::{LoadedFile, load_text};

/// The `kind` of the document that records what was read from one context. Live rules read
/// it to tell "no webhook installed" from "webhooks could not be read".
pub const SNAPSHOT_KIND: &str = "ClusterSnapshot";
pub const SNAPSHOT_API_VERSION: &str = "kubectl-wid.dev/v1alpha1";
/// The DaemonSet EKS Pod Identity needs, read from `kube-system` even when linting one namespace.
pub const POD_IDENTITY_AGENT: &str = "eks-pod-identity-agent";

#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub kubeconfig: KubeconfigSource,
    pub context: Option<String>,
    pub all_contexts: bool,
    /// `-n`: list only this namespace (cluster-scoped kinds are still listed).
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub request_timeout: Option<Duration>,
    pub page_size: u32,
    /// Requests in flight at once, over all contexts.
    pub concurrency: usize,
    pub needs: Needs,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
    /// Bytes of rendered objects all contexts together may hold (`--max-input-size`, less
    /// what the files took), and whether that limit was worked out from memory.
    pub input_limit: u64,
    pub input_limit_auto: bool,
}

/// One listed object, rendered and parsed, with its identity (to let a file shadow it).
#[derive(Debug)]
pub struct LiveObject {
    pub group: &'static str,
    pub kind: &'static str,
    /// `""` for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
    pub file: LoadedFile,
}

/// What one context gave.
#[derive(Debug)]
pub struct Snapshot {
    pub context: String,
    pub server: String,
    /// The context's namespace (`default` when it names none): kubectl's default for `-n`.
    pub default_namespace: String,
    pub objects: Vec<LiveObject>,
    /// The `ClusterSnapshot` document: server, version, issuer, what was listed and what not.
    pub info: Option<LoadedFile>,
    /// The service account issuer from OIDC discovery (used for federated credential checks).
    pub issuer: Option<String>,
    /// Kinds that could not be read (401/403/404), one line each, for stderr.
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
    /// Whether any list succeeded (exit 2 only when nothing could be read).
    pub read_anything: bool,
}

/// A context that could not be linted at all: unreachable, TLS, timeout, bad credentials.
#[derive(Debug, Clone, thiserror::Error)]
#[error("context {context}: {message}")]
pub struct ContextError {
    pub context: String,
    pub message: String,
}

/// `cluster://<context>/<namespace>/<kind>/<name>`; `-` for a cluster-scoped object's namespace.
/// `/` and `%` in the context name (EKS context names are ARNs) are percent-encoded.
pub fn source_path(context: &str, namespace: &str, kind: &str, name: &str) -> String {
    let ctx = context.replace('%', "%25").replace('/', "%2F");
    let ns = if namespace.is_empty() { "-" } else { namespace };
    format!("cluster://{ctx}/{ns}/{kind}/{name}")
}

/// Lists every requested context. `Err` only for problems before any request (no kubeconfig,
/// unknown context); per-context failures are in the result list.
pub fn fetch(opts: &FetchOptions) -> Result<Vec<Result<Snapshot, ContextError>>, String> {
    let kc = client::read_kubeconfig(&opts.kubeconfig)?;
    let names = match &kc {
        Some(kc) => client::contexts(kc, opts.context.as_deref(), opts.all_contexts)?,
        None => vec![opts.context.clone().unwrap_or_else(|| "in-cluster".into())],
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let progress = if opts.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let limiter = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let budget = crate::input::limits::Budget::new(opts.input_limit, opts.input_limit_auto);
    let results = runtime.block_on(async {
        let futures = names.iter().map(|name| {
            fetch_context(opts, kc.as_ref(), name, limiter.clone(), &progress, &budget)
        });
        futures::future::join_all(futures).await
    });
    progress.finish_and_clear();
    Ok(results)
}

async fn fetch_context(
    opts: &FetchOptions,
    kc: Option<&kube::config::Kubeconfig>,
    context: &str,
    limiter: Arc<Semaphore>,
    progress: &indicatif::ProgressBar,
    budget: &crate::input::limits::Budget,
) -> Result<Snapshot, ContextError> {
    let fail = |message: String| ContextError {
        context: context.to_string(),
        message,
    };
    let (client, config) = client::client_for(kc, context, opts.request_timeout)
        .await
        .map_err(fail)?;
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let timeout = opts.request_timeout;

    // Reachability and credentials first: one clear line instead of one error per kind.
    let version = match client::get(&client, "/version", timeout).await {
        Ok(body) => serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("gitVersion")
                    .and_then(Value::as_str)
                    .map(String::from)
            })
            .unwrap_or_default(),
        Err(RequestError::Api { code: 401, .. }) => {
            return Err(fail(format!(
                "{server}: unauthorized (401): the credentials were rejected"
            )));
        }
        // Anything else that answered is a server: 403 on /version is possible with strict RBAC.
        Err(RequestError::Api { .. }) => String::new(),
        Err(e) => return Err(fail(format!("cannot reach {server}: {e}"))),
    };
    let issuer = discover_issuer(&client, timeout).await;

    let resolved = resolve_kinds(&client, &opts.needs, timeout)
        .await
        .map_err(|e| fail(format!("{server}: discovery failed: {e}")))?;
    let tasks = list_tasks(opts, &resolved);
    let listed_controllers: HashSet<&'static str> = resolved
        .iter()
        .map(|r| r.spec.kind)
        .filter(|k| kinds::CONTROLLERS.contains(k))
        .collect();
    let cx = ListContext {
        client: &client,
        context,
        timeout,
        page_size: opts.page_size.max(1),
        limiter,
        concurrency: opts.concurrency.max(1),
        listed_controllers: &listed_controllers,
        progress,
        budget,
    };
    let outcomes: Vec<(ListTask, Result<list::Listed, RequestError>)> =
        futures::stream::iter(tasks.into_iter().map(|t| {
            let cx = &cx;
            async move {
                let r = list::list(cx, &t).await;
                (t, r)
            }
        }))
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;

    let mut objects = Vec::new();
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let mut listed = Vec::new();
    let mut unreadable = Vec::new();
    let mut read_anything = false;
    let mut outcomes = outcomes;
    outcomes.sort_by_key(|(t, _)| (t.kind.spec.kind, t.namespace.clone()));
    for (task, result) in outcomes {
        match result {
            Ok(mut l) => {
                read_anything = true;
                listed.push(scope_entry(&task));
                objects.append(&mut l.objects);
                notes.append(&mut l.notes);
            }
            Err(e) if matches!(e, RequestError::Api { .. }) => {
                let why = match e.code() {
                    Some(401 | 403) => "forbidden",
                    Some(404) => "not served",
                    _ => "error",
                };
                warnings.push(format!(
                    "context {context}: cannot list {}: {e}; linted without them",
                    task.describe()
                ));
                let mut entry = scope_entry(&task);
                entry["reason"] = json!(why);
                unreadable.push(entry);
            }
            Err(e) => return Err(fail(format!("{server}: listing {}: {e}", task.describe()))),
        }
    }
    objects.sort_by(|a, b| a.file.source.path.cmp(&b.file.source.path));
    let info = snapshot_document(
        context,
        &server,
        &version,
        issuer.as_deref(),
        listed,
        unreadable,
    );
    Ok(Snapshot {
        issuer,
        context: context.to_string(),
        server,
        default_namespace: config.default_namespace.clone(),
        objects,
        info,
        warnings,
        notes,
        read_anything,
    })
}

/// `/.well-known/openid-configuration` → `issuer` (AKS and EKS serve it there too; on EKS the
/// issuer is `https://oidc.eks.<region>.amazonaws.com/id/<id>`, on AKS
/// `https://<region>.oic.prod-aks.azure.com/<tenant>/<id>/`). Best effort: `None` when hidden.
async fn discover_issuer(client: &kube::Client, timeout: Option<Duration>) -> Option<String> {
    let body = client::get(client, "/.well-known/openid-configuration", timeout)
        .await
        .ok()?;
    let v: Value = serde_json::from_str(&body).ok()?;
    v.get("issuer").and_then(Value::as_str).map(String::from)
}

/// Asks the server which of the wanted kinds it serves, and in which version.
async fn resolve_kinds(
    client: &kube::Client,
    needs: &Needs,
    timeout: Option<Duration>,
) -> Result<Vec<Resolved>, RequestError> {
    let mut group_versions: Vec<(&str, &str)> = kinds::KINDS
        .iter()
        .filter(|k| needs.wants(k))
        .flat_map(|k| k.versions.iter().map(move |v| (k.group, *v)))
        .collect();
    group_versions.sort();
    group_versions.dedup();
    // Operator groups are probed only if `/apis` lists them: one request instead of many 404s.
    let groups: HashSet<String> = match client::get(client, "/apis", timeout).await {
        Ok(body) => serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("groups").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|g| g.get("name").and_then(Value::as_str).map(String::from))
            .collect(),
        Err(e) if e.is_denied() => HashSet::new(),
        Err(e) => return Err(e),
    };
    let mut served: BTreeMap<(String, String), HashSet<String>> = BTreeMap::new();
    for (group, version) in group_versions {
        if !group.is_empty() && !groups.contains(group) {
            continue;
        }
        let path = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let resources = match client::get(client, &path, timeout).await {
            Ok(body) => serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v.get("resources").and_then(Value::as_array).cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|r| r.get("name").and_then(Value::as_str).map(String::from))
                .collect(),
            Err(RequestError::Api { .. }) => continue,
            Err(e) => return Err(e),
        };
        served.insert((group.to_string(), version.to_string()), resources);
    }
    Ok(kinds::resolve(needs, |g, v, plural| {
        served
            .get(&(g.to_string(), v.to_string()))
            .is_some_and(|r| r.contains(plural))
    }))
}

fn list_tasks(opts: &FetchOptions, resolved: &[Resolved]) -> Vec<ListTask> {
    let namespace = if opts.all_namespaces {
        None
    } else {
        opts.namespace.clone()
    };
    let mut tasks: Vec<ListTask> = resolved
        .iter()
        .map(|r| ListTask {
            kind: r.clone(),
            namespace: namespace.clone(),
            only_names: None,
        })
        .collect();
    // The EKS Pod Identity agent lives in kube-system; read just that DaemonSet when the listing
    // is scoped to another namespace and the live rules run.
    if opts.needs.webhooks
        && let Some(ns) = &namespace
        && ns != "kube-system"
        && let Some(ds) = resolved.iter().find(|r| r.spec.kind == "DaemonSet")
    {
        tasks.push(ListTask {
            kind: ds.clone(),
            namespace: Some("kube-system".into()),
            only_names: Some(&[POD_IDENTITY_AGENT]),
        });
    }
    tasks
}

fn scope_entry(task: &ListTask) -> Value {
    let mut v = json!({
        "kind": task.kind.spec.kind,
        "apiVersion": task.kind.api_version(),
    });
    if task.kind.spec.namespaced {
        v["namespace"] = json!(task.namespace.as_deref().unwrap_or("*"));
    }
    if let Some(names) = task.only_names {
        v["names"] = json!(names);
    }
    v
}

fn snapshot_document(
    context: &str,
    server: &str,
    version: &str,
    issuer: Option<&str>,
    listed: Vec<Value>,
    unreadable: Vec<Value>,
) -> Option<LoadedFile> {
    let mut doc = json!({
        "metadata": {"name": context},
        "context": context,
        "server": server,
        "version": version,
    });
    if let Some(i) = issuer {
        doc["issuer"] = json!(i);
    }
    doc["listed"] = Value::Array(listed);
    doc["unreadable"] = Value::Array(unreadable);
    let text = render::render(SNAPSHOT_API_VERSION, SNAPSHOT_KIND, &doc);
    let path = source_path(context, "", SNAPSHOT_KIND, context);
    load_text(&path, &text)
}

/// Where a kubeconfig was given on the command line, for [`FetchOptions`].
pub fn kubeconfig_source(path: Option<PathBuf>) -> KubeconfigSource {
    KubeconfigSource { path }
}
