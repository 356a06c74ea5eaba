//! Paginated listing of one kind: `limit`/`continue`, a restart from the first page when the
//! server says the continue token expired (410 Gone), and every item rendered and parsed as it
//! arrives, so raw pages are dropped page by page.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::client::{RequestError, get_capped};
use super::kinds::{CONTROLLERS, Resolved};
use super::render::render;
use super::{LiveObject, source_path};
use crate::input::load::load_text;

/// How often a list restarts after 410 Gone before giving up.
const MAX_RESTARTS: usize = 3;

#[derive(Deserialize)]
struct ListPage {
    #[serde(default)]
    metadata: ListMeta,
    #[serde(default)]
    items: Vec<Value>,
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(default, rename = "continue")]
    continue_token: Option<String>,
}

/// One list call: a kind, in one namespace or all, maybe only some names.
#[derive(Debug, Clone)]
pub struct ListTask {
    pub kind: Resolved,
    /// `None`: all namespaces (or a cluster-scoped kind).
    pub namespace: Option<String>,
    /// Keep only these names (the `kube-system` DaemonSet probe).
    pub only_names: Option<&'static [&'static str]>,
}

impl ListTask {
    /// "deployments.apps in all namespaces", for warnings.
    pub fn describe(&self) -> String {
        let scope = match (&self.namespace, self.kind.spec.namespaced) {
            (_, false) => "(cluster-scoped)".to_string(),
            (Some(ns), true) => format!("in namespace {ns}"),
            (None, true) => "in all namespaces".to_string(),
        };
        format!("{} {scope}", self.kind.resource_name())
    }
}

pub struct ListContext<'a> {
    pub client: &'a Client,
    pub context: &'a str,
    pub timeout: Option<Duration>,
    pub page_size: u32,
    pub limiter: Arc<Semaphore>,
    /// How many pages may be in flight at once (the limiter's permits).
    pub concurrency: usize,
    /// Controller kinds being listed: objects they own are not linted twice.
    pub listed_controllers: &'a HashSet<&'static str>,
    pub progress: &'a indicatif::ProgressBar,
    /// Rendered objects are held until the whole run is linted: each reserves its text here.
    pub budget: &'a crate::input::limits::Budget,
}

pub struct Listed {
    pub objects: Vec<LiveObject>,
    /// Notes for stderr (a restart after 410).
    pub notes: Vec<String>,
}

pub async fn list(cx: &ListContext<'_>, task: &ListTask) -> Result<Listed, RequestError> {
    let base = task.kind.list_path(task.namespace.as_deref());
    let mut notes = Vec::new();
    let mut restarts = 0;
    let mut page_size = cx.page_size;
    'restart: loop {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = format!("{base}?limit={page_size}");
            if let Some(t) = &token {
                url.push_str("&continue=");
                url.push_str(&percent_encode(t));
            }
            let permit = cx.limiter.acquire().await;
            let cap = page_cap(cx, page_size);
            let body = get_capped(cx.client, &url, cx.timeout, cap).await;
            drop(permit);
            let body = match body {
                Ok(Some(b)) => b,
                Ok(None) if page_size > 1 => {
                    // The page alone would take more than its share of the input limit once
                    // parsed: ask again from the same place for half as many objects.
                    page_size = (page_size / 2).max(1);
                    continue;
                }
                Ok(None) => {
                    return Err(RequestError::OverBudget(format!(
                        "a page of one object passed {}: the server ignores `limit` for this kind, and the whole list passes what is left of {}; list fewer namespaces (-n) or raise the limit",
                        crate::input::limits::human_size(cap),
                        cx.budget.describe()
                    )));
                }
                Err(RequestError::Api { code: 410, .. })
                    if token.is_some() && restarts < MAX_RESTARTS =>
                {
                    restarts += 1;
                    notes.push(format!(
                        "context {}: the list of {} expired mid-way (410 Gone); listed again from the start",
                        cx.context,
                        task.describe()
                    ));
                    continue 'restart;
                }
                Err(e) => return Err(e),
            };
            let page: ListPage = serde_json::from_str(&body).map_err(|e| {
                RequestError::Transport(format!("unreadable list of {}: {e}", task.describe()))
            })?;
            drop(body);
            for item in page.items {
                if let Some(o) = self::object(cx, task, item) {
                    if !cx.budget.reserve(o.file.source.text.len() as u64) {
                        return Err(RequestError::OverBudget(format!(
                            "the objects read pass {}; list fewer namespaces (-n) or raise the limit (--max-input-size 8G, or none)",
                            cx.budget.describe()
                        )));
                    }
                    objects.push(o);
                }
            }
            cx.progress.inc(0);
            cx.progress.set_message(format!(
                "{}: {} {}",
                cx.context,
                objects.len(),
                task.kind.resource_name()
            ));
            match page.metadata.continue_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => {
                    if page_size < cx.page_size {
                        notes.push(format!(
                            "context {}: pages of {} {} passed their share of {}; listed {page_size} at a time",
                            cx.context,
                            cx.page_size,
                            task.kind.resource_name(),
                            cx.budget.describe()
                        ));
                    }
                    return Ok(Listed { objects, notes });
                }
            }
        }
    }
}

