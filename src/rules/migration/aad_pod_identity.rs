use crate::input::{Node, ScalarKind};
use crate::model::{Model, Object};
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule};

use super::{entry_ci, get_ci};

const GROUP: &str = "aadpodidentity.k8s.io";
/// The pod label aad-pod-identity's NMI matches against `AzureIdentityBinding.spec.selector`.
const POD_LABEL: &str = "aadpodidbinding";
const DEPRECATED: &str = "aad-pod-identity is deprecated (since 2022-10-24; repository archived 2023-10-02, AKS add-on supported only through September 2025)";

/// MIG001: aad-pod-identity objects (`aadpodidentity.k8s.io` kinds) and the pod label
/// `aadpodidbinding`. The help names what Microsoft Entra Workload ID needs instead: the
/// ServiceAccount annotation (with the client ID of the matching `AzureIdentity`), the pod
/// label, and the federated identity credential.
pub struct AadPodIdentity;

/// An `AzureIdentity` as the migration needs it.
struct Identity<'a> {
    name: &'a str,
    client_id: Option<&'a str>,
    tenant_id: Option<&'a str>,
    /// 0 user-assigned managed identity, 1/2 service principal.
    kind: Option<&'a str>,
}

impl Rule for AadPodIdentity {
    fn id(&self) -> &'static str {
        "MIG001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let legacy: Vec<&Object<'_>> = model
            .objects
            .iter()
            .filter(|o| o.group() == GROUP)
            .collect();
        for o in &legacy {
            let span = o
                .node
                .get("apiVersion")
                .map_or_else(|| o.node.span.clone(), |n| n.span.clone());
            let spec = o.node.get("spec");
            let help = match o.kind {
                "AzureIdentity" => {
                    // The pods that use it: bindings naming it → their selector → the pods' SA.
                    let sa = legacy
                        .iter()
                        .filter(|b| b.is("AzureIdentityBinding"))
                        .filter(|b| {
                            b.node.get("spec").and_then(|s| get_ci(s, "azureIdentity")).and_then(Node::as_str)
                                == o.name
                        })
                        .filter_map(|b| b.node.get("spec").and_then(|s| get_ci(s, "selector")).and_then(Node::as_str))
                        .find_map(|sel| service_account_for_selector(model, sel));
                    spec.and_then(|s| identity(o, s)).map_or_else(
                        || "create a user-assigned managed identity, a ServiceAccount annotated `azure.workload.identity/client-id`, the pod label `azure.workload.identity/use: \"true\"` and a federated identity credential, then delete this AzureIdentity".to_string(),
                        |id| identity_help(&id, sa.as_ref().map(|(ns, n)| (ns.as_str(), n.as_str()))),
                    )
                }
                "AzureIdentityBinding" => {
                    let target = spec.and_then(|s| get_ci(s, "azureIdentity")).and_then(Node::as_str);
                    let selector = spec.and_then(|s| get_ci(s, "selector")).and_then(Node::as_str);
                    let id = target.and_then(|t| find_identity(&legacy, t, &o.namespace));
                    let sa = selector.and_then(|sel| service_account_for_selector(model, sel));
                    match id {
                        Some(id) => identity_help(&id, sa.as_ref().map(|(ns, n)| (ns.as_str(), n.as_str()))),
                        None => format!(
                            "replace the binding: pods labelled `{POD_LABEL}: {}` run as a ServiceAccount annotated `azure.workload.identity/client-id`, carry `azure.workload.identity/use: \"true\"`, and the identity gets a federated identity credential for that ServiceAccount",
                            selector.unwrap_or("…")
                        ),
                    }
                }
                "AzurePodIdentityException" => "delete it: workload identity does not intercept IMDS, so there is nothing to exempt".to_string(),
                _ => "remove aad-pod-identity once the workloads use Microsoft Entra Workload ID".to_string(),
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!("{} is an aad-pod-identity object: {DEPRECATED}; migrate to Microsoft Entra Workload ID", o.display_name()),
                )
                .help(help),
            );
        }
        for o in &model.objects {
            let mut places: Vec<(&Node, &Node, String)> = Vec::new();
            if let Some(pod) = &o.pod
                && let Some(e) = pod.labels.and_then(|l| l.entry(POD_LABEL))
            {
                places.push((&e.key, &e.value, pod_phrase(o)));
            } else if let Some(e) = o.labels.and_then(|l| l.entry(POD_LABEL))
                && (o.pod.is_some() || o.is("Pod"))
            {
                places.push((&e.key, &e.value, o.display_name()));
            }
            for (key, value, who) in places {
                let selector = value.text().unwrap_or("");
                let sa = o.pod.as_ref().map(|p| p.service_account.name.clone());
                let ns_sa = sa.as_deref().map(|n| (o.namespace.as_str(), n));
                let identity = legacy
                    .iter()
                    .filter(|b| b.is("AzureIdentityBinding"))
                    .filter(|b| {
                        b.node
                            .get("spec")
                            .and_then(|s| get_ci(s, "selector"))
                            .and_then(Node::text)
                            == Some(selector)
                    })
                    .find_map(|b| {
                        let t = b
                            .node
                            .get("spec")
                            .and_then(|s| get_ci(s, "azureIdentity"))?
                            .as_str()?;
                        find_identity(&legacy, t, &b.namespace)
                    });
                let help = match identity {
                    Some(id) => identity_help(&id, ns_sa),
                    None => format!(
                        "annotate ServiceAccount `{}` with `azure.workload.identity/client-id: <client ID of the identity bound to selector {selector}>`, replace this label with `azure.workload.identity/use: \"true\"`, and add a federated identity credential (issuer: the cluster's OIDC issuer URL, subject `system:serviceaccount:{}:{}`, audience `api://AzureADTokenExchange`)",
                        sa.as_deref().unwrap_or("default"),
                        o.namespace,
                        sa.as_deref().unwrap_or("default")
                    ),
                };
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        key.span.clone(),
                        format!("{who} is labelled `{POD_LABEL}: {selector}` for aad-pod-identity: {DEPRECATED}; migrate to Microsoft Entra Workload ID"),
                    )
                    .help(help),
                );
            }
        }
    }
}

