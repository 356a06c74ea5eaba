use crate::rules::azure::pod_opt_in;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{CLIENT_ID, key_span, pod_phrase, pod_spec_anchor};

/// AZ015: workload identity on the `default` ServiceAccount. Every pod of the namespace that
/// names no ServiceAccount runs as `default`, so they all get (or could get) this identity.
pub struct DefaultServiceAccount;

impl Rule for DefaultServiceAccount {
    fn id(&self) -> &'static str {
        "AZ015"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for sa in ctx.service_accounts() {
            if sa.name != Some("default") {
                continue;
            }
            if let Some(span) = sa.annotations.and_then(|a| key_span(a, CLIENT_ID)) {
                out.push(
                    Finding::at(
                        self.id(),
                        sa,
                        span,
                        format!(
                            "ServiceAccount `{}/default` carries `{CLIENT_ID}`: every pod in `{}` that sets no serviceAccountName can obtain this identity",
                            sa.namespace, sa.namespace
                        ),
                    )
                    .help("create a dedicated ServiceAccount for the workload and move the annotation there"),
                );
            }
        }
        for o in ctx.workloads() {
            let Some(pod) = &o.pod else { continue };
            if pod.service_account.name != "default" {
                continue;
            }
            let opts_in = pod_opt_in(pod);
            let Some(opt_in) = opts_in else { continue };
            let (span, how) = match pod.service_account.node {
                Some(n) => (n.span(), "explicitly"),
                None => (pod_spec_anchor(o), "because it sets no serviceAccountName"),
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} uses workload identity with the `default` ServiceAccount ({how}): the identity is shared with every pod of `{}` that names no ServiceAccount",
                        pod_phrase(o),
                        o.namespace
                    ),
                )
                .help("create a ServiceAccount for this workload, annotate it with `azure.workload.identity/client-id`, and set `serviceAccountName`")
                .related(o.file, opt_in.span(), "workload identity requested here"),
            );
        }
    }
}
