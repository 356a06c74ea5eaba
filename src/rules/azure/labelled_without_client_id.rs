use crate::input::Node;
use crate::model::{Model, Object};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{CLIENT_ID, USE_LABEL, key_span, pod_phrase, service_account_of};

const ENV: &str = "AZURE_CLIENT_ID";

/// AZ007: a pod labelled for workload identity whose ServiceAccount (defined in the inputs, same
/// namespace) has no `client-id` annotation, while no container sets `AZURE_CLIENT_ID` itself.
/// Since webhook v1.5.1 no `AZURE_CLIENT_ID` is injected; the SDK fails with
/// `AZURE_CLIENT_ID environment variable is not set` (AWI#1249).
///
/// Left to other rules: a ServiceAccount not in the inputs, an empty or malformed `client-id`
/// (AZ003), the key misspelled on the ServiceAccount (AZ006) or written on the workload, a
/// Service or as a ServiceAccount label (AZ005).
pub struct LabelledWithoutClientId;

impl Rule for LabelledWithoutClientId {
    fn id(&self) -> &'static str {
        "AZ007"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(labels) = pod.labels else { continue };
            let Some(label_span) = key_span(labels, USE_LABEL) else {
                continue;
            };
            let Some(sa) = service_account_of(ctx.model, o) else {
                continue;
            };
            if sa.annotation(CLIENT_ID).is_some()
                || sa.label(CLIENT_ID).is_some()
                || has_client_id_like_key(sa)
                || client_id_written_elsewhere(ctx.model, o)
                || sets_client_id_env(ctx.model, o)
            {
                continue;
            }
            let sa_name = sa.name.unwrap_or("");
            let span = sa
                .metadata
                .and_then(|m| m.get("name"))
                .map_or_else(|| sa.node.span(), |n| n.span());
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    label_span,
                    format!(
                        "{} is labelled `{USE_LABEL}`, but its ServiceAccount `{sa_name}` has no `{CLIENT_ID}` \
                         annotation and no container sets {ENV}: the webhook injects no {ENV} and the Azure SDK fails \
                         with `{ENV} environment variable is not set`",
                        pod_phrase(o)
                    ),
                )
                .help(format!(
                    "annotate ServiceAccount {}/{sa_name} with `{CLIENT_ID}: \"<the managed identity's clientId>\"`",
                    sa.namespace
                ))
                .related(sa.file, span, "ServiceAccount defined here, without a client id"),
            );
        }
    }
}

/// A misspelled client id key on the ServiceAccount (`azure.workload.identity/client_id`,
/// `azure.pod.identity/client-id`): AZ006 reports the typo, which is the actual cause.
fn has_client_id_like_key(sa: &Object<'_>) -> bool {
    [sa.annotations, sa.labels]
        .into_iter()
        .flat_map(|m| m.map(Node::entries).unwrap_or_default())
        .filter_map(|e| e.key.text())
        .any(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("identity") && k.contains("client")
        })
}

/// `client-id` written on the workload itself or on a Service that selects its pods (AWI#1357):
/// AZ005 reports the misplaced key, which is the actual cause.
fn client_id_written_elsewhere(model: &Model<'_>, o: &Object<'_>) -> bool {
    let pod = o.pod.as_ref();
    let has = |m: Option<&Node>| m.is_some_and(|m| m.get(CLIENT_ID).is_some());
    if [
        o.labels,
        o.annotations,
        pod.and_then(|p| p.labels),
        pod.and_then(|p| p.annotations),
    ]
    .into_iter()
    .any(has)
    {
        return true;
    }
    // A Service with a selector selects only labelled pods.
    pod.and_then(|p| p.labels).is_some_and(|labels| {
        model
            .services_selecting(&o.namespace, labels)
            .iter()
            .any(|s| has(s.annotations) || has(s.labels))
    })
}

/// Some container sets `AZURE_CLIENT_ID` in `env`, or may get it through `envFrom` from a
/// ConfigMap or Secret that is not in the inputs (or is, and has the key).
fn sets_client_id_env(model: &Model<'_>, o: &Object<'_>) -> bool {
    let Some(pod) = o.pod.as_ref() else {
        return false;
    };
    pod.containers().any(|c| {
        c.env().any(|(name, _)| name == ENV)
            || c.node
                .get("envFrom")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|from| {
                    let prefix = from.get_str("prefix").unwrap_or("");
                    let Some(key) = ENV.strip_prefix(prefix) else {
                        return false;
                    };
                    [("configMapRef", "ConfigMap"), ("secretRef", "Secret")]
                        .iter()
                        .any(|(field, kind)| {
                            let Some(name) = from.get(field).and_then(|r| r.get_str("name")) else {
                                return false;
                            };
                            match model.core_object(o.file, kind, &o.namespace, name) {
                                None => true,
                                Some(s) => ["data", "stringData"]
                                    .iter()
                                    .any(|d| s.node.get(d).is_some_and(|m| m.get(key).is_some())),
                            }
                        })
                })
    })
}
