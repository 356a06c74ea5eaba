use crate::model::aws::Form;
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// PI009: a ServiceAccount with a Pod Identity association that is also set up for IRSA
/// (`eks.amazonaws.com/role-arn`, or an eksctl `iam.serviceAccounts` entry). The webhook injects
/// only the Pod Identity credentials ("Container credentials method takes precedence"), so the
/// IRSA role is silently unused; if the IRSA variables are set another way, the SDKs pick web
/// identity before the container provider.
pub struct PodIdentityAndIrsa;

impl Rule for PodIdentityAndIrsa {
    fn id(&self) -> &'static str {
        "PI009"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for b in &aws.bindings {
            // An eksctl entry is about its own cluster: compare with that ClusterConfig only.
            let Some(a) = aws.associations_for(&b.namespace, &b.name).find(|a| {
                (b.form != Form::Eksctl || a.object == b.object)
                    && super::same_service_account(ctx.model, a.file, b.file, &b.namespace, &b.name)
            }) else {
                continue;
            };
            let (span, what) = match &b.role_arn {
                Some(r) if b.form == Form::ServiceAccount => (
                    r.key.clone(),
                    format!("`eks.amazonaws.com/role-arn: {}`", r.text().unwrap_or("")),
                ),
                Some(r) => (
                    r.key.clone(),
                    format!("an IRSA role (`{}`)", r.text().unwrap_or("")),
                ),
                None => (
                    b.name_span.clone(),
                    "an IRSA role created by eksctl".to_string(),
                ),
            };
            out.push(
                binding_finding(
                    ctx.model,
                    self.id(),
                    b,
                    span,
                    format!(
                        "ServiceAccount `{}/{}` has {what} and also {}: the webhook injects only the Pod Identity credentials, so the IRSA role is not used (and if `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE` are set another way, the SDKs use web identity before Pod Identity)",
                        b.namespace,
                        b.name,
                        a.label().replacen("the Pod Identity", "a Pod Identity", 1)
                    ),
                )
                .help("use one mechanism per ServiceAccount: after migrating to Pod Identity, remove the `eks.amazonaws.com/role-arn` annotation (eksctl `utils migrate-to-pod-identity --remove-oidc-provider-trust-relationship` does both)")
                .related(a.file, a.anchor.clone(), format!("{} for this ServiceAccount", a.form.describe())),
            );
        }
    }
}
