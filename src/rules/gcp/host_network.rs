use crate::model::gcp::GSA_ANNOTATION;
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule, Scope};

use super::is_linked;

/// GK008: a pod with `hostNetwork: true` that runs as a KSA linked to a Google service account.
/// GKE docs: "Pods running on the host network (hostNetwork: true) don't use Workload Identity
/// Federation for GKE. GKE automatically routes requests from these Pods to the Compute Engine
/// metadata server." The pod silently gets the node's service account instead.
pub struct HostNetwork;

impl Rule for HostNetwork {
    fn id(&self) -> &'static str {
        "GK008"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(host) = pod.host_network() else {
                continue;
            };
            let Some(sa) =
                ctx.model
                    .service_account_near(o.file, &o.namespace, pod.service_account.name)
            else {
                continue;
            };
            if !is_linked(sa) {
                continue;
            }
            let mut f = Finding::at(
                self.id(),
                o,
                host.span(),
                format!(
                    "{} sets `hostNetwork: true` and runs as {}, which is linked to a Google service account: pods on the host network bypass the GKE metadata server and get the node's service account instead",
                    pod_phrase(o),
                    sa.display_name()
                ),
            )
            .help("remove `hostNetwork: true` from the pod, or give the pod its credentials another way (host-network pods never get Workload Identity)");
            if let Some(a) = sa.annotation(GSA_ANNOTATION) {
                f = f.related(sa.file, a.span(), "Google service account linked here");
            }
            out.push(f);
        }
    }
}
