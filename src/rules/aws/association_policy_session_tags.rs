use crate::rules::{Context, Finding, Rule};

use super::association_finding;

/// PI005: an association with a session `policy` must set `disableSessionTags: true`; the EKS
/// API documents "When using this policy, disableSessionTags must be set to true" (the policy
/// and the session tags share the packed size limit).
pub struct AssociationPolicySessionTags;

impl Rule for AssociationPolicySessionTags {
    fn id(&self) -> &'static str {
        "PI005"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for a in &ctx.model.aws().associations {
            let Some(policy) = &a.policy else { continue };
            if policy.value.is_null() || policy.text().is_some_and(|t| t.trim().is_empty()) {
                continue;
            }
            if a.session_tags_disabled() {
                continue;
            }
            let key = match a.form {
                crate::model::aws::Form::Terraform => "disable_session_tags = true",
                _ => "disableSessionTags: true",
            };
            let mut f = association_finding(
                ctx.model,
                self.id(),
                a,
                policy.key.clone(),
                format!(
                    "{} sets a session `policy` without `disableSessionTags: true`: EKS rejects it (\"When using this policy, disableSessionTags must be set to true\")",
                    a.label()
                ),
            )
            .help(format!("add `{key}` to the association"));
            if let Some(d) = &a.disable_session_tags {
                f = f.related(a.file, d.span(), "session tags are not disabled here");
            }
            out.push(f);
        }
    }
}
