use crate::model::gcp::{Target, WORKLOAD_IDENTITY_USER};
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// GK010: `roles/iam.workloadIdentityUser` granted on a project (`IAMPolicyMember` with a
/// `Project` resourceRef, `google_project_iam_member`/`_binding`). The grant is inherited by
/// every service account of the project, so the Kubernetes ServiceAccount can impersonate all
/// of them (hashicorp/terraform-provider-google#18522); grant it on the one GSA instead.
pub struct ProjectLevelWorkloadIdentityUser;

impl Rule for ProjectLevelWorkloadIdentityUser {
    fn id(&self) -> &'static str {
        "GK010"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for b in &ctx.model.gcp().bindings {
            if b.target != Target::Project || !b.role_is(WORKLOAD_IDENTITY_USER) {
                continue;
            }
            let Some(role) = &b.role else { continue };
            let who = b
                .member
                .as_ref()
                .map_or_else(|| "its members".to_string(), |m| format!("`{}`", m.text));
            out.push(
                binding_finding(
                    ctx.model,
                    self.id(),
                    b,
                    role.span.clone(),
                    format!(
                        "{} grants `{WORKLOAD_IDENTITY_USER}` on the whole project: {who} can impersonate every Google service account in it, not just the one the Kubernetes ServiceAccount is linked to",
                        b.display
                    ),
                )
                .help("grant the role on the Google service account itself (IAMPolicyMember with `resourceRef: {kind: IAMServiceAccount, …}`, google_service_account_iam_member)"),
            );
        }
    }
}