/// The most a page of `page_size` objects may take before it is parsed: the part of the input
/// limit still free, shared by the pages that may be in flight at once. A single object may
/// take what is left, and at least [`ONE_OBJECT`]. Without a limit, no cap (`u64::MAX`).
fn page_cap(cx: &ListContext<'_>, page_size: u32) -> u64 {
    if cx.budget.limit == u64::MAX {
        return u64::MAX;
    }
    let remaining = cx.budget.remaining();
    if page_size <= 1 {
        remaining.max(ONE_OBJECT)
    } else {
        remaining / cx.concurrency.max(1) as u64
    }
}

/// No object is larger: the API server refuses request bodies over 3 MiB, and etcd objects
/// over 1.5 MiB by default. A page of one past it is a server ignoring `limit`.
const ONE_OBJECT: u64 = 3 << 20;

/// Renders and parses one item, or `None` when it is linted through its controller.
fn object(cx: &ListContext<'_>, task: &ListTask, item: Value) -> Option<LiveObject> {
    let kind = task.kind.spec.kind;
    let meta = item.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)?
        .to_string();
    if task
        .only_names
        .is_some_and(|names| !names.contains(&name.as_str()))
    {
        return None;
    }
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(owner) = controller_owner(&item)
        && cx.listed_controllers.contains(owner)
        && !(kind == "Pod" && unmutated_workload_identity_pod(&item))
    {
        return None;
    }
    let api_version = task.kind.api_version();
    let text = render(&api_version, kind, &item);
    drop(item);
    let path = source_path(cx.context, &namespace, kind, &name);
    let file = load_text(&path, &text)?;
    Some(LiveObject {
        group: task.kind.spec.group,
        kind,
        namespace,
        name,
        file,
    })
}

/// The kind of the controller that owns the object (`ownerReferences[].controller: true`).
fn controller_owner(item: &Value) -> Option<&'static str> {
    let refs = item.get("metadata")?.get("ownerReferences")?.as_array()?;
    refs.iter()
        .filter(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .filter_map(|r| r.get("kind").and_then(Value::as_str))
        .find_map(|k| CONTROLLERS.iter().find(|c| **c == k).copied())
}

/// A pod labelled `azure.workload.identity/use: "true"` that the webhook did not mutate (no
/// token volume, no `AZURE_FEDERATED_TOKEN_FILE`). Such pods are kept even when a controller
/// owns them: the live rule that reports them needs the pod, not the template.
pub fn unmutated_workload_identity_pod(pod: &Value) -> bool {
    let labelled = pod
        .pointer("/metadata/labels/azure.workload.identity~1use")
        .and_then(Value::as_str)
        == Some("true");
    if !labelled {
        return false;
    }
    let spec = pod.get("spec");
    let volume = spec
        .and_then(|s| s.get("volumes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .any(|n| n == "azure-identity-token" || n.starts_with("azure-workload-identity-reserved-"));
    let env = ["containers", "initContainers"]
        .iter()
        .filter_map(|l| spec.and_then(|s| s.get(*l)).and_then(Value::as_array))
        .flatten()
        .filter_map(|c| c.get("env").and_then(Value::as_array))
        .flatten()
        .any(|e| e.get("name").and_then(Value::as_str) == Some("AZURE_FEDERATED_TOKEN_FILE"));
    !volume && !env
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn owned_pods_and_mutation() {
        let pod = json!({"metadata": {"labels": {"azure.workload.identity/use": "true"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "controller": true}]},
            "spec": {"containers": [{"name": "c"}]}});
        assert_eq!(controller_owner(&pod), Some("ReplicaSet"));
        assert!(unmutated_workload_identity_pod(&pod));
        let mutated = json!({"metadata": {"labels": {"azure.workload.identity/use": "true"}},
            "spec": {"volumes": [{"name": "azure-identity-token"}]}});
        assert!(!unmutated_workload_identity_pod(&mutated));
        assert_eq!(percent_encode("a+b/c="), "a%2Bb%2Fc%3D");
    }
}
