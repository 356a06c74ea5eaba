use crate::input::Node;
use crate::model::Object;
use crate::model::gcp::GSA_ANNOTATION;
use crate::model::values::{closest, edit_distance};
use crate::rules::{Context, Finding, Rule, Scope};

use super::METADATA_SERVER_LABEL;

const PREFIX: &str = "iam.gke.io";
/// Keys GKE reads under `iam.gke.io/` (KSA annotations and the node label).
const KNOWN: &[&str] = &[
    "gcp-service-account",
    "return-principal-id-as-email",
    "credential-quota-project",
    "gke-metadata-server-enabled",
];

/// GK002: GKE Workload Identity keys that GKE never reads: near-misses of the `iam.gke.io/`
/// keys (`iam.gke.io/gcp-serviceaccount`, `iam.gke.com/gcp-service-account`), and the GSA
/// annotation on a workload or pod template instead of the Kubernetes ServiceAccount.
pub struct GkeAnnotationKey;

impl Rule for GkeAnnotationKey {
    fn id(&self) -> &'static str {
        "GK002"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let mut maps: Vec<(&Node, &str)> = Vec::new();
            maps.extend(o.annotations.map(|m| (m, "annotation")));
            maps.extend(o.labels.map(|m| (m, "label")));
            if let Some(pod) = &o.pod {
                maps.extend(pod.annotations.map(|m| (m, "pod annotation")));
                maps.extend(pod.labels.map(|m| (m, "pod label")));
                maps.extend(
                    pod.spec
                        .get("nodeSelector")
                        .filter(|n| n.is_map())
                        .map(|m| (m, "nodeSelector key")),
                );
            }
            for (map, what) in maps {
                for e in map.entries() {
                    let Some(key) = e.key.text() else { continue };
                    if let Some(f) = self.misspelled(o, key, what, e.key.span()) {
                        out.push(f);
                    } else if key == GSA_ANNOTATION
                        && !(o.is("ServiceAccount") && what == "annotation")
                    {
                        out.push(self.wrong_object(o, what, e.key.span()));
                    }
                }
            }
        }
    }
}

impl GkeAnnotationKey {
    fn misspelled(
        &self,
        o: &Object<'_>,
        key: &str,
        what: &str,
        span: std::ops::Range<usize>,
    ) -> Option<Finding> {
        let (prefix, suffix) = key.split_once('/')?;
        let suggestion = if prefix == PREFIX {
            if KNOWN.contains(&suffix) {
                return None;
            }
            closest(suffix, KNOWN.iter().copied())?
        } else {
            // A near-miss prefix with a known (or nearly known) name.
            // Cheap tests first: this runs for every key with a `/` of every object, and the
            // edit distance is at least the difference in length.
            let near_prefix = prefix.eq_ignore_ascii_case(PREFIX)
                || [
                    "gke.io",
                    "iam.gke.googleapis.com",
                    "iam.gcp.io",
                    "iam.gke.com",
                ]
                .iter()
                .any(|p| prefix.eq_ignore_ascii_case(p))
                || (prefix.chars().count().abs_diff(PREFIX.len()) <= 2
                    && edit_distance(&prefix.to_ascii_lowercase(), PREFIX) <= 2);
            if !near_prefix {
                return None;
            }
            closest(suffix, KNOWN.iter().copied())?
        };
        let expected = format!("{PREFIX}/{suggestion}");
        if expected == key {
            return None;
        }
        let hint = if suggestion == "gke-metadata-server-enabled" {
            format!("write `{METADATA_SERVER_LABEL}`")
        } else {
            format!("rename the key to `{expected}`")
        };
        Some(
            Finding::at(
                self.id(),
                o,
                span,
                format!(
                    "{what} `{key}` of {} is not a key GKE reads; did you mean `{expected}`? GKE ignores unknown keys, so the setting silently has no effect",
                    o.display_name()
                ),
            )
            .help(hint),
        )
    }

    fn wrong_object(&self, o: &Object<'_>, what: &str, span: std::ops::Range<usize>) -> Finding {
        let place = if o.is("ServiceAccount") {
            "a label".to_string()
        } else {
            format!("a {what} of {}", o.kind)
        };
        Finding::at(
            self.id(),
            o,
            span,
            format!(
                "`{GSA_ANNOTATION}` is {place} ({}): GKE reads it only as an annotation of the Kubernetes ServiceAccount the pod runs as, so the pod keeps the node's identity",
                o.display_name()
            ),
        )
        .help(format!(
            "move `{GSA_ANNOTATION}` to metadata.annotations of the ServiceAccount named in serviceAccountName"
        ))
    }
}
