use crate::model::aws::Form;
use crate::model::aws::arn::{is_placeholder, parse_role_arn};
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// IR002: `eks.amazonaws.com/role-arn` (or eksctl `attachRoleARN`) that is not a role ARN. The
/// webhook only logs `arn is invalid` and injects it anyway; STS then rejects every
/// `AssumeRoleWithWebIdentity` call. An empty value turns IRSA off and is not reported.
pub struct IrsaRoleArnFormat;

impl Rule for IrsaRoleArnFormat {
    fn id(&self) -> &'static str {
        "IR002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for b in &ctx.model.aws().bindings {
            let Some(f) = &b.role_arn else { continue };
            let Some(text) = f.value.as_str() else {
                continue;
            };
            if text.is_empty() || is_placeholder(text) {
                continue;
            }
            let Err(problem) = parse_role_arn(text) else {
                continue;
            };
            let key = if b.form == Form::Eksctl && f.value.span() != f.key {
                "the IRSA role ARN"
            } else {
                "`eks.amazonaws.com/role-arn`"
            };
            let mut message = format!(
                "{key} of ServiceAccount `{}/{}` is `{text}`, which is not a role ARN: {}; the webhook injects it anyway and STS rejects `AssumeRoleWithWebIdentity`",
                b.namespace, b.name, problem.what
            );
            if let Some(s) = &problem.suggestion {
                message.push_str(&format!("; did you mean `{s}`?"));
            }
            out.push(
                binding_finding(ctx.model, self.id(), b, f.span(), message)
                    .help("write `arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>`"),
            );
        }
    }
}
