use crate::input::cluster::POD_IDENTITY_AGENT;
use crate::model::live::snapshots;
use crate::rules::{Context, Finding, Rule};

use super::cluster_phrase;

/// LIVE004: EKS Pod Identity associations exist (ACK `PodIdentityAssociation` resources), but
/// the cluster has no `eks-pod-identity-agent` DaemonSet in `kube-system`. Without the agent the
/// credentials endpoint `169.254.170.23` does not answer and the SDK cannot get credentials.
/// Fires only when `kube-system` DaemonSets (or that one) were looked for.
pub struct PodIdentityAgentMissing;

impl Rule for PodIdentityAgentMissing {
    fn id(&self) -> &'static str {
        "LIVE004"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let Some(snapshot) = snapshots(ctx.model)
            .into_iter()
            .find(|s| s.looked_for("DaemonSet", "kube-system", POD_IDENTITY_AGENT))
        else {
            return;
        };
        let agent = ctx.model.objects.iter().any(|o| {
            o.is("DaemonSet") && o.namespace == "kube-system" && o.name == Some(POD_IDENTITY_AGENT)
        });
        if agent {
            return;
        }
        for o in ctx
            .model
            .objects
            .iter()
            .filter(|o| o.is("PodIdentityAssociation") && o.group() == "eks.services.k8s.aws")
        {
            let span = o
                .node
                .get("kind")
                .map_or_else(|| o.node.span(), |k| k.span());
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} associates an IAM role with pods, but {} has no `{POD_IDENTITY_AGENT}` DaemonSet in kube-system: pods cannot fetch the role's credentials",
                        o.display_name(),
                        cluster_phrase(&snapshot)
                    ),
                )
                .help("install the EKS Pod Identity Agent add-on (`aws eks create-addon --addon-name eks-pod-identity-agent`); EKS Auto Mode clusters have it built in"),
            );
        }
    }
}
