//! Typed views of Kubernetes objects over the span-exact document tree.

use crate::input::{FileId, Node};

use super::pod::PodTemplate;

/// Where an object sits in the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectId(pub usize);

#[derive(Debug)]
pub struct Object<'a> {
    pub id: ObjectId,
    pub file: FileId,
    /// Stream index of the document the object comes from.
    pub document: usize,
    /// The object's root mapping (for `kind: List`, the item).
    pub node: &'a Node,
    pub api_version: &'a str,
    /// API group of `apiVersion`, split off once: views and rules ask for it per object.
    group: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    /// Effective namespace: `metadata.namespace`, else the run's default (`--namespace`).
    pub namespace: compact_str::CompactString,
    /// Whether `metadata.namespace` is set. A manifest without one is applied into whatever
    /// namespace `kubectl -n` names, so cross-namespace checks must not treat it as fixed.
    pub namespace_explicit: bool,
    pub metadata: Option<&'a Node>,
    pub labels: Option<&'a Node>,
    pub annotations: Option<&'a Node>,
    /// The pod this object creates (a Pod itself, or a controller's pod template).
    pub pod: Option<PodTemplate<'a>>,
}

impl<'a> Object<'a> {
    /// Builds the view of one object; `None` when the node is not a Kubernetes object
    /// (no string `apiVersion` and `kind`).
    pub fn from_node(
        id: ObjectId,
        file: FileId,
        document: usize,
        node: &'a Node,
        default_namespace: &str,
    ) -> Option<Self> {
        let api_version = node.get_str("apiVersion")?;
        let kind = node.get_str("kind")?;
        let metadata = node.get("metadata").filter(|m| m.is_map());
        let name = metadata.and_then(|m| m.get_str("name"));
        let explicit = metadata
            .and_then(|m| m.get_str("namespace"))
            .filter(|ns| !ns.is_empty());
        let namespace = explicit.unwrap_or(default_namespace).into();
        let labels = metadata
            .and_then(|m| m.get("labels"))
            .filter(|l| l.is_map());
        let annotations = metadata
            .and_then(|m| m.get("annotations"))
            .filter(|a| a.is_map());
        let pod = PodTemplate::of(kind, node);
        Some(Self {
            id,
            file,
            document,
            node,
            api_version,
            group: api_version.rsplit_once('/').map_or("", |(g, _)| g),
            kind,
            name,
            namespace,
            namespace_explicit: explicit.is_some(),
            metadata,
            labels,
            annotations,
            pod,
        })
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }

    /// A ServiceAccount of the core API group (not, say, a Config Connector `IAMServiceAccount`).
    pub fn is_core_service_account(&self) -> bool {
        self.kind == "ServiceAccount" && self.group().is_empty()
    }

    /// API group of `apiVersion` (`""` for the core group).
    pub fn group(&self) -> &'a str {
        self.group
    }

    /// The value node of a label, if the object has it.
    pub fn label(&self, key: &str) -> Option<&'a Node> {
        self.labels.and_then(|l| l.get(key))
    }

    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.annotations.and_then(|a| a.get(key))
    }

    /// `Kind/namespace/name` for messages.
    pub fn display_name(&self) -> String {
        format!(
            "{} {}/{}",
            self.kind,
            self.namespace,
            self.name.unwrap_or("<unnamed>")
        )
    }
}

/// The objects in a document: the document itself, or the items of a `kind: List` / `*List`.
pub fn object_nodes(root: &Node) -> Vec<&Node> {
    let kind = root.get_str("kind").unwrap_or("");
    if kind.ends_with("List")
        && root.get_str("apiVersion").is_some()
        && let Some(items) = root.get("items")
    {
        return items.items().iter().filter(|n| n.is_map()).collect();
    }
    vec![root]
}
