use crate::rules::{Context, Finding, Rule};

use super::{cluster_phrase, is_eks_webhook, webhooks, webhooks_listed};

/// `eks.amazonaws.com/role-arn` (IRSA), read by the pod identity webhook.
const ROLE_ARN: &str = "eks.amazonaws.com/role-arn";

/// LIVE003: ServiceAccounts annotated for IRSA in a cluster without the Amazon EKS pod identity
/// webhook (`pod-identity-webhook`, webhook `iam-for-pods.amazonaws.com`). Nothing sets
/// `AWS_ROLE_ARN` / `AWS_WEB_IDENTITY_TOKEN_FILE`; the SDK falls back to the node role.
/// Fires only when the webhook configurations were listed.
pub struct EksWebhookMissing;

impl Rule for EksWebhookMissing {
    fn id(&self) -> &'static str {
        "LIVE003"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let Some(snapshot) = webhooks_listed(ctx.model) else {
            return;
        };
        if webhooks(ctx.model)
            .iter()
            .any(|(c, h)| is_eks_webhook(c, h))
        {
            return;
        }
        for sa in ctx.model.service_accounts() {
            let Some(entry) = sa.annotations.and_then(|a| a.entry(ROLE_ARN)) else {
                continue;
            };
            out.push(
                Finding::at(
                    self.id(),
                    sa,
                    entry.key.span(),
                    format!(
                        "{} is annotated `{ROLE_ARN}`, but {} has no EKS pod identity webhook (`{}`): pods running as it get no AWS_ROLE_ARN or web identity token and use the node's role",
                        sa.display_name(),
                        cluster_phrase(&snapshot),
                        super::EKS_WEBHOOK_NAME
                    ),
                )
                .help("IRSA works only on EKS (which runs the webhook) or with amazon-eks-pod-identity-webhook installed; on other clusters configure credentials another way"),
            );
        }
    }
}
