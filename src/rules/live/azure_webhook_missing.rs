use crate::rules::azure::{USE_LABEL, key_span, pod_phrase};
use crate::rules::{Context, Finding, Rule};

use super::{cluster_phrase, is_azure_webhook, webhooks, webhooks_listed};

/// LIVE002: workloads carry the Azure Workload Identity pod label, but the cluster has no
/// MutatingWebhookConfiguration of the Azure Workload Identity webhook. Nothing injects the
/// token: the SDK falls back to IMDS and fails (`ManagedIdentityCredential authentication
/// unavailable`, AWI#751). Fires only when the webhook configurations were listed.
pub struct AzureWebhookMissing;

impl Rule for AzureWebhookMissing {
    fn id(&self) -> &'static str {
        "LIVE002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let Some(snapshot) = webhooks_listed(ctx.model) else {
            return;
        };
        if webhooks(ctx.model)
            .iter()
            .any(|(c, h)| is_azure_webhook(c, h))
        {
            return;
        }
        for o in ctx.model.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(span) = pod.labels.and_then(|l| key_span(l, USE_LABEL)) else {
                continue;
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} is labelled `{USE_LABEL}`, but {} has no Azure Workload Identity mutating webhook: no token or AZURE_* variables will be injected",
                        pod_phrase(o),
                        cluster_phrase(&snapshot)
                    ),
                )
                .help("enable workload identity on the cluster (`az aks update --enable-oidc-issuer --enable-workload-identity`) or install the azure-workload-identity webhook, then recreate the pods"),
            );
        }
    }
}
