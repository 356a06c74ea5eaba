use crate::input::Node;
use crate::model::live::is_stored;
use crate::rules::azure::{USE_LABEL, key_span};
use crate::rules::{Context, Finding, Rule};

use super::{is_azure_webhook, webhooks};

/// LIVE001: a running Pod labelled `azure.workload.identity/use: "true"` that the webhook did not
/// mutate: no `AZURE_FEDERATED_TOKEN_FILE` and no token volume. The webhook acts only on CREATE
/// (AWI v0.15.0 removed UPDATE), so pods created before the webhook, before the label, or while
/// the webhook was down stay without a token until they are recreated.
pub struct PodNotMutated;

impl Rule for PodNotMutated {
    fn id(&self) -> &'static str {
        "LIVE001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let webhook_created = webhooks(ctx.model)
            .into_iter()
            .find(|(c, h)| is_azure_webhook(c, h))
            .and_then(|(c, _)| c.metadata.and_then(|m| m.get_str("creationTimestamp")));
        for o in &ctx.model.objects {
            if !(o.is("Pod") && o.group().is_empty() && is_stored(ctx.model, o)) {
                continue;
            }
            let Some(pod) = o.pod.as_ref() else { continue };
            if pod.label(USE_LABEL).and_then(Node::as_str) != Some("true")
                || super::azure_webhook_marks(pod.spec)
            {
                continue;
            }
            let Some(span) = pod.labels.and_then(|l| key_span(l, USE_LABEL)) else {
                continue;
            };
            let created = o.metadata.and_then(|m| m.get_str("creationTimestamp"));
            let mut why = "it was created before the webhook was installed, before the label was added, or while the webhook was down (the webhook acts only when a pod is created)".to_string();
            // RFC 3339 timestamps of the API server compare correctly as text.
            if let (Some(p), Some(w)) = (created, webhook_created)
                && p < w
            {
                why = format!(
                    "it was created at {p}, before the webhook configuration (created {w})"
                );
            }
            let owner = o
                .metadata
                .and_then(|m| m.get("ownerReferences"))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .find_map(|r| Some((r.get_str("kind")?, r.get_str("name")?)));
            let help = match owner {
                Some((kind, name)) => format!(
                    "recreate the pod: `kubectl -n {} rollout restart` the workload that owns {kind} {name} (or delete the pod)",
                    o.namespace
                ),
                None => format!(
                    "recreate the pod (`kubectl -n {0} delete pod {1}` and apply it again) so the webhook injects the token",
                    o.namespace,
                    o.name.unwrap_or("<name>")
                ),
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} is labelled `{USE_LABEL}: \"true\"` but was not mutated by the workload identity webhook (no AZURE_FEDERATED_TOKEN_FILE, no token volume): {why}",
                        o.display_name()
                    ),
                )
                .help(help),
            );
        }
    }
}
