//! Live state in the model: which objects were read from a cluster, and the `ClusterSnapshot`
//! document live mode adds per context (what was listed, what could not be read). Live-only
//! rules need it to tell "no webhook is installed" from "webhooks were not read".

use crate::input::Node;

use super::{Model, Object};

pub const SNAPSHOT_KIND: &str = "ClusterSnapshot";
pub const SNAPSHOT_GROUP: &str = "kubectl-wid.dev";

/// Whether the object is stored in a cluster (read live, or exported with `kubectl get -o yaml`,
/// which keeps `metadata.creationTimestamp`/`uid`), as opposed to a manifest still to be applied.
pub fn is_stored(model: &Model<'_>, o: &Object<'_>) -> bool {
    model.source(o.file).path.starts_with("cluster://")
        || o.metadata
            .is_some_and(|m| m.get_str("creationTimestamp").is_some() || m.get_str("uid").is_some())
}

/// One context's snapshot document.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'m, 'a> {
    pub object: &'m Object<'a>,
}

impl<'m, 'a> Snapshot<'m, 'a> {
    pub fn context(&self) -> &'a str {
        self.object
            .node
            .get_str("context")
            .or(self.object.name)
            .unwrap_or("")
    }

    /// Whether `kind` was listed completely in a scope that covers `namespace` (`None`:
    /// cluster-scoped). A list restricted to some names does not count as complete.
    pub fn listed(&self, kind: &str, namespace: Option<&str>) -> bool {
        self.entries("listed").any(|e| {
            e.get_str("kind") == Some(kind)
                && e.get("names").is_none()
                && match (namespace, e.get_str("namespace")) {
                    (None, _) => true,
                    (Some(_), Some("*")) => true,
                    (Some(ns), Some(listed)) => ns == listed,
                    (Some(_), None) => false,
                }
        })
    }

    /// Whether objects named `name` of `kind` in `namespace` were looked for (a complete list, or a
    /// list of just those names).
    pub fn looked_for(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.listed(kind, Some(namespace))
            || self.entries("listed").any(|e| {
                e.get_str("kind") == Some(kind)
                    && e.get_str("namespace") == Some(namespace)
                    && e.get("names")
                        .is_some_and(|n| n.items().iter().any(|i| i.as_str() == Some(name)))
            })
    }

    pub fn issuer(&self) -> Option<&'a str> {
        self.object.node.get_str("issuer")
    }

    fn entries(&self, key: &str) -> impl Iterator<Item = &'a Node> + 'a {
        self.object
            .node
            .get(key)
            .map(Node::items)
            .unwrap_or_default()
            .iter()
    }
}

/// Every `ClusterSnapshot` in the inputs (one per context in live mode; also in recorded states).
pub fn snapshots<'m, 'a>(model: &'m Model<'a>) -> Vec<Snapshot<'m, 'a>> {
    model
        .objects
        .iter()
        .filter(|o| o.kind == SNAPSHOT_KIND && o.group() == SNAPSHOT_GROUP)
        .map(|object| Snapshot { object })
        .collect()
}
