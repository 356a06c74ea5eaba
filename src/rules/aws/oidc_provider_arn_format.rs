use crate::model::aws::arn::{
    eks_issuer_problem, is_account_id, is_partition, is_placeholder, looks_like_eks_issuer,
    parse_oidc_provider_arn,
};
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// IR006: a `Federated` principal meant to be an EKS cluster's OIDC provider whose ARN is not
/// `arn:<partition>:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`:
/// the README's historical `oidc.<region>.eks.amazonaws.com` (webhook#30), a leftover
/// `https://`, a missing `/id/`. STS finds no such provider and denies the call. Other OIDC
/// providers (GitHub Actions, self-managed issuers) are not judged.
pub struct OidcProviderArnFormat;

impl Rule for OidcProviderArnFormat {
    fn id(&self) -> &'static str {
        "IR006"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in policy.statements() {
                for node in s.oidc_providers() {
                    let Some(text) = node.text() else { continue };
                    if is_placeholder(text) && !text.starts_with("{arn-aws}") {
                        continue;
                    }
                    let Some(p) = parse_oidc_provider_arn(text) else {
                        continue;
                    };
                    if !looks_like_eks_issuer(&p.url) {
                        continue;
                    }
                    let (what, fixed) = if !is_partition(&p.partition) {
                        (format!("`{}` is not an AWS partition", p.partition), None)
                    } else if !is_account_id(&p.account) {
                        (
                            format!("the account id `{}` is not 12 digits", p.account),
                            None,
                        )
                    } else if let Some(problem) = eks_issuer_problem(&p.url) {
                        let fixed = problem.suggestion.map(|u| {
                            format!("arn:{}:iam::{}:oidc-provider/{u}", p.partition, p.account)
                        });
                        (problem.what, fixed)
                    } else {
                        continue;
                    };
                    let mut message = format!(
                        "{} trusts `Federated: {text}`, which is not an EKS OIDC provider ARN: {what}; STS finds no such provider (`InvalidIdentityToken: No OpenIDConnect provider found`)",
                        trust_phrase(role)
                    );
                    if let Some(f) = &fixed {
                        message.push_str(&format!("; did you mean `{f}`?"));
                    }
                    out.push(
                        role_finding(ctx.model, self.id(), role, node.span(), message).help(format!(
                            "use `arn:aws:iam::<account>:oidc-provider/` followed by the cluster's issuer without `https://` (`aws eks describe-cluster --query cluster.identity.oidc.issuer`){}",
                            trust_note(role)
                        )),
                    );
                }
            }
        }
    }
}
