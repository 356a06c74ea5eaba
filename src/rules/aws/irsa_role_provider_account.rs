use crate::model::aws::arn::{is_account_id, parse_oidc_provider_arn};
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_phrase};

/// IR012: the OIDC provider in an IRSA trust must be in the role's own account; STS looks the
/// provider up in the account of the role being assumed (`InvalidIdentityToken: No
/// OpenIDConnect provider found in your account`, aws-load-balancer-controller#2315). For
/// cross-account access, create the provider in the role's account too.
pub struct IrsaRoleProviderAccount;

impl Rule for IrsaRoleProviderAccount {
    fn id(&self) -> &'static str {
        "IR012"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            // The role's account: its own ARN, else the ARN a ServiceAccount names it by.
            let own = role.arn.as_ref().map(|a| {
                (
                    a.account.clone(),
                    role.file,
                    role.arn_span.clone().unwrap_or(role.anchor.clone()),
                    "role ARN",
                )
            });
            let named = || {
                aws.bindings_using(role).find_map(|b| {
                    let arn = b.role()?;
                    Some((
                        arn.account,
                        b.file,
                        b.role_arn.as_ref()?.span(),
                        "the ServiceAccount names the role here",
                    ))
                })
            };
            let Some((account, file, span, label)) = own.or_else(named) else {
                continue;
            };
            for s in policy.oidc_statements() {
                for node in s.oidc_providers() {
                    let Some(p) = node.text().and_then(parse_oidc_provider_arn) else {
                        continue;
                    };
                    if !is_account_id(&p.account) || p.account == account {
                        continue;
                    }
                    out.push(
                        role_finding(
                            ctx.model,
                            self.id(),
                            role,
                            node.span(),
                            format!(
                                "{} trusts an OIDC provider in account {}, but the role is in account {account}: STS looks the provider up in the role's account (`InvalidIdentityToken: No OpenIDConnect provider found in your account`)",
                                trust_phrase(role),
                                p.account
                            ),
                        )
                        .help(format!("create the cluster's OIDC provider in account {account} and use `arn:{}:iam::{account}:oidc-provider/{}`", p.partition, p.url))
                        .related(file, span.clone(), format!("{label} (account {account})")),
                    );
                }
            }
        }
    }
}
