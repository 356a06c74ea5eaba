use crate::model::aws::arn::parse_oidc_provider_arn;
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// IR007: the condition keys of an IRSA statement must be the provider's issuer without
/// `https://` followed by `:sub`/`:aud`/`:amr`, with the same cluster id as the `Federated`
/// principal. Any other key is not in the request context, so the condition is false and the
/// role cannot be assumed.
pub struct IrsaConditionKeyPrefix;

impl Rule for IrsaConditionKeyPrefix {
    fn id(&self) -> &'static str {
        "IR007"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in policy.oidc_statements() {
                let urls: Vec<String> = s
                    .oidc_providers()
                    .iter()
                    .filter_map(|n| n.text())
                    .filter_map(parse_oidc_provider_arn)
                    .map(|p| p.url)
                    .collect();
                let Some(first) = urls.first() else { continue };
                if crate::model::aws::arn::is_placeholder(first) {
                    continue;
                }
                for c in s.conditions() {
                    let Some((prefix, claim)) = c.key.rsplit_once(':') else {
                        continue;
                    };
                    if prefix.contains("${")
                        || !matches!(claim.to_ascii_lowercase().as_str(), "sub" | "aud" | "amr")
                        || !(prefix.contains('.') || prefix.contains('/'))
                        || urls.iter().any(|u| u.eq_ignore_ascii_case(prefix))
                    {
                        continue;
                    }
                    let fixed = format!("{first}:{claim}");
                    let why = if prefix.starts_with("https://") {
                        "condition keys use the issuer without `https://`".to_string()
                    } else if prefix.rsplit('/').next() != first.rsplit('/').next() {
                        format!("its cluster id differs from the `Federated` provider `{first}`")
                    } else {
                        format!("it differs from the `Federated` provider `{first}`")
                    };
                    out.push(
                        role_finding(
                            ctx.model,
                            self.id(),
                            role,
                            c.key_node.span(),
                            format!(
                                "{} conditions on `{}`, a key that is never in the request ({why}), so `AssumeRoleWithWebIdentity` is denied; did you mean `{fixed}`?",
                                trust_phrase(role),
                                c.key
                            ),
                        )
                        .help(format!("rename the key to `{fixed}`{}", trust_note(role))),
                    );
                }
            }
        }
    }
}
