//! Azure / Entra Workload ID rules. Facts: seed `000_3c2b996e278f89d4.txt` and
//! `shared/research/azure-workload-identity.md` (AWI webhook v1.6.0 behaviour).

pub mod client_id_format;
pub mod client_id_not_identity_client_id;
pub mod default_service_account;
pub mod env_shadows_injected;
pub mod fic_audience;
pub mod fic_common;
pub mod fic_duplicate;
pub mod fic_issuer_format;
pub mod fic_issuer_mismatch;
pub mod fic_limit_per_identity;
pub mod fic_name_format;
pub mod fic_subject_and_claims_expression;
pub mod fic_subject_format;
pub mod fic_subject_service_account;
pub mod fic_value_not_static;
pub mod guid_value;
pub mod hard_coded_token_path;
pub mod identity_annotation_on_wrong_object;
pub mod inject_proxy_sidecar_false;
pub mod key_vault_name;
pub mod labelled_without_client_id;
pub mod missing_use_label;
pub mod misspelled_annotation_key;
pub mod proxy_sidecar_host_network;
pub mod proxy_sidecar_port;
pub mod service_account_not_found;
pub mod service_account_other_namespace;
pub mod service_account_without_fic;
pub mod skip_containers_format;
pub mod tenant_id_format;
pub mod token_expiration_range;
pub mod use_label_value;

use std::ops::Range;

use crate::input::{Entry, Node, Style};
use crate::model::{Container, Model, Object, PodTemplate};

/// `pkg/webhook/consts.go` @ v1.6.0.
pub const PREFIX: &str = "azure.workload.identity/";
pub const USE_LABEL: &str = "azure.workload.identity/use";
pub const CLIENT_ID: &str = "azure.workload.identity/client-id";
pub const TENANT_ID: &str = "azure.workload.identity/tenant-id";
pub const TOKEN_EXPIRATION: &str = "azure.workload.identity/service-account-token-expiration";
pub const SKIP_CONTAINERS: &str = "azure.workload.identity/skip-containers";
pub const INJECT_PROXY_SIDECAR: &str = "azure.workload.identity/inject-proxy-sidecar";
pub const PROXY_SIDECAR_PORT: &str = "azure.workload.identity/proxy-sidecar-port";

/// Every key the webhook reads (the `use-<suffix>` custom-endpoint annotation is matched by prefix).
pub const KNOWN_KEYS: &[&str] = &[
    USE_LABEL,
    CLIENT_ID,
    TENANT_ID,
    TOKEN_EXPIRATION,
    SKIP_CONTAINERS,
    INJECT_PROXY_SIDECAR,
    PROXY_SIDECAR_PORT,
];

/// Pod annotations the webhook reads from the pod (not from the ServiceAccount).
pub const POD_ANNOTATIONS: &[&str] = &[
    TOKEN_EXPIRATION,
    SKIP_CONTAINERS,
    INJECT_PROXY_SIDECAR,
    PROXY_SIDECAR_PORT,
];

/// Env vars the webhook injects into every container (`pkg/webhook/webhook.go`).
pub const INJECTED_ENV: &[&str] = &[
    "AZURE_CLIENT_ID",
    "AZURE_TENANT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST",
];

/// The ServiceAccount a workload runs as, when the inputs define it in the workload's namespace.
pub fn service_account_of<'m, 'a>(model: &'m Model<'a>, o: &Object<'a>) -> Option<&'m Object<'a>> {
    let pod = o.pod.as_ref()?;
    model.service_account_near(o.file, &o.namespace, pod.service_account.name)
}

/// The non-empty `client-id` annotation of a ServiceAccount.
pub fn client_id_of<'a>(sa: &Object<'a>) -> Option<&'a Node> {
    sa.annotation(CLIENT_ID)
        .filter(|n| n.text().is_some_and(|t| !t.trim().is_empty()))
}

/// Whether a workload is meant to use Azure workload identity: its pod carries the label (any
/// value), webhook pod annotations, or its ServiceAccount a client id.
pub fn uses_workload_identity<'a>(model: &Model<'a>, o: &Object<'a>) -> bool {
    let Some(pod) = &o.pod else { return false };
    pod_opt_in(pod).is_some()
        || service_account_of(model, o)
            .and_then(client_id_of)
            .is_some()
}

