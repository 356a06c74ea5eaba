use crate::input::Node;
use crate::model::aws::{AUDIENCE, ROLE_ARN, SKIP_CONTAINERS, STS_REGIONAL_ENDPOINTS};
use crate::rules::{Context, Finding, Rule, Scope};

/// IR014: an IRSA key where the webhook does not read it: `role-arn`, `audience` or
/// `sts-regional-endpoints` on a Pod, a pod template or a workload (the webhook reads them only
/// from the ServiceAccount), `skip-containers` on a ServiceAccount (read only from the pod), or
/// any of them as a label. A pod's `role-arn` equal to its ServiceAccount's is harmless and
/// not reported.
pub struct IrsaAnnotationOnWrongObject;

const SA_ONLY: &[&str] = &[ROLE_ARN, AUDIENCE, STS_REGIONAL_ENDPOINTS];

impl Rule for IrsaAnnotationOnWrongObject {
    fn id(&self) -> &'static str {
        "IR014"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let is_sa = o.is("ServiceAccount") && o.group().is_empty();
            let sa = o.pod.as_ref().and_then(|p| {
                ctx.model
                    .service_account_near(o.file, &o.namespace, p.service_account.name)
            });
            let pod = o.pod.as_ref().filter(|_| !o.is("Pod"));
            let maps = [
                (o.labels, "labels", true),
                (o.annotations, "annotations", false),
                (pod.and_then(|p| p.labels), "pod template labels", true),
                (
                    pod.and_then(|p| p.annotations),
                    "pod template annotations",
                    false,
                ),
            ];
            for (map, place, label) in maps {
                for e in map.map(Node::entries).unwrap_or_default() {
                    let Some(key) = e.key.text() else { continue };
                    let message = if label && (SA_ONLY.contains(&key) || key == SKIP_CONTAINERS) {
                        format!(
                            "`{key}` is a label in the {place} of {}; the webhook reads only annotations, so it is ignored",
                            o.display_name()
                        )
                    } else if !label && !is_sa && SA_ONLY.contains(&key) {
                        if key == ROLE_ARN
                            && sa.and_then(|s| s.annotation(ROLE_ARN)).and_then(Node::text)
                                == e.value.text()
                        {
                            continue;
                        }
                        format!(
                            "`{key}` in the {place} of {} is ignored: the webhook reads it only from the ServiceAccount{}",
                            o.display_name(),
                            if key == ROLE_ARN {
                                ", so these pods get no IRSA credentials from this role"
                            } else {
                                ""
                            }
                        )
                    } else if !label && is_sa && key == SKIP_CONTAINERS {
                        format!(
                            "`{key}` on {} is ignored: the webhook reads it only from the pod's annotations",
                            o.display_name()
                        )
                    } else {
                        continue;
                    };
                    let help = if key == SKIP_CONTAINERS {
                        format!("move `{key}` to the pod template's annotations")
                    } else {
                        let sa_name = o
                            .pod
                            .as_ref()
                            .map_or("the ServiceAccount".to_string(), |p| {
                                format!("ServiceAccount `{}`", p.service_account.name)
                            });
                        format!("move `{key}` to the annotations of {sa_name}")
                    };
                    out.push(Finding::at(self.id(), o, e.key.span(), message).help(help));
                }
            }
        }
    }
}
