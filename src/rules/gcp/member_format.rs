use crate::model::gcp::parse_workload_member;
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// GK003: an IAM member meant for GKE workloads that IAM does not read as one:
/// `serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` and
/// `principal://iam.googleapis.com/projects/PROJECT_NUMBER/…/workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA`
/// are parsed exactly (brackets, separators, project number vs project ID).
pub struct MemberFormat;

impl Rule for MemberFormat {
    fn id(&self) -> &'static str {
        "GK003"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for b in &ctx.model.gcp().bindings {
            let Some(member) = &b.member else { continue };
            let Err(e) = parse_workload_member(&member.text) else {
                continue;
            };
            let span = if b.member_is_template {
                member.span.clone()
            } else {
                member.sub_span(&e.range)
            };
            out.push(
                binding_finding(
                    ctx.model,
                    self.id(),
                    b,
                    span,
                    format!(
                        "member `{}` of {} {}: IAM rejects the binding (`Invalid argument` / `Identity Pool does not exist`) or grants the role to a principal no pod is, and the pods' token requests fail with PERMISSION_DENIED",
                        member.text, b.display, e.message
                    ),
                )
                .help(e.help),
            );
        }
    }
}