/// Span of the key `key` in a mapping (a one-line place to point at), if present.
pub fn key_span(map: &Node, key: &str) -> Option<Range<usize>> {
    map.entry(key).map(|e| e.key.span())
}

/// The best one-line place to point at for "the pod template lacks X": its `labels:` key,
/// else its `metadata:` key, else the `template:` key, else the object's `kind` value.
pub fn pod_labels_anchor(o: &Object<'_>) -> Range<usize> {
    let pod = o.pod.as_ref();
    pod.and_then(|p| p.metadata.and_then(|m| key_span(m, "labels")))
        .or_else(|| pod.and_then(|p| key_span(p.template, "metadata")))
        .or_else(|| {
            let spec = if o.is("CronJob") {
                o.node.get_path(&["spec", "jobTemplate", "spec"])
            } else {
                o.node.get("spec")
            };
            spec.and_then(|s| key_span(s, "template"))
        })
        .unwrap_or_else(|| o.node.get("kind").map_or(o.node.span(), |k| k.span()))
}

/// The pod spec's `spec:` key (for "the pod sets no X"), else the labels anchor.
pub fn pod_spec_anchor(o: &Object<'_>) -> Range<usize> {
    o.pod
        .as_ref()
        .and_then(|p| key_span(p.template, "spec"))
        .unwrap_or_else(|| pod_labels_anchor(o))
}

/// "Pod ns/name" or "pod template of Deployment ns/name", for messages.
pub fn pod_phrase(o: &Object<'_>) -> String {
    if o.is("Pod") {
        o.display_name()
    } else {
        format!("pod template of {}", o.display_name())
    }
}

/// Where the pod template's labels live, for help text.
pub fn pod_labels_path(o: &Object<'_>) -> &'static str {
    match o.kind {
        "Pod" => "metadata.labels",
        "CronJob" => "spec.jobTemplate.spec.template.metadata.labels",
        _ => "spec.template.metadata.labels",
    }
}

/// The value of an entry as a one-line place to point at: the value; the key when the value is
/// an empty (zero-width) null; the `|`/`>` indicator of a block scalar (which spans lines).
pub fn value_span(text: &str, e: &Entry) -> Range<usize> {
    let value = &e.value.span();
    if value.is_empty() {
        return e.key.span();
    }
    if e.value
        .scalar()
        .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded))
    {
        let between = text.get(e.key.span().end..value.start).unwrap_or("");
        return match between.find(['|', '>']) {
            Some(i) => {
                let start = e.key.span().end + i;
                let len = between[i..]
                    .find(|c: char| c.is_whitespace() || c == '#')
                    .unwrap_or(between.len() - i);
                start..start + len
            }
            None => e.key.span(),
        };
    }
    value.clone()
}

/// Container names in `skip-containers`, split as the webhook does (`strings.Split(v, ";")`
/// and `TrimSpace`).
pub fn skipped_containers<'a>(pod: &PodTemplate<'a>) -> Vec<&'a str> {
    pod.annotation(SKIP_CONTAINERS)
        .and_then(Node::text)
        .map(|t| t.split(';').map(str::trim).collect())
        .unwrap_or_default()
}

/// Whether the webhook mutates this container (injects env, mounts the token): containers and
/// init containers, not ephemeral ones, unless `skip-containers` names them. AZ016 and AZ017
/// share it, so an injected-name env entry is reported by exactly one of them.
pub fn mutated_by_webhook(c: &Container<'_>, skipped: &[&str]) -> bool {
    c.list != "ephemeralContainers" && !c.name.is_some_and(|n| skipped.contains(&n))
}

/// The pod's own opt-in: the `use` label, or any `azure.workload.identity/*` pod annotation.
/// Returns the key node that opts in (to point at).
pub fn pod_opt_in<'a>(pod: &PodTemplate<'a>) -> Option<&'a Node> {
    pod.labels
        .and_then(|l| l.entry(USE_LABEL))
        .or_else(|| {
            pod.annotations.and_then(|a| {
                a.entries()
                    .iter()
                    .find(|e| e.key.text().is_some_and(|k| k.starts_with(PREFIX)))
            })
        })
        .map(|e| &e.key)
}
