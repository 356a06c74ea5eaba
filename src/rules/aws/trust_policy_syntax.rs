use crate::rules::{Context, Finding, Rule};

use super::role_finding;

/// AWS002: a trust policy written inside a string (`get-role`'s JSON string or URL-encoded
/// `AssumeRolePolicyDocument`, an ACK `assumeRolePolicyDocument`, a Terraform JSON string or
/// heredoc) that does not parse. IAM rejects it (`MalformedPolicyDocument`), and no trust-policy
/// rule could check it.
pub struct TrustPolicySyntax;

impl Rule for TrustPolicySyntax {
    fn id(&self) -> &'static str {
        "AWS002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(e) = &role.trust_error else { continue };
            let owner = match (&role.arn, &role.name) {
                (None, None) => "a role".to_string(),
                _ => role.label(),
            };
            out.push(
                role_finding(
                    ctx.model,
                    self.id(),
                    role,
                    e.span.clone(),
                    format!(
                        "the trust policy of {owner} ({}) is not valid JSON: {}; IAM rejects it (`MalformedPolicyDocument: This policy contains invalid Json`)",
                        role.form.describe(),
                        e.message
                    ),
                )
                .help("fix the JSON of the trust policy (a missing bracket, quote or comma)"),
            );
        }
    }
}
