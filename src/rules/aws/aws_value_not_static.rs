use crate::rules::{Context, Finding, Rule};

/// AWS001: a Terraform value of an `aws_iam_role` trust policy or an
/// `aws_eks_pod_identity_association` that is decided at apply time (a variable, a module
/// output, a computed attribute, a function call), so the checks that need it were skipped
/// rather than guessed. Plain references to literals in the inputs are followed, and
/// `aws_iam_role.<name>.arn` links the association to that role.
pub struct AwsValueNotStatic;

impl Rule for AwsValueNotStatic {
    fn id(&self) -> &'static str {
        "AWS001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for n in &ctx.model.aws().not_static {
            out.push(
                Finding::new(
                    self.id(),
                    n.file,
                    n.span.clone(),
                    format!("{} was not checked: {}", n.what, n.reason),
                )
                .help("check the value by hand, or lint the applied result (`aws iam get-role`, `aws eks describe-pod-identity-association`)"),
            );
        }
    }
}
