//! Finding the pod spec and pod-template metadata inside the workload kinds.

use crate::input::Node;

/// The service account a pod runs as, where that was decided.
#[derive(Debug, Clone)]
pub struct ServiceAccountRef<'a> {
    /// `serviceAccountName` (or the deprecated `serviceAccount`), `default` when absent.
    pub name: &'a str,
    /// The value node that names it; `None` when the pod falls back to `default`.
    pub node: Option<&'a Node>,
}

#[derive(Debug, Clone)]
pub struct PodTemplate<'a> {
    /// The node holding `metadata` and `spec` (the object itself for a Pod, else `…template`).
    pub template: &'a Node,
    pub metadata: Option<&'a Node>,
    pub labels: Option<&'a Node>,
    pub annotations: Option<&'a Node>,
    pub spec: &'a Node,
    pub service_account: ServiceAccountRef<'a>,
    /// The controller's `spec.selector` (for the "label in the selector only" hint).
    pub selector: Option<&'a Node>,
    /// `initContainers`, `containers`, `ephemeralContainers` of `spec`, looked up once: many
    /// rules walk the containers of every workload.
    container_lists: [Option<&'a Node>; 3],
}

/// The container lists of a pod spec, in the order `containers()` yields them.
const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// A container of the pod, with the list it came from.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: Option<&'a str>,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
}

impl<'a> PodTemplate<'a> {
    /// The pod template of a workload kind, if the object has one.
    pub fn of(kind: &str, object: &'a Node) -> Option<Self> {
        let (template, selector) = match kind {
            "Pod" => (object, None),
            "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "ReplicationController" => {
                let spec = object.get("spec")?;
                (spec.get("template")?, spec.get("selector"))
            }
            "CronJob" => {
                let job_spec = object.get_path(&["spec", "jobTemplate", "spec"])?;
                (job_spec.get("template")?, job_spec.get("selector"))
            }
            _ => return None,
        };
        let spec = template.get("spec").filter(|s| s.is_map())?;
        let metadata = template.get("metadata").filter(|m| m.is_map());
        let named = spec
            .get("serviceAccountName")
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            .or_else(|| {
                spec.get("serviceAccount")
                    .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            });
        let service_account = ServiceAccountRef {
            name: named.and_then(Node::as_str).unwrap_or("default"),
            node: named,
        };
        Some(Self {
            template,
            metadata,
            labels: metadata
                .and_then(|m| m.get("labels"))
                .filter(|l| l.is_map()),
            annotations: metadata
                .and_then(|m| m.get("annotations"))
                .filter(|a| a.is_map()),
            spec,
            service_account,
            selector,
            container_lists: CONTAINER_LISTS.map(|list| spec.get(list)),
        })
    }

    pub fn label(&self, key: &str) -> Option<&'a Node> {
        self.labels.and_then(|l| l.get(key))
    }

    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.annotations.and_then(|a| a.get(key))
    }

    /// All containers, init containers and ephemeral containers.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        CONTAINER_LISTS
            .into_iter()
            .zip(self.container_lists)
            .flat_map(move |(list, items)| {
                items
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter(|c| c.is_map())
                    .map(move |node| Container {
                        node,
                        name: node.get_str("name"),
                        list,
                    })
            })
    }

    pub fn host_network(&self) -> Option<&'a Node> {
        self.spec.get("hostNetwork").filter(|n| {
            matches!(
                n.scalar().map(|s| s.kind),
                Some(crate::input::ScalarKind::Bool(true))
            )
        })
    }
}

impl<'a> Container<'a> {
    /// "container `api`", "init container `migrate`", for messages.
    pub fn describe(&self) -> String {
        let kind = match self.list {
            "initContainers" => "init container",
            "ephemeralContainers" => "ephemeral container",
            _ => "container",
        };
        self.name.map_or_else(
            || format!("an unnamed entry of {}", self.list),
            |n| format!("{kind} `{n}`"),
        )
    }

    /// `env` entries as (name, entry node).
    pub fn env(&self) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        self.node
            .get("env")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Some((e.get_str("name")?, e)))
    }

    pub fn ports(&self) -> impl Iterator<Item = &'a Node> + 'a {
        self.node
            .get("ports")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.get("containerPort"))
    }
}

/// Whether a Service-style `selector` (a non-empty map of label → value) selects pods with
/// these `labels`: every entry's text equals the label's (`Node::get`, the first of a key).
pub fn selector_matches(selector: &Node, labels: Option<&Node>) -> bool {
    !selector.entries().is_empty()
        && selector.entries().iter().all(|s| {
            let value = labels
                .and_then(|l| s.key.text().and_then(|k| l.get(k)))
                .and_then(Node::text);
            value.is_some() && value == s.value.text()
        })
}
