use crate::rules::{Context, Finding, Rule};

use super::{claim_conditions, role_finding, trust_note, trust_phrase};

/// IR011: `ForAllValues:` on the single-valued `:sub` or `:aud` claim. `ForAllValues` is true
/// when the key is missing, and it is meant for multi-valued keys; on `:sub` it does not limit
/// the role to the ServiceAccount the value names.
pub struct IrsaForAllValues;

impl Rule for IrsaForAllValues {
    fn id(&self) -> &'static str {
        "IR011"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in policy
                .oidc_statements()
                .into_iter()
                .filter(super::is_kubernetes_statement)
            {
                // One finding per operator, naming the claims it covers.
                let mut by_operator: Vec<(&crate::input::Node, &str, Vec<&str>)> = Vec::new();
                for claim in ["sub", "aud"] {
                    for c in claim_conditions(&s, claim) {
                        if !c
                            .set_qualifier()
                            .is_some_and(|q| q.eq_ignore_ascii_case("ForAllValues"))
                        {
                            continue;
                        }
                        match by_operator
                            .iter_mut()
                            .find(|(n, _, _)| n.span() == c.operator_node.span())
                        {
                            Some((_, _, claims)) => claims.push(claim),
                            None => by_operator.push((c.operator_node, c.operator, vec![claim])),
                        }
                    }
                }
                for (node, operator, claims) in by_operator {
                    let plain = operator.split_once(':').map_or(operator, |(_, o)| o);
                    let claims = claims
                        .iter()
                        .map(|c| format!("`:{c}`"))
                        .collect::<Vec<_>>()
                        .join(" and ");
                    out.push(
                        role_finding(
                            ctx.model,
                            self.id(),
                            role,
                            node.span(),
                            format!(
                                "{} uses `{operator}` on {claims}: `ForAllValues` is for multi-valued keys and is true when the key is absent, so it does not restrict the single-valued claim",
                                trust_phrase(role)
                            ),
                        )
                        .help(format!("use `{plain}` without the `ForAllValues:` qualifier{}", trust_note(role))),
                    );
                }
            }
        }
    }
}