fn identity<'a>(o: &Object<'a>, spec: &'a Node) -> Option<Identity<'a>> {
    let text = |k: &str| {
        get_ci(spec, k)
            .and_then(Node::text)
            .filter(|t| !t.is_empty())
    };
    Some(Identity {
        name: o.name?,
        client_id: text("clientID"),
        tenant_id: text("tenantID"),
        kind: entry_ci(spec, "type").and_then(|e| match e.value.scalar() {
            Some(s) if matches!(s.kind, ScalarKind::Int | ScalarKind::String) => {
                Some(s.text.as_str())
            }
            _ => None,
        }),
    })
}

/// The `AzureIdentity` named `name`, preferring the binding's namespace.
fn find_identity<'a>(
    legacy: &[&'a Object<'a>],
    name: &str,
    namespace: &str,
) -> Option<Identity<'a>> {
    let named = || {
        legacy
            .iter()
            .filter(move |o| o.is("AzureIdentity") && o.name == Some(name))
    };
    let o = named()
        .find(|o| o.namespace == namespace)
        .or_else(|| named().next())?;
    identity(o, o.node.get("spec")?)
}

/// (namespace, ServiceAccount) of the first workload whose pods carry `aadpodidbinding: selector`.
fn service_account_for_selector(model: &Model<'_>, selector: &str) -> Option<(String, String)> {
    model.workloads().find_map(|w| {
        let pod = w.pod.as_ref()?;
        (pod.label(POD_LABEL)?.text()? == selector)
            .then(|| (w.namespace.clone(), pod.service_account.name.clone()))
    })
}

fn identity_help(id: &Identity<'_>, sa: Option<(&str, &str)>) -> String {
    if matches!(id.kind, Some("1" | "2")) {
        return format!(
            "AzureIdentity `{}` is a service principal (type {}): create an app registration federated identity credential for the ServiceAccount, annotate the ServiceAccount `azure.workload.identity/client-id` with the app's client ID, and label the pods `azure.workload.identity/use: \"true\"`",
            id.name,
            id.kind.unwrap_or("?")
        );
    }
    let (ns, sa) = sa.unwrap_or(("<namespace>", "<service account>"));
    let client = id.client_id.unwrap_or("<client ID of the identity>");
    let tenant = id
        .tenant_id
        .map(|t| format!(" and `azure.workload.identity/tenant-id: {t}`"))
        .unwrap_or_default();
    format!(
        "annotate ServiceAccount `{sa}` with `azure.workload.identity/client-id: {client}`{tenant}, label the pods `azure.workload.identity/use: \"true\"` (instead of `{POD_LABEL}`), and create a federated identity credential on identity `{}` (issuer: the cluster's OIDC issuer URL, subject `system:serviceaccount:{ns}:{sa}`, audience `api://AzureADTokenExchange`)",
        id.name
    )
}
