use crate::model::gcp::{
    GSA_ANNOTATION, WorkloadMember, member::is_placeholder, parse_workload_member,
};
use crate::model::values::Near;
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// GK004: a Workload Identity member names a Kubernetes ServiceAccount (`[NAMESPACE/KSA]` or
/// `…/subject/ns/NAMESPACE/sa/KSA`) that the inputs do not define, while they define the
/// Kubernetes side (ServiceAccounts in that namespace, of that name, or linked to a GSA).
/// A typo here grants the role to nobody.
pub struct MemberServiceAccountNotFound;

impl Rule for MemberServiceAccountNotFound {
    fn id(&self) -> &'static str {
        "GK004"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let gcp = model.gcp();
        if gcp.bindings.is_empty() {
            return;
        }
        let any_linked = model
            .service_accounts()
            .any(|sa| sa.annotation(GSA_ANNOTATION).is_some())
            || gcp
                .terraform_ksas
                .iter()
                .any(|k| k.gsa_literal.is_some() || k.gsa_resource.is_some());
        // Every ServiceAccount name, for the last-resort hint; prepared on first need.
        let mut all_names = None;
        // Per namespace, its ServiceAccounts with an explicit namespace, and their names
        // prepared for the hint on first need: one scan per namespace, not per member.
        let mut in_namespaces: foldhash::HashMap<String, (Vec<_>, Option<Near<'_>>)> =
            Default::default();
        for b in &gcp.bindings {
            let Some(member) = &b.member else { continue };
            let Ok(Some(WorkloadMember::ServiceAccount { namespace, ksa, .. })) =
                parse_workload_member(&member.text)
            else {
                continue;
            };
            let (ns, name) = (namespace.text.as_str(), ksa.text.as_str());
            // `default` exists in every namespace without a manifest.
            if is_placeholder(ns) || is_placeholder(name) || name == "default" {
                continue;
            }
            if model.service_account(ns, name).is_some() || gcp.terraform_ksa(ns, name).is_some() {
                continue;
            }
            let same_name: Vec<_> = model.service_accounts_named(name).collect();
            let (in_namespace, names_in) =
                in_namespaces.entry(ns.to_string()).or_insert_with(|| {
                    let sas = model.service_accounts_in(ns);
                    (sas.filter(|sa| sa.namespace_explicit).collect(), None)
                });
            if same_name.is_empty() && in_namespace.is_empty() && !any_linked {
                continue;
            }
            let span = if b.member_is_template {
                member.span.clone()
            } else {
                member.sub_span(&(namespace.range.start..ksa.range.end))
            };
            let tf_same_name = gcp.terraform_ksa_named(name);
            let (hint, related) = if let Some(k) = tf_same_name.filter(|_| same_name.is_empty()) {
                (
                    format!(
                        " (Terraform defines `{name}` in namespace `{}`)",
                        k.namespace
                    ),
                    None,
                )
            } else if let Some(sa) = same_name.first() {
                (
                    format!(
                        " (a ServiceAccount `{name}` exists in namespace `{}`)",
                        sa.namespace
                    ),
                    Some(*sa),
                )
            } else if let Some(near) = names_in
                .get_or_insert_with(|| Near::new(in_namespace.iter().filter_map(|sa| sa.name)))
                .closest(name)
            {
                (
                    format!("; did you mean `{ns}/{near}`?"),
                    in_namespace
                        .iter()
                        .find(|sa| sa.name == Some(near))
                        .copied(),
                )
            } else {
                let all_names = all_names.get_or_insert_with(|| {
                    Near::new(model.service_accounts().filter_map(|sa| sa.name))
                });
                match all_names.closest(name) {
                    Some(near) => {
                        // The first ServiceAccount of that name, in input order.
                        let sa = model.service_accounts_named(near).next();
                        (
                            format!(
                                "; did you mean `{}/{near}`?",
                                sa.map_or(ns, |s| s.namespace.as_str())
                            ),
                            sa,
                        )
                    }
                    None => (String::new(), None),
                }
            };
            let mut f = binding_finding(
                model,
                self.id(),
                b,
                span,
                format!(
                    "member of {} grants `{}` to Kubernetes ServiceAccount `{ns}/{name}`, which the inputs do not define: no pod runs as it, so the grant reaches nobody{hint}",
                    b.display,
                    b.role.as_ref().map_or("its role", |r| r.text.as_str()),
                ),
            )
            .help("name the namespace and ServiceAccount your pods run as (`spec.serviceAccountName`), or add that ServiceAccount to the inputs");
            if let Some(sa) = related {
                let anchor = sa
                    .metadata
                    .and_then(|m| m.get("name"))
                    .map_or_else(|| sa.node.span(), |n| n.span());
                f = f.related(
                    sa.file,
                    anchor,
                    format!("{} defined here", sa.display_name()),
                );
            }
            out.push(f);
        }
    }
}
