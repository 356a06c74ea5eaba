use crate::input::{Node, ScalarKind, Style};
use crate::rules::azure::{CLIENT_ID, TENANT_ID, USE_LABEL};
use crate::rules::gcp::METADATA_SERVER_LABEL;
use crate::rules::{Context, Finding, Rule, Scope};

/// K8S005: a label or annotation value that YAML 1.1 reads as a boolean or number.
/// `metadata.labels`/`annotations` are `map[string]string`: the API server rejects the object
/// (`json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string`).
/// So are a controller's `selector.matchLabels` (`LabelSelector`), the plain selector of a
/// Service or ReplicationController, and a pod's `nodeSelector`.
pub struct NonStringMetadataValue;

impl Rule for NonStringMetadataValue {
    fn id(&self) -> &'static str {
        "K8S005"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let text = ctx.model.source(o.file).text.as_str();
            let pod = o.pod.as_ref();
            let maps = [
                ("label", o.labels),
                ("annotation", o.annotations),
                ("pod template label", pod.and_then(|p| p.labels)),
                ("pod template annotation", pod.and_then(|p| p.annotations)),
                ("selector label", selector_labels(o)),
                (
                    "node selector label",
                    pod.and_then(|p| p.spec.get("nodeSelector")),
                ),
            ];
            for (what, map) in maps {
                // A Pod's own metadata is also its "pod template": report it once.
                if what.starts_with("pod template") && o.is("Pod") {
                    continue;
                }
                for entry in map.map(Node::entries).unwrap_or_default() {
                    let Some(s) = entry.value.scalar() else {
                        continue;
                    };
                    let key = entry.key.text().unwrap_or("");
                    // AZ002 reports the workload identity label with a more specific message.
                    if key == USE_LABEL && (what == "label" || what == "pod template label") {
                        continue;
                    }
                    // GK009 reports the GKE metadata server's nodeSelector, whatever its value.
                    if what == "node selector label" && key == METADATA_SERVER_LABEL {
                        continue;
                    }
                    // AZ003/AZ004 report non-string client and tenant ids of ServiceAccounts.
                    if o.is("ServiceAccount")
                        && what == "annotation"
                        && (key == CLIENT_ID || key == TENANT_ID)
                    {
                        continue;
                    }
                    if matches!(
                        s.kind,
                        ScalarKind::Bool(_) | ScalarKind::Int | ScalarKind::Float
                    ) && s.style == Style::Plain
                    {
                        out.push(
                            Finding::at(
                                self.id(),
                                o,
                                entry.value.span(),
                                format!(
                                    "{what} `{key}` has the {} value {}, but Kubernetes requires a string",
                                    s.kind.type_name(),
                                    s.text
                                ),
                            )
                            .help(format!("quote the value: `{key}: \"{}\"`", s.text))
                            .with_fix_opt(
                                "quote the value",
                                crate::fix::yaml::replace_scalar(text, &entry.value, &s.text)
                                    .map(|e| vec![e]),
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// The label map of an object's selector: `matchLabels` of a `LabelSelector` (Deployments,
/// Jobs, …), or the selector itself where it is a plain map (Service, ReplicationController).
fn selector_labels<'a>(o: &crate::model::Object<'a>) -> Option<&'a Node> {
    let selector = match &o.pod {
        Some(pod) => pod.selector?,
        None if o.is("Service") && o.group().is_empty() => {
            o.node.get_path(&["spec", "selector"])?
        }
        None => return None,
    };
    if selector.get("matchLabels").is_some() || selector.get("matchExpressions").is_some() {
        selector.get("matchLabels")
    } else {
        Some(selector)
    }
}
