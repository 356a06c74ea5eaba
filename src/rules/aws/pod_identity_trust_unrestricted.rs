use crate::model::aws::policy::PODS_EKS;
use crate::rules::{Context, Finding, Rule};

use super::{is_positive, principal_span, role_finding, trust_note, trust_phrase};

/// Condition keys that limit which associations may use a Pod Identity role: the session tags
/// EKS sets on `AssumeRole` and the confused-deputy keys.
pub const NARROWING_KEYS: &[&str] = &[
    "aws:RequestTag/kubernetes-namespace",
    "aws:RequestTag/kubernetes-service-account",
    "aws:RequestTag/eks-cluster-arn",
    "aws:RequestTag/eks-cluster-name",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgId",
    "aws:SourceOrgPaths",
];

/// PI003: a statement trusting `pods.eks.amazonaws.com` without a condition on the session tags
/// (`aws:RequestTag/kubernetes-namespace`, `…/kubernetes-service-account`, `…/eks-cluster-arn`,
/// `…/eks-cluster-name`) or on `aws:SourceAccount`/`aws:SourceArn`/`aws:SourceOrgId` lets any
/// Pod Identity association in the account, in any cluster, use the role.
pub struct PodIdentityTrustUnrestricted;

impl Rule for PodIdentityTrustUnrestricted {
    fn id(&self) -> &'static str {
        "PI003"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in policy.pod_identity_statements() {
                let narrowed = s.conditions().iter().any(|c| {
                    is_positive(c) && NARROWING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(c.key))
                });
                if narrowed {
                    continue;
                }
                let user = aws.associations_using(role).next();
                let (ns, sa) = user
                    .map(|a| {
                        (
                            a.namespace().unwrap_or("<namespace>"),
                            a.service_account().unwrap_or("<service-account>"),
                        )
                    })
                    .unwrap_or(("<namespace>", "<service-account>"));
                let help = if user.is_some_and(|a| a.session_tags_disabled()) {
                    format!(
                        "the association disables session tags, so condition on `aws:SourceAccount` (or `aws:SourceOrgId`) instead of `aws:RequestTag/…`{}",
                        trust_note(role)
                    )
                } else {
                    format!(
                        "add `\"Condition\": {{\"StringEquals\": {{\"aws:RequestTag/kubernetes-namespace\": \"{ns}\", \"aws:RequestTag/kubernetes-service-account\": \"{sa}\"}}}}` (and `aws:RequestTag/eks-cluster-arn` for one cluster){}",
                        trust_note(role)
                    )
                };
                out.push(
                    role_finding(
                        ctx.model,
                        self.id(),
                        role,
                        principal_span(&s, "Service"),
                        format!(
                            "{} trusts `{PODS_EKS}` without a condition on the session tags (`aws:RequestTag/kubernetes-namespace`, `kubernetes-service-account`, `eks-cluster-arn`, `eks-cluster-name`) or `aws:SourceAccount`: any Pod Identity association in the account, in any cluster and namespace, can use this role",
                            trust_phrase(role)
                        ),
                    )
                    .help(help),
                );
            }
        }
    }
}
