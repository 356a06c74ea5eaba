//! Live-only rules: they need cluster state (objects read with `--cluster`, or a recorded
//! `ClusterSnapshot`) and never fire on plain manifests. Ids `LIVE…` so a CI gate can
//! `--select LIVE` / `--ignore LIVE`; each still names its cloud as provider.
//! Facts: `shared/research/azure-workload-identity.md` §1.3 (webhook registration),
//! `shared/research/aws-eks-pod-identity-irsa-gke.md` (pod identity webhook and agent).

pub mod azure_webhook_missing;
pub mod eks_webhook_missing;
pub mod pod_identity_agent_missing;
pub mod pod_not_mutated;
pub mod webhook_object_selector;

use crate::input::Node;
use crate::model::live::{Snapshot, snapshots};
use crate::model::{Model, Object};

/// `deploy/azure-wi-webhook.yaml` @ v1.6.0: configuration and webhook names.
pub const AZURE_CONFIG_NAME: &str = "azure-wi-webhook-mutating-webhook-configuration";
pub const AZURE_WEBHOOK_NAME: &str = "mutation.azure-workload-identity.io";
/// EKS registers the pod identity webhook (IRSA and Pod Identity) under these names.
pub const EKS_CONFIG_NAME: &str = "pod-identity-webhook";
pub const EKS_WEBHOOK_NAME: &str = "iam-for-pods.amazonaws.com";

/// Every webhook entry of every MutatingWebhookConfiguration: (configuration, `webhooks[i]`).
pub fn webhooks<'m, 'a>(model: &'m Model<'a>) -> Vec<(&'m Object<'a>, &'a Node)> {
    model
        .objects
        .iter()
        .filter(|o| {
            o.kind == "MutatingWebhookConfiguration" && o.group() == "admissionregistration.k8s.io"
        })
        .flat_map(|o| {
            o.node
                .get("webhooks")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter(|w| w.is_map())
                .map(move |w| (o, w))
        })
        .collect()
}

/// The Azure Workload Identity webhook (self-installed, Helm, or the AKS add-on).
pub fn is_azure_webhook(config: &Object<'_>, hook: &Node) -> bool {
    let hook_name = hook.get_str("name").unwrap_or("");
    hook_name == AZURE_WEBHOOK_NAME
        || hook_name.contains("azure-workload-identity")
        || config
            .name
            .is_some_and(|n| n == AZURE_CONFIG_NAME || n.starts_with("azure-wi-webhook"))
}

/// The Amazon EKS pod identity webhook (acts on IRSA annotations and Pod Identity).
pub fn is_eks_webhook(config: &Object<'_>, hook: &Node) -> bool {
    let hook_name = hook.get_str("name").unwrap_or("");
    hook_name == EKS_WEBHOOK_NAME
        || hook_name.contains("pod-identity-webhook")
        || config
            .name
            .is_some_and(|n| n == EKS_CONFIG_NAME || n.contains("pod-identity-webhook"))
}

/// Snapshots whose MutatingWebhookConfigurations were listed: only there is "none installed" a fact.
pub fn webhooks_listed<'m, 'a>(model: &'m Model<'a>) -> Option<Snapshot<'m, 'a>> {
    snapshots(model)
        .into_iter()
        .find(|s| s.listed("MutatingWebhookConfiguration", None))
}

/// `the cluster (context x)` for messages.
pub fn cluster_phrase(s: &Snapshot<'_, '_>) -> String {
    match s.context() {
        "" => "the cluster".to_string(),
        c => format!("the cluster (context `{c}`)"),
    }
}

/// The Azure webhook's marks on a pod spec: its token volume (v0.8–v1.5 `azure-identity-token`,
/// v1.6 `azure-workload-identity-reserved-…`) or `AZURE_FEDERATED_TOKEN_FILE` in a container.
pub fn azure_webhook_marks(spec: &Node) -> bool {
    let volume = spec
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get_str("name"))
        .any(|n| n == "azure-identity-token" || n.starts_with("azure-workload-identity-reserved-"));
    let env = ["containers", "initContainers"]
        .iter()
        .flat_map(|l| spec.get(l).map(Node::items).unwrap_or_default())
        .flat_map(|c| c.get("env").map(Node::items).unwrap_or_default())
        .filter_map(|e| e.get_str("name"))
        .any(|n| n == "AZURE_FEDERATED_TOKEN_FILE");
    volume || env
}

/// A pod stored in the cluster that the Azure webhook already mutated: rules about env vars and
/// volumes a person wrote must not read the webhook's injections as the person's.
pub fn mutated_in_cluster(model: &Model<'_>, o: &Object<'_>) -> bool {
    o.is("Pod")
        && crate::model::live::is_stored(model, o)
        && o.pod.as_ref().is_some_and(|p| azure_webhook_marks(p.spec))
}
