use foldhash::HashMap;

use crate::model::values::Near;
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
        // Per namespace, its ServiceAccounts' names and (on first need) their hint index:
        // one scan per namespace, not per association.
        let mut namespaces: HashMap<&str, (Vec<&str>, Option<Near<'_>>)> = HashMap::default();
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
            let (in_namespace, near) = namespaces.entry(ns).or_insert_with(|| {
                let names = model.service_accounts_in(ns).filter_map(|o| o.name);
                (names.collect(), None)
            });
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
            } else if let Some(s) = near
                .get_or_insert_with(|| Near::new(in_namespace.iter().copied()))
                .closest(sa)
            {
                message.push_str(&format!("; did you mean `{s}`?"));
                (
                    format!("set the association's ServiceAccount to `{s}`"),
                    model.service_account(ns, s),
                )
            } else {
                (
                    format!(
                        "define ServiceAccount `{sa}` in namespace `{ns}` or fix the association (namespace `{ns}` defines {})",
                        some_names(in_namespace)
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
                    .map_or(o.node.span(), |n| n.span());
                f = f.related(o.file, span, "similar ServiceAccount defined here");
            }
            out.push(f);
        }
    }
}

/// The first few names, quoted, and how many more: a namespace may hold hundreds.
fn some_names(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}
