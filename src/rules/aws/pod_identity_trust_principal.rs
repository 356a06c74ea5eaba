use crate::model::aws::policy::PODS_EKS;
use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// PI001: the role of a Pod Identity association must trust `Service: pods.eks.amazonaws.com`.
/// EKS validates the trust policy when the association is created and rejects anything else
/// (`eks.amazonaws.com`, `ec2.amazonaws.com`, an IRSA `Federated` principal) with "Trust policy
/// of the role provided is invalid". A near-miss of the service name is reported on any trust
/// policy, used by an association in the inputs or not.
pub struct PodIdentityTrustPrincipal;

impl Rule for PodIdentityTrustPrincipal {
    fn id(&self) -> &'static str {
        "PI001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            if !policy.pod_identity_statements().is_empty() {
                continue;
            }
            let allows: Vec<_> = policy
                .statements()
                .into_iter()
                .filter(|s| s.is_allow())
                .collect();
            let principals: Vec<(&str, &crate::input::Node)> =
                allows.iter().flat_map(|s| s.all_principals()).collect();
            let near_miss = principals.iter().find_map(|(kind, n)| {
                let t = n.text()?;
                (*kind == "Service" && closest(t, [PODS_EKS]).is_some()).then_some((t, *n))
            });
            let users: Vec<_> = aws.associations_using(role).collect();
            if users.is_empty() {
                if let Some((t, node)) = near_miss {
                    out.push(
                        role_finding(
                            ctx.model,
                            self.id(),
                            role,
                            node.span(),
                            format!(
                                "{} trusts `Service: {t}`, which is not a service principal; did you mean `{PODS_EKS}`? EKS rejects a Pod Identity association with this role (`Trust policy of the role provided is invalid`)",
                                trust_phrase(role)
                            ),
                        )
                        .help(format!("write `\"Service\": \"{PODS_EKS}\"`{}", trust_note(role))),
                    );
                }
                continue;
            }
            let trusted: Vec<String> = principals
                .iter()
                .filter_map(|(k, n)| n.text().map(|t| format!("{k} `{t}`")))
                .collect();
            let span = near_miss
                .map(|(_, n)| n.span())
                .or_else(|| principals.first().map(|(_, n)| n.span()))
                .or_else(|| allows.first().map(|s| s.anchor()))
                .unwrap_or_else(|| role.anchor.clone());
            let trusts = if trusted.is_empty() {
                "it has no Allow statement with a principal".to_string()
            } else {
                format!("it trusts {}", trusted.join(", "))
            };
            let federated = principals.iter().any(|(k, _)| *k == "Federated");
            let mut message = format!(
                "{} is used by {} but does not allow `Service: {PODS_EKS}` ({trusts}): EKS rejects the association with `InvalidParameterException: Trust policy of the role provided is invalid`",
                trust_phrase(role),
                users[0].label()
            );
            if let Some((_, _)) = near_miss {
                message.push_str(&format!("; did you mean `{PODS_EKS}`?"));
            }
            let help = if federated {
                format!(
                    "an IRSA trust (`Federated` OIDC provider with `sts:AssumeRoleWithWebIdentity`) does not work for Pod Identity: add a statement with `\"Principal\": {{\"Service\": \"{PODS_EKS}\"}}` and `\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]` (keep the IRSA statement while ServiceAccounts still use it){}",
                    trust_note(role)
                )
            } else {
                format!(
                    "trust `\"Service\": \"{PODS_EKS}\"` with `\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]`{}",
                    trust_note(role)
                )
            };
            let mut f = role_finding(ctx.model, self.id(), role, span, message).help(help);
            for a in users {
                if let Some(r) = &a.role_arn {
                    f = f.related(
                        a.file,
                        r.span(),
                        format!("{} uses this role", a.form.describe()),
                    );
                }
            }
            out.push(f);
        }
    }
}
