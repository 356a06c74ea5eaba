use crate::input::Node;
use crate::rules::azure::USE_LABEL;
use crate::rules::{Context, Finding, Rule};

use super::{is_azure_webhook, webhooks};

/// LIVE005: the Azure Workload Identity webhook's `objectSelector` is not the one the project
/// ships (`matchLabels: {azure.workload.identity/use: "true"}`, `deploy/azure-wi-webhook.yaml`
/// @ v1.6.0). Pods labelled as documented are then mutated only if they also match the
/// changed selector (or unlabelled pods are mutated).
pub struct WebhookObjectSelector;

impl Rule for WebhookObjectSelector {
    fn id(&self) -> &'static str {
        "LIVE005"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for (config, hook) in webhooks(ctx.model) {
            if !is_azure_webhook(config, hook) {
                continue;
            }
            let entry = hook.entry("objectSelector");
            let selector = entry.map(|e| &e.value);
            if selector.is_some_and(is_expected) {
                continue;
            }
            let span = entry.map_or_else(
                || hook.entry("name").map_or(hook.span(), |e| e.key.span()),
                |e| e.key.span(),
            );
            let what = match selector {
                None => format!(
                    "has no objectSelector: every pod is sent to it and mutated, not only pods labelled `{USE_LABEL}: \"true\"` (with `failurePolicy: Fail`, a webhook outage blocks all pod creation)"
                ),
                Some(_) => format!(
                    "has an objectSelector other than `matchLabels: {{{USE_LABEL}: \"true\"}}`: pods labelled as documented may not be mutated"
                ),
            };
            out.push(
                Finding::at(
                    self.id(),
                    config,
                    span,
                    format!(
                        "webhook `{}` of MutatingWebhookConfiguration `{}` {what}",
                        hook.get_str("name").unwrap_or("?"),
                        config.name.unwrap_or("?")
                    ),
                )
                .help(format!("set `objectSelector: {{matchLabels: {{{USE_LABEL}: \"true\"}}}}` as the webhook's release manifest does")),
            );
        }
    }
}

/// Exactly `matchLabels: {azure.workload.identity/use: "true"}` and no `matchExpressions`.
fn is_expected(selector: &Node) -> bool {
    let labels = selector.get("matchLabels");
    let expressions = selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default();
    expressions.is_empty()
        && labels.is_some_and(|l| l.entries().len() == 1 && l.get_str(USE_LABEL) == Some("true"))
}
