use crate::rules::{Context, Finding, Rule};

use super::{
    claim_conditions, irsa_statements, is_positive, principal_span, role_finding, trust_note,
    trust_phrase,
};

/// IR010: an IRSA trust statement without a `:sub` condition. Every ServiceAccount of the
/// cluster (every pod that can get a token for the audience) can then assume the role.
pub struct IrsaTrustWithoutSubject;

impl Rule for IrsaTrustWithoutSubject {
    fn id(&self) -> &'static str {
        "IR010"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in irsa_statements(&policy) {
                if claim_conditions(&s, "sub").iter().any(is_positive) {
                    continue;
                }
                let (span, what) = match s.condition_entry() {
                    Some(e) => (e.key.span(), "its `Condition` has no `:sub` key"),
                    None => (principal_span(&s, "Federated"), "it has no `Condition`"),
                };
                let subject = aws.bindings_using(role).next().map_or(
                    "system:serviceaccount:<namespace>:<serviceaccount>".to_string(),
                    |b| b.subject(),
                );
                out.push(
                    role_finding(
                        ctx.model,
                        self.id(),
                        role,
                        span,
                        format!(
                            "{} trusts the cluster's OIDC provider but {what}: every ServiceAccount in the cluster can assume this role",
                            trust_phrase(role)
                        ),
                    )
                    .help(format!(
                        "add `\"StringEquals\": {{\"<issuer>:sub\": \"{subject}\", \"<issuer>:aud\": \"sts.amazonaws.com\"}}` under `Condition`{}",
                        trust_note(role)
                    )),
                );
            }
        }
    }
}
