use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// IR013: `Resource`/`NotResource` in a trust policy. A role's trust policy is a resource policy
/// on the role itself; IAM rejects it (`MalformedPolicyDocument: Has prohibited field
/// Resource`), so `create-role`/`update-assume-role-policy` fails.
pub struct TrustPolicyResource;

impl Rule for TrustPolicyResource {
    fn id(&self) -> &'static str {
        "IR013"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in policy.statements() {
                let Some(e) = s.resource_entry() else {
                    continue;
                };
                let key = e.key.text().unwrap_or("Resource");
                out.push(
                    role_finding(
                        ctx.model,
                        self.id(),
                        role,
                        e.key.span(),
                        format!(
                            "{} has `{key}` in a statement: a trust policy applies to the role itself and IAM rejects it (`MalformedPolicyDocument: Has prohibited field {key}`)",
                            trust_phrase(role)
                        ),
                    )
                    .help(format!("remove `{key}` from the trust policy{}; resources belong in the role's permission policies", trust_note(role))),
                );
            }
        }
    }
}
