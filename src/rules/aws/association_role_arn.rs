use crate::model::aws::Field;
use crate::model::aws::arn::parse_role_arn;
use crate::rules::{Context, Finding, Rule};

use super::association_finding;

/// PI007: an association's `roleArn`/`targetRoleArn` that is not a role ARN
/// (`arn:<partition>:iam::<12-digit account>:role/<path><name>`), or a `roleArn` in another
/// account than the cluster: the Pod Identity role must be in the cluster's account (IAM
/// `PassRole`); a role in another account belongs in `targetRoleArn`.
pub struct AssociationRoleArn;

impl Rule for AssociationRoleArn {
    fn id(&self) -> &'static str {
        "PI007"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for a in &aws.associations {
            for (field, what) in [
                (&a.role_arn, "roleArn"),
                (&a.target_role_arn, "targetRoleArn"),
            ] {
                let Some(f) = field else { continue };
                self.format(ctx, a, f, what, out);
            }
            let Some(role) = a.role() else { continue };
            let cluster_account = a
                .cluster_account()
                .map(|(acct, span)| (acct.to_string(), a.file, span))
                .or_else(|| {
                    let c = aws.cluster(a.cluster()?)?;
                    Some((c.account.clone()?, c.file, c.arn_span.clone()))
                });
            let Some((account, file, span)) = cluster_account else {
                continue;
            };
            if account == role.account {
                continue;
            }
            let Some(f) = &a.role_arn else { continue };
            out.push(
                association_finding(
                    ctx.model,
                    self.id(),
                    a,
                    f.span(),
                    format!(
                        "{} uses role `{}` from account {}, but the cluster is in account {account}: the Pod Identity role must be in the cluster's account (EKS passes it with `iam:PassRole`)",
                        a.label(),
                        role.name,
                        role.account
                    ),
                )
                .help(format!(
                    "use a role in account {account} as `roleArn` and put the role of account {} in `targetRoleArn` (it must trust the first role)",
                    role.account
                ))
                .related(file, span, format!("cluster account {account}")),
            );
        }
    }
}

impl AssociationRoleArn {
    fn format(
        &self,
        ctx: &Context<'_, '_>,
        a: &crate::model::aws::Association,
        f: &Field,
        what: &str,
        out: &mut Vec<Finding>,
    ) {
        let Some(text) = f.value.as_str() else { return };
        if crate::model::aws::arn::is_placeholder(text)
            || (text.is_empty() && what == "targetRoleArn")
        {
            return;
        }
        let Err(problem) = parse_role_arn(text) else {
            return;
        };
        // The key as the input form spells it.
        let what = match (a.form, what) {
            (crate::model::aws::Form::Terraform, "roleArn") => "role_arn",
            (crate::model::aws::Form::Terraform, _) => "target_role_arn",
            (
                crate::model::aws::Form::Eksctl | crate::model::aws::Form::AckAssociation,
                "roleArn",
            ) => "roleARN",
            (crate::model::aws::Form::Eksctl | crate::model::aws::Form::AckAssociation, _) => {
                "targetRoleARN"
            }
            _ => what,
        };
        let mut message = format!(
            "{} has `{what}: {text}`, which is not a role ARN: {}",
            a.label(),
            problem.what
        );
        if let Some(s) = &problem.suggestion {
            message.push_str(&format!("; did you mean `{s}`?"));
        }
        out.push(
            association_finding(ctx.model, self.id(), a, f.span(), message)
                .help("write `arn:<partition>:iam::<12-digit account id>:role/<optional path/><role name>`"),
        );
    }
}
