use crate::input::{Node, ScalarKind};
use crate::rules::azure::{mutated_by_webhook, skipped_containers};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{
    CLIENT_ID, INJECTED_ENV, TENANT_ID, client_id_of, key_span, pod_phrase, service_account_of,
    uses_workload_identity,
};

/// AZ016: a container of a workload-identity pod that sets one of the variables the webhook
/// injects. `addEnvironmentVariables` only appends names the container does not already have,
/// so the manifest's entry wins over the ServiceAccount annotation (or the webhook's config).
pub struct EnvShadowsInjected;

impl Rule for EnvShadowsInjected {
    fn id(&self) -> &'static str {
        "AZ016"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            // A stored pod the webhook mutated carries the webhook's own env and volumes.
            if crate::rules::live::mutated_in_cluster(ctx.model, o) {
                continue;
            }
            if !uses_workload_identity(ctx.model, o) {
                continue;
            }
            let skipped = skipped_containers(pod);
            let sa = service_account_of(ctx.model, o);
            let sa_name = pod.service_account.name;

            for c in pod.containers().filter(|c| mutated_by_webhook(c, &skipped)) {
                for (name, entry) in c.env() {
                    if !INJECTED_ENV.contains(&name) {
                        continue;
                    }
                    let Some(name_node) = entry.get("name") else {
                        continue;
                    };
                    // Formatted only for a finding, not for every container.
                    let who = c.describe();
                    let origin = origin(entry);
                    let (consequence, related, help) = match name {
                        "AZURE_CLIENT_ID" => {
                            let annotation = sa.and_then(client_id_of);
                            let same = annotation
                                .and_then(Node::text)
                                .zip(entry.get("value").and_then(Node::text))
                                .is_some_and(|(a, v)| a.trim() == v.trim());
                            let consequence = if same {
                                format!(
                                    "it repeats the client id of ServiceAccount `{sa_name}` and goes stale when that annotation changes"
                                )
                            } else if annotation.is_some() {
                                format!(
                                    "the pod authenticates as this client id, not the one in ServiceAccount `{sa_name}`'s `{CLIENT_ID}`"
                                )
                            } else {
                                format!(
                                    "the pod authenticates as this client id whatever ServiceAccount `{sa_name}`'s `{CLIENT_ID}` says"
                                )
                            };
                            let related = sa.and_then(|s| {
                                s.annotations
                                    .and_then(|a| key_span(a, CLIENT_ID))
                                    .map(|span| (s.file, span, "client id the webhook would inject".to_string()))
                            });
                            (
                                consequence,
                                related,
                                format!(
                                    "remove the `AZURE_CLIENT_ID` entry and set `{CLIENT_ID}` on ServiceAccount `{sa_name}` (a second identity can be chosen in code instead)"
                                ),
                            )
                        }
                        "AZURE_TENANT_ID" => {
                            let related = sa.and_then(|s| {
                                s.annotations
                                    .and_then(|a| key_span(a, TENANT_ID))
                                    .map(|span| (s.file, span, "tenant id the webhook would inject".to_string()))
                            });
                            let replaced = if related.is_some() {
                                format!("the tenant in ServiceAccount `{sa_name}`'s `{TENANT_ID}`")
                            } else {
                                "the cluster's tenant (the webhook's `AZURE_TENANT_ID`)".to_string()
                            };
                            (
                                format!(
                                    "it replaces {replaced}; that is only right when the identity lives in another tenant"
                                ),
                                related,
                                format!(
                                    "for a cross-tenant identity prefer `{TENANT_ID}` on ServiceAccount `{sa_name}`; otherwise remove the `AZURE_TENANT_ID` entry"
                                ),
                            )
                        }
                        "AZURE_FEDERATED_TOKEN_FILE" => (
                            "the SDK reads this file instead of the token the webhook mounts (whose path changed in webhook v1.6.0)".to_string(),
                            None,
                            "remove the `AZURE_FEDERATED_TOKEN_FILE` entry; the webhook sets it to the token it mounts".to_string(),
                        ),
                        _ => (
                            "it replaces the authority host of the cloud the webhook is configured for (`AZURE_ENVIRONMENT`); a mismatch fails every token request".to_string(),
                            None,
                            "remove the `AZURE_AUTHORITY_HOST` entry unless the identity lives in a different cloud than the webhook's configuration".to_string(),
                        ),
                    };
                    let consequence = if origin == EMPTY {
                        format!(
                            "`{name}` stays empty and the Azure SDK's workload identity credential fails"
                        )
                    } else {
                        consequence
                    };
                    let mut finding = Finding::at(
                        self.id(),
                        o,
                        name_node.span(),
                        format!(
                            "{who} of {} sets `{name}`{origin}; the webhook never overwrites an existing env entry, so {consequence}",
                            pod_phrase(o)
                        ),
                    )
                    .help(help);
                    if let Some((file, span, msg)) = related {
                        finding = finding.related(file, span, msg);
                    }
                    out.push(finding);
                }
            }
        }
    }
}

const EMPTY: &str = " to an empty value";

/// Where the entry's value comes from, for the message. Values themselves are never printed.
fn origin(entry: &Node) -> &'static str {
    if let Some(from) = entry.get("valueFrom") {
        if from.get("secretKeyRef").is_some() {
            return " from a Secret";
        }
        if from.get("configMapKeyRef").is_some() {
            return " from a ConfigMap";
        }
        return " via valueFrom";
    }
    match entry.get("value").and_then(Node::scalar) {
        None => EMPTY,
        Some(s) if s.kind == ScalarKind::Null || s.text.trim().is_empty() => EMPTY,
        Some(_) => "",
    }
}
