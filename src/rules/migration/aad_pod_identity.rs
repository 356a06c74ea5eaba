use foldhash::{HashMap, HashMapExt as _};

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
#[derive(Clone, Copy)]
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
        let idx = Index::build(model, &legacy);
        for o in &legacy {
            let span = o
                .node
                .get("apiVersion")
                .map_or_else(|| o.node.span(), |n| n.span());
            let spec = o.node.get("spec");
            let help = match o.kind {
                "AzureIdentity" => {
                    // The pods that use it: bindings naming it → their selector → the pods' SA.
                    let sa = idx
                        .selectors_by_identity
                        .get(&o.name)
                        .into_iter()
                        .flatten()
                        .find_map(|sel| idx.service_account_for_selector(sel));
                    spec.and_then(|s| identity(o, s)).map_or_else(
                        || "create a user-assigned managed identity, a ServiceAccount annotated `azure.workload.identity/client-id`, the pod label `azure.workload.identity/use: \"true\"` and a federated identity credential, then delete this AzureIdentity".to_string(),
                        |id| identity_help(&id, sa.as_ref().map(|(ns, n)| (ns.as_str(), n.as_str()))),
                    )
                }
                "AzureIdentityBinding" => {
                    let target = spec.and_then(|s| get_ci(s, "azureIdentity")).and_then(Node::as_str);
                    let selector = spec.and_then(|s| get_ci(s, "selector")).and_then(Node::as_str);
                    let id = target.and_then(|t| idx.find_identity(t, &o.namespace));
                    let sa = selector.and_then(|sel| idx.service_account_for_selector(sel));
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
        // The identity bound to a selector, per selector (it depends on nothing else).
        let mut bound: HashMap<&str, Option<Identity<'_>>> = HashMap::new();
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
                let sa = o.pod.as_ref().map(|p| p.service_account.name);
                let ns_sa = sa.map(|n| (o.namespace.as_str(), n));
                let identity = *bound.entry(selector).or_insert_with(|| {
                    idx.bindings_by_selector
                        .get(selector)
                        .into_iter()
                        .flatten()
                        .find_map(|b| {
                            let t = b
                                .node
                                .get("spec")
                                .and_then(|s| get_ci(s, "azureIdentity"))?
                                .as_str()?;
                            idx.find_identity(t, &b.namespace)
                        })
                });
                let help = match identity {
                    Some(id) => identity_help(&id, ns_sa),
                    None => format!(
                        "annotate ServiceAccount `{}` with `azure.workload.identity/client-id: <client ID of the identity bound to selector {selector}>`, replace this label with `azure.workload.identity/use: \"true\"`, and add a federated identity credential (issuer: the cluster's OIDC issuer URL, subject `system:serviceaccount:{}:{}`, audience `api://AzureADTokenExchange`)",
                        sa.unwrap_or("default"),
                        o.namespace,
                        sa.unwrap_or("default")
                    ),
                };
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        key.span(),
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

/// What the help texts look up, each built in one pass (in input order, so the first match
/// is the one a scan finds).
struct Index<'m, 'a> {
    /// `AzureIdentity` objects by name: the first, and the first per namespace.
    identity_named: HashMap<&'a str, &'m Object<'a>>,
    identity_in: HashMap<(&'a str, &'m str), &'m Object<'a>>,
    /// Each binding's string `selector`, by its string `azureIdentity` (`None`: not a string
    /// or absent), in input order.
    selectors_by_identity: HashMap<Option<&'a str>, Vec<&'a str>>,
    /// Bindings by the text of their `selector`, in input order.
    bindings_by_selector: HashMap<&'a str, Vec<&'m Object<'a>>>,
    /// (namespace, ServiceAccount) of the first workload whose pods carry `aadpodidbinding`
    /// with this text.
    service_account_by_selector: HashMap<&'a str, (&'m str, &'m str)>,
}

impl<'m, 'a> Index<'m, 'a> {
    fn build(model: &'m Model<'a>, legacy: &[&'m Object<'a>]) -> Self {
        let mut idx = Index {
            identity_named: HashMap::new(),
            identity_in: HashMap::new(),
            selectors_by_identity: HashMap::new(),
            bindings_by_selector: HashMap::new(),
            service_account_by_selector: HashMap::new(),
        };
        if legacy.is_empty() {
            // Only the pod label is reported, whose lookups need a binding.
            return idx;
        }
        for &o in legacy {
            if o.is("AzureIdentity")
                && let Some(name) = o.name
            {
                idx.identity_named.entry(name).or_insert(o);
                idx.identity_in
                    .entry((name, o.namespace.as_str()))
                    .or_insert(o);
            }
            if o.is("AzureIdentityBinding") {
                let spec = o.node.get("spec");
                let field = |k: &str| spec.and_then(|s| get_ci(s, k));
                if let Some(sel) = field("selector").and_then(Node::as_str) {
                    idx.selectors_by_identity
                        .entry(field("azureIdentity").and_then(Node::as_str))
                        .or_default()
                        .push(sel);
                }
                if let Some(sel) = field("selector").and_then(Node::text) {
                    idx.bindings_by_selector.entry(sel).or_default().push(o);
                }
            }
        }
        for w in model.workloads() {
            let Some(pod) = w.pod.as_ref() else { continue };
            if let Some(sel) = pod.label(POD_LABEL).and_then(Node::text) {
                idx.service_account_by_selector
                    .entry(sel)
                    .or_insert((w.namespace.as_str(), pod.service_account.name));
            }
        }
        idx
    }

    /// The `AzureIdentity` named `name`, preferring the binding's namespace.
    fn find_identity(&self, name: &str, namespace: &str) -> Option<Identity<'a>> {
        let o = self
            .identity_in
            .get(&(name, namespace))
            .or_else(|| self.identity_named.get(name))?;
        identity(o, o.node.get("spec")?)
    }

    /// (namespace, ServiceAccount) of the first workload whose pods carry
    /// `aadpodidbinding: selector`.
    fn service_account_for_selector(&self, selector: &str) -> Option<(String, String)> {
        self.service_account_by_selector
            .get(selector)
            .map(|(ns, sa)| (ns.to_string(), sa.to_string()))
    }
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
