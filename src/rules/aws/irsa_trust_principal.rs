use crate::model::aws::policy::ASSUME_ROLE_WEB_IDENTITY;
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase, web_identity_statements};

/// IR005: IRSA needs a trust statement with `Principal.Federated` = the cluster's OIDC provider
/// and `Action: sts:AssumeRoleWithWebIdentity`. Reported when a statement trusts an OIDC
/// provider with another action (`sts:AssumeRole`), and when the role named by a
/// ServiceAccount's `eks.amazonaws.com/role-arn` has no such statement at all (a Pod Identity
/// role used for IRSA).
pub struct IrsaTrustPrincipal;

impl Rule for IrsaTrustPrincipal {
    fn id(&self) -> &'static str {
        "IR005"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            let mut reported = false;
            for s in policy.oidc_statements() {
                if s.allows_action(ASSUME_ROLE_WEB_IDENTITY) {
                    continue;
                }
                let written: Vec<String> = s
                    .actions()
                    .iter()
                    .filter_map(|a| a.text())
                    .map(|a| format!("`{a}`"))
                    .collect();
                let span = s
                    .action_entry()
                    .map_or_else(|| s.anchor(), |e| e.value.span());
                out.push(
                    role_finding(
                        ctx.model,
                        self.id(),
                        role,
                        span,
                        format!(
                            "{} trusts an OIDC provider with {} instead of `{ASSUME_ROLE_WEB_IDENTITY}`: the SDK's web identity call is denied (`Not authorized to perform sts:AssumeRoleWithWebIdentity`)",
                            trust_phrase(role),
                            if written.is_empty() { "no action".to_string() } else { written.join(", ") }
                        ),
                    )
                    .help(format!("write `\"Action\": \"{ASSUME_ROLE_WEB_IDENTITY}\"`{}", trust_note(role))),
                );
                reported = true;
            }
            if reported || !web_identity_statements(&policy).is_empty() {
                continue;
            }
            let Some(b) = aws.bindings_using(role).next() else {
                continue;
            };
            let principals: Vec<String> = policy
                .statements()
                .iter()
                .filter(|s| s.is_allow())
                .flat_map(|s| s.all_principals())
                .filter_map(|(k, n)| n.text().map(|t| format!("{k} `{t}`")))
                .collect();
            let span = policy
                .statements()
                .iter()
                .find(|s| s.is_allow())
                .and_then(|s| s.all_principals().first().map(|(_, n)| n.span()))
                .unwrap_or_else(|| role.anchor.clone());
            let mut f = role_finding(
                ctx.model,
                self.id(),
                role,
                span,
                format!(
                    "{} is named by ServiceAccount `{}/{}` for IRSA but has no statement allowing `{ASSUME_ROLE_WEB_IDENTITY}` for the cluster's OIDC provider ({}): its pods get `Not authorized to perform sts:AssumeRoleWithWebIdentity`",
                    trust_phrase(role),
                    b.namespace,
                    b.name,
                    if principals.is_empty() { "it trusts nothing".to_string() } else { format!("it trusts {}", principals.join(", ")) }
                ),
            )
            .help(format!(
                "add a statement with `\"Principal\": {{\"Federated\": \"arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>\"}}`, `\"Action\": \"{ASSUME_ROLE_WEB_IDENTITY}\"` and `:sub`/`:aud` conditions for `{}`, or use a Pod Identity association instead of the annotation",
                b.subject()
            ));
            if let Some(r) = &b.role_arn {
                f = f.related(b.file, r.span(), "the ServiceAccount names the role here");
            }
            out.push(f);
        }
    }
}
