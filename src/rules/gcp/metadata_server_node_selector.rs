use crate::input::ScalarKind;
use crate::rules::azure::{pod_phrase, value_span};
use crate::rules::{Context, Finding, Rule, Scope};

use super::METADATA_SERVER_LABEL;

/// GK009: nodeSelector `iam.gke.io/gke-metadata-server-enabled` with a value other than the
/// string `"true"`. GKE labels nodes that run the GKE metadata server with exactly
/// `iam.gke.io/gke-metadata-server-enabled: "true"`; an unquoted `true` is a YAML boolean the
/// API server rejects in `nodeSelector` (`map[string]string`), any other string matches no node.
pub struct MetadataServerNodeSelector;

impl Rule for MetadataServerNodeSelector {
    fn id(&self) -> &'static str {
        "GK009"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(e) = pod
                .spec
                .get("nodeSelector")
                .and_then(|s| s.entry(METADATA_SERVER_LABEL))
            else {
                continue;
            };
            let source = ctx.model.source(o.file).text.as_str();
            let span = value_span(source, e);
            let message = match e.value.scalar() {
                Some(s) if s.kind == ScalarKind::String && s.text == "true" => continue,
                Some(s) if s.kind == ScalarKind::Null => format!(
                    "nodeSelector `{METADATA_SERVER_LABEL}` of {} has no value: an empty value matches no GKE node, so the pod stays Pending",
                    pod_phrase(o)
                ),
                Some(s) if s.kind != ScalarKind::String => format!(
                    "nodeSelector `{METADATA_SERVER_LABEL}` of {} is the YAML {} `{}`, not the string \"true\": nodeSelector values are strings, so the API server rejects the object (`cannot unmarshal {} into Go struct field … of type string`)",
                    pod_phrase(o),
                    s.kind.type_name(),
                    s.text,
                    if matches!(s.kind, ScalarKind::Bool(_)) {
                        "bool"
                    } else {
                        "number"
                    }
                ),
                Some(s) => format!(
                    "nodeSelector `{METADATA_SERVER_LABEL}` of {} is `{}`: GKE labels nodes that run the GKE metadata server with exactly \"true\" (and other nodes not at all), so no node matches and the pod stays Pending",
                    pod_phrase(o),
                    s.text
                ),
                None => format!(
                    "nodeSelector `{METADATA_SERVER_LABEL}` of {} is not a string: the API server rejects the object",
                    pod_phrase(o)
                ),
            };
            out.push(
                Finding::at(self.id(), o, span, message)
                    .help(format!("write `{METADATA_SERVER_LABEL}: \"true\"` (quoted); on Autopilot omit this nodeSelector, every node runs the metadata server")),
            );
        }
    }
}
