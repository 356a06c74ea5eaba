use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule};

use super::association_finding;

/// PI011: an association names a ServiceAccount that the inputs do not define although they
/// define ServiceAccounts in that namespace (or one of that name in another namespace). EKS
/// accepts associations for ServiceAccounts that do not exist; pods running as the real
/// ServiceAccount then get no credentials. When the namespace is not in the inputs at all, the
/// ServiceAccount is assumed to be defined elsewhere and nothing is reported.
pub struct AssociationServiceAccountNotFound;

impl Rule for AssociationServiceAccountNotFound {
    fn id(&self) -> &'static str {
        "PI011"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        for a in &model.aws().associations {
            let (Some(ns), Some(sa)) = (a.namespace(), a.service_account()) else {
                continue;
            };
            if a.creates_service_account
                || model.service_account(ns, sa).is_some()
                || model.workloads_running_as(ns, sa).next().is_some()
            {
                continue;
            }
            let in_namespace: Vec<&str> = model
                .service_accounts_in(ns)
                .filter_map(|o| o.name)
                .collect();
            let elsewhere: Vec<_> = model.service_accounts_named(sa).collect();
            if in_namespace.is_empty() && elsewhere.is_empty() {
                continue;
            }
            let mut message = format!(
                "{} names ServiceAccount `{ns}/{sa}`, which no input defines: pods that run as another ServiceAccount get no Pod Identity credentials",
                a.label()
            );
            let (help, related) = if let Some(other) = elsewhere.first() {
                message.push_str(&format!("; did you mean namespace `{}`?", other.namespace));
                (
                    format!(
                        "set the association's namespace to `{}`, or define the ServiceAccount in `{ns}`",
                        other.namespace
                    ),
                    Some(*other),
                )
            } else if let Some(s) = closest(sa, in_namespace.iter().copied()) {
                message.push_str(&format!("; did you mean `{s}`?"));
                (
                    format!("set the association's ServiceAccount to `{s}`"),
                    model.service_account(ns, s),
                )
            } else {
                (
                    format!(
                        "define ServiceAccount `{sa}` in namespace `{ns}` or fix the association (namespace `{ns}` defines {})",
                        in_namespace
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None,
                )
            };
            // A namespace mismatch is fixed in the namespace, a name mismatch in the name.
            let span = match (&a.namespace, elsewhere.is_empty()) {
                (Some(n), false) => n.span(),
                _ => a.anchor.clone(),
            };
            let mut f = association_finding(model, self.id(), a, span, message).help(help);
            if let Some(o) = related {
                let span = o
                    .metadata
                    .and_then(|m| m.get("name"))
                    .map_or(o.node.span.clone(), |n| n.span.clone());
                f = f.related(o.file, span, "similar ServiceAccount defined here");
            }
            out.push(f);
        }
    }
}
