use crate::rules::{Context, Finding, Rule};

use super::{
    claim_conditions, irsa_statements, is_positive, role_finding, trust_note, trust_phrase,
};

/// IR015: an IRSA trust that admits more than one ServiceAccount or more audiences than
/// needed: a `StringLike` `:sub` with `*`/`?` in the namespace or the ServiceAccount name
/// (`system:serviceaccount:*:*`), or a `:sub` condition without an `:aud` condition
/// (Young-ook/terraform-aws-eks#248). Namespace-wide patterns are documented by AWS, hence a
/// warning, not an error.
pub struct IrsaTrustTooBroad;

impl Rule for IrsaTrustTooBroad {
    fn id(&self) -> &'static str {
        "IR015"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for s in irsa_statements(&policy) {
                let subs: Vec<_> = claim_conditions(&s, "sub")
                    .into_iter()
                    .filter(is_positive)
                    .collect();
                for c in subs.iter().filter(|c| c.base_operator() == "StringLike") {
                    for v in c.values() {
                        let Some(t) = v.text() else { continue };
                        let rest = t.strip_prefix("system:serviceaccount:").unwrap_or(t);
                        let (ns, sa) = rest.split_once(':').unwrap_or((rest, "*"));
                        let wild = |p: &str| p.contains('*') || p.contains('?');
                        let what = match (wild(ns), wild(sa)) {
                            (true, _) => "ServiceAccounts of any namespace".to_string(),
                            (false, true) if sa == "*" => {
                                format!("every ServiceAccount of namespace `{ns}`")
                            }
                            (false, true) => {
                                format!(
                                    "every ServiceAccount of namespace `{ns}` whose name matches `{sa}`"
                                )
                            }
                            _ => continue,
                        };
                        out.push(
                            role_finding(
                                ctx.model,
                                self.id(),
                                role,
                                v.span(),
                                format!("{} lets {what} assume the role (`:sub` pattern `{t}`)", trust_phrase(role)),
                            )
                            .help(format!("name each ServiceAccount exactly (`system:serviceaccount:<namespace>:<name>` under `StringEquals`){}", trust_note(role))),
                        );
                    }
                }
                if subs.is_empty() || claim_conditions(&s, "aud").iter().any(is_positive) {
                    continue;
                }
                let key = subs[0].key;
                let aud_key = key
                    .rsplit_once(':')
                    .map_or("<issuer>:aud".to_string(), |(p, _)| format!("{p}:aud"));
                out.push(
                    role_finding(
                        ctx.model,
                        self.id(),
                        role,
                        subs[0].key_node.span(),
                        format!(
                            "{} checks `:sub` but not `:aud`: tokens the ServiceAccount gets for any audience are accepted, not only those for STS",
                            trust_phrase(role)
                        ),
                    )
                    .help(format!("add `\"{aud_key}\": \"sts.amazonaws.com\"` under `StringEquals`{}", trust_note(role))),
                );
            }
        }
    }
}
