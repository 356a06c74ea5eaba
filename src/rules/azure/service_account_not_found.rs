use crate::model::values::is_placeholder;
use crate::rules::azure::pod_opt_in;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{pod_labels_anchor, pod_phrase};

/// AZ014: a workload-identity pod names a ServiceAccount that no input defines. It may exist
/// only in the cluster (so a warning), but if it does not, the webhook denies the pod.
pub struct ServiceAccountNotFound;

impl Rule for ServiceAccountNotFound {
    fn id(&self) -> &'static str {
        "AZ014"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = &o.pod else { continue };
            let name = pod.service_account.name;
            if name == "default"
                || is_placeholder(name)
                || is_placeholder(&o.namespace)
                || ctx.model.service_account(&o.namespace, name).is_some()
                // Defined in another namespace: AZ013 reports it.
                || ctx.model.service_accounts_named(name).next().is_some()
            {
                continue;
            }
            let opts_in = pod_opt_in(pod).is_some();
            // A Terraform `kubernetes_service_account(_v1)` defines it too (indexed, with
            // literal names, by the GCP view; asked only for a name no manifest defines).
            if !opts_in || ctx.model.gcp().terraform_ksa(&o.namespace, name).is_some() {
                continue;
            }
            let suggestion = ctx
                .model
                .service_account_names_near(&o.namespace)
                .and_then(|near| near.closest(name));
            let span = pod
                .service_account
                .node
                .map_or_else(|| pod_labels_anchor(o), |n| n.span());
            let mut message = format!(
                "{} runs as ServiceAccount `{}/{name}`, which no input defines; if it does not exist in the cluster either, the webhook rejects the pod (`serviceaccounts \"{name}\" not found`)",
                pod_phrase(o),
                o.namespace
            );
            let mut finding_help = format!(
                "add a ServiceAccount `{name}` in namespace `{}` with `azure.workload.identity/client-id`, or lint together with the files that define it",
                o.namespace
            );
            let mut related = None;
            if let Some(s) = suggestion {
                message.push_str(&format!("; did you mean `{s}`?"));
                finding_help = format!("did you mean `serviceAccountName: {s}`?");
                related = ctx.model.service_account(&o.namespace, s);
            }
            let mut finding = Finding::at(self.id(), o, span, message).help(finding_help);
            if let Some(sa) = related {
                let at = sa
                    .metadata
                    .and_then(|m| m.get("name"))
                    .map_or(sa.node.span(), |n| n.span());
                finding = finding.related(sa.file, at, "similar ServiceAccount defined here");
            }
            out.push(finding);
        }
    }
}
