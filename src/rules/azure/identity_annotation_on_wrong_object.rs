use crate::input::{Entry, Node};
use crate::model::pod::selector_matches;
use crate::model::{Model, Object};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{CLIENT_ID, TENANT_ID};

/// AZ005: `azure.workload.identity/client-id` or `tenant-id` written anywhere but the annotations
/// of a ServiceAccount: on a Pod, a pod template, a Deployment's own metadata, a Service (AWI#1357),
/// a ConfigMap, or as a label of the ServiceAccount. The webhook reads both keys only from
/// `sa.Annotations`, so the value is ignored.
pub struct IdentityAnnotationOnWrongObject;

const KEYS: [&str; 2] = [CLIENT_ID, TENANT_ID];

/// Says where on an object a key is written (`a label of Deployment ns/app`).
type Place = fn(&Object<'_>) -> String;

impl Rule for IdentityAnnotationOnWrongObject {
    fn id(&self) -> &'static str {
        "AZ005"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            if o.is("ServiceAccount") && o.group().is_empty() {
                self.service_account_labels(o, out);
                continue;
            }
            let pod = o.pod.as_ref().filter(|_| !o.is("Pod"));
            // Where the key is written, said only for a finding (most objects have none).
            let places: [(Option<&Node>, Place); 4] = [
                (o.annotations, |o| {
                    format!("an annotation of {}", o.display_name())
                }),
                (o.labels, |o| format!("a label of {}", o.display_name())),
                (pod.and_then(|p| p.annotations), |o| {
                    format!("an annotation on the pod template of {}", o.display_name())
                }),
                (pod.and_then(|p| p.labels), |o| {
                    format!("a label on the pod template of {}", o.display_name())
                }),
            ];
            for (map, place) in places {
                for e in identity_entries(map) {
                    out.push(self.misplaced(ctx.model, o, e, &place(o)));
                }
            }
        }
    }
}

impl IdentityAnnotationOnWrongObject {
    fn misplaced(&self, model: &Model<'_>, o: &Object<'_>, e: &Entry, place: &str) -> Finding {
        let key = e.key.text().unwrap_or_default();
        let value = e.value.text().unwrap_or_default();
        let env = if key == CLIENT_ID {
            "AZURE_CLIENT_ID"
        } else {
            "AZURE_TENANT_ID"
        };
        let target = target_service_account(model, o);
        let sa = target
            .as_ref()
            .and_then(|(name, _)| model.service_account_near(o.file, &o.namespace, name));

        let consequence = match (
            sa,
            sa.and_then(|sa| sa.annotation(key)).and_then(Node::text),
        ) {
            (Some(sa), Some(v)) if v == value => {
                format!(
                    "it is ignored here (ServiceAccount `{}` already has the same value)",
                    sa_name(sa)
                )
            }
            (Some(sa), Some(v)) => {
                format!(
                    "it is ignored here; the pods get ServiceAccount `{}`'s value `{}` instead",
                    sa_name(sa),
                    v.escape_debug()
                )
            }
            (Some(_), None) if key == CLIENT_ID => {
                "it is ignored here, so AZURE_CLIENT_ID is not injected".to_string()
            }
            (Some(_), None) => {
                "it is ignored here, so AZURE_TENANT_ID stays the webhook's (cluster) tenant"
                    .to_string()
            }
            (None, _) => format!("it is ignored here and does not set {env}"),
        };
        let (reads_from, help) = match &target {
            Some((name, who)) => (
                format!("{who} (`{name}`)"),
                format!(
                    "move `{key}` to metadata.annotations of ServiceAccount {}/{name}; the webhook sets {env} from there",
                    o.namespace
                ),
            ),
            None => (
                "the annotations of a pod's ServiceAccount".to_string(),
                format!(
                    "move `{key}` to metadata.annotations of the ServiceAccount named in the pods' spec.serviceAccountName"
                ),
            ),
        };
        let mut finding = Finding::at(
            self.id(),
            o,
            e.key.span(),
            format!(
                "`{key}` is {place}, but the webhook reads it only from {reads_from}: {consequence}"
            ),
        )
        .help(help);
        if let Some(sa) = sa {
            let span = sa
                .metadata
                .and_then(|m| m.get("name"))
                .map_or_else(|| sa.node.span(), |n| n.span());
            finding = finding.related(sa.file, span, "ServiceAccount defined here");
        }
        finding
    }

    /// The keys as labels of a ServiceAccount that lacks them as annotations.
    fn service_account_labels(&self, sa: &Object<'_>, out: &mut Vec<Finding>) {
        for e in identity_entries(sa.labels) {
            let key = e.key.text().unwrap_or_default();
            if sa.annotation(key).is_some() {
                continue;
            }
            let env = if key == CLIENT_ID {
                "AZURE_CLIENT_ID is not injected"
            } else {
                "AZURE_TENANT_ID falls back to the cluster's tenant"
            };
            out.push(
                Finding::at(
                    self.id(),
                    sa,
                    e.key.span(),
                    format!(
                        "`{key}` is a label of {}, but the webhook reads only the ServiceAccount's annotations: {env}",
                        sa.display_name()
                    ),
                )
                .help(format!("move `{key}` from metadata.labels to metadata.annotations")),
            );
        }
    }
}

fn identity_entries(map: Option<&Node>) -> impl Iterator<Item = &Entry> {
    map.map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.key.text().is_some_and(|k| KEYS.contains(&k)))
}

fn sa_name<'a>(sa: &Object<'a>) -> &'a str {
    sa.name.unwrap_or("")
}

/// The ServiceAccount the key belongs on, with how it was found: the object's own pod template,
/// or for a Service the one ServiceAccount all workloads it selects run as.
fn target_service_account(model: &Model<'_>, o: &Object<'_>) -> Option<(String, &'static str)> {
    if let Some(pod) = &o.pod {
        return Some((
            pod.service_account.name.to_string(),
            if o.is("Pod") {
                "the ServiceAccount the Pod runs as"
            } else {
                "the ServiceAccount its pods run as"
            },
        ));
    }
    if !o.is("Service") {
        return None;
    }
    let selector = o
        .node
        .get_path(&["spec", "selector"])
        .filter(|s| !s.entries().is_empty())?;
    // Only workloads with the selector's first label can match all of it.
    let first = selector.entries().first()?;
    let (Some(key), Some(value)) = (first.key.text(), first.value.text()) else {
        return None;
    };
    let mut names: Vec<&str> = model
        .workloads_labelled(&o.namespace, key, value)
        .filter(|w| selector_matches(selector, w.pod.as_ref().and_then(|p| p.labels)))
        .filter_map(|w| w.pod.as_ref().map(|p| p.service_account.name))
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [one] => Some((
            one.to_string(),
            "the ServiceAccount the pods selected by this Service run as",
        )),
        _ => None,
    }
}
