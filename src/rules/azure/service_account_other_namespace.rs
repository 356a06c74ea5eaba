use crate::model::values::is_placeholder;
use crate::rules::azure::pod_opt_in;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{client_id_of, pod_labels_anchor, pod_phrase};

/// AZ013: the pod's ServiceAccount is defined in the inputs, but only in other namespaces.
/// A pod can only run as a ServiceAccount of its own namespace; the webhook looks it up there
/// and denies the pod (`serviceaccounts "x" not found`).
pub struct ServiceAccountOtherNamespace;

impl Rule for ServiceAccountOtherNamespace {
    fn id(&self) -> &'static str {
        "AZ013"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = &o.pod else { continue };
            let name = pod.service_account.name;
            // `default` exists in every namespace.
            if name == "default"
                || is_placeholder(name)
                || ctx.model.service_account(&o.namespace, name).is_some()
            {
                continue;
            }
            let elsewhere: Vec<_> = ctx.model.service_accounts_named(name).collect();
            if elsewhere.is_empty() {
                continue;
            }
            let pod_opts_in = pod_opt_in(pod).is_some();
            if !pod_opts_in && !elsewhere.iter().any(|sa| client_id_of(sa).is_some()) {
                continue;
            }
            let mut namespaces: Vec<&str> =
                elsewhere.iter().map(|sa| sa.namespace.as_str()).collect();
            namespaces.dedup();
            let implicit_ns = o.metadata.and_then(|m| m.get("namespace")).is_none();
            let hint = if implicit_ns {
                format!(
                    "; {} sets no metadata.namespace, so it lands in `{}` — add `namespace: {}`",
                    o.kind, o.namespace, namespaces[0]
                )
            } else {
                String::new()
            };
            let span = pod
                .service_account
                .node
                .map_or_else(|| pod_labels_anchor(o), |n| n.span());
            let mut finding = Finding::at(
                self.id(),
                o,
                span,
                format!(
                    "{} runs as ServiceAccount `{name}`, which is defined only in namespace {}, not in `{}`: the pod will be rejected (`serviceaccounts \"{name}\" not found`){hint}",
                    pod_phrase(o),
                    namespaces.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                    o.namespace,
                ),
            )
            .help(format!(
                "deploy the workload into `{}` or define ServiceAccount `{name}` in `{}` (and give its federated credential the subject `system:serviceaccount:{}:{name}`)",
                namespaces[0], o.namespace, o.namespace
            ));
            for sa in elsewhere {
                let at = sa
                    .name
                    .and_then(|_| sa.metadata.and_then(|m| m.get("name")))
                    .map_or(sa.node.span(), |n| n.span());
                finding = finding.related(
                    sa.file,
                    at,
                    format!("ServiceAccount defined in `{}` here", sa.namespace),
                );
            }
            // Exactly one namespace defines it and the workload names none: add that namespace.
            // Unsafe: `kubectl apply -n` no longer chooses where the workload goes.
            let mut unique = namespaces.clone();
            unique.sort_unstable();
            unique.dedup();
            if implicit_ns
                && let [ns] = unique.as_slice()
                && let Some(md) = o.metadata
            {
                let edit = crate::fix::yaml::insert_entry(
                    ctx.model.source(o.file).text.as_str(),
                    md,
                    "namespace",
                    &crate::fix::yaml::New::str(*ns),
                    Some("name"),
                );
                finding = finding.with_fix_opt(
                    format!("add `namespace: {ns}` to the {}'s metadata", o.kind),
                    edit.map(|e| vec![e]),
                );
            }
            out.push(finding);
        }
    }
}
