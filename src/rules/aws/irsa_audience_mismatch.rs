use crate::rules::{Context, Finding, Rule};

use super::{
    claim_conditions, irsa_statements, is_positive, role_finding, trust_note, trust_phrase,
};

/// IR009: the `:aud` condition of an IRSA trust must equal the audience of the tokens of the
/// ServiceAccounts that use the role (`eks.amazonaws.com/audience`, default
/// `sts.amazonaws.com`). A `system:serviceaccount:` value under `:aud` was meant for `:sub`
/// (external-secrets/kubernetes-external-secrets#287).
pub struct IrsaAudienceMismatch;

impl Rule for IrsaAudienceMismatch {
    fn id(&self) -> &'static str {
        "IR009"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            let auds: Vec<_> = irsa_statements(&policy)
                .iter()
                .flat_map(|s| claim_conditions(s, "aud"))
                .filter(is_positive)
                .collect();
            let mut intrinsic = false;
            for c in &auds {
                for v in c.values() {
                    let Some(t) = v.text() else { continue };
                    if !t.starts_with("system:serviceaccount:") {
                        continue;
                    }
                    intrinsic = true;
                    let sub_key = c
                        .key
                        .rsplit_once(':')
                        .map_or(c.key.to_string(), |(p, _)| format!("{p}:sub"));
                    out.push(
                        role_finding(
                            ctx.model,
                            self.id(),
                            role,
                            c.key_node.span(),
                            format!(
                                "{} compares the token audience `{}` with the subject `{t}`: the audience is `sts.amazonaws.com` (or the ServiceAccount's `eks.amazonaws.com/audience`), so `AssumeRoleWithWebIdentity` is denied; did you mean `{sub_key}`?",
                                trust_phrase(role),
                                c.key
                            ),
                        )
                        .help(format!("condition on `{sub_key}` for the subject and on `:aud` = `sts.amazonaws.com`{}", trust_note(role))),
                    );
                }
            }
            if intrinsic || auds.is_empty() {
                continue;
            }
            for b in aws.bindings_using(role) {
                if auds.iter().any(|c| c.matches(&b.audience) != Some(false)) {
                    continue;
                }
                let values: Vec<_> = auds.iter().flat_map(|c| c.values()).collect();
                let written: Vec<String> = values
                    .iter()
                    .filter_map(|v| v.text())
                    .map(|w| format!("`{w}`"))
                    .collect();
                let span = values.first().map_or(auds[0].key_node.span(), |v| v.span());
                let source = if b.audience_field.is_some() {
                    "its `eks.amazonaws.com/audience`"
                } else {
                    "the default audience"
                };
                let mut f = role_finding(
                    ctx.model,
                    self.id(),
                    role,
                    span,
                    format!(
                        "{} allows `:aud` {} but ServiceAccount `{}/{}` that names this role gets tokens for `{}` ({source}), so `AssumeRoleWithWebIdentity` is denied",
                        trust_phrase(role),
                        written.join(", "),
                        b.namespace,
                        b.name,
                        b.audience
                    ),
                )
                .help(format!("make the `:aud` value `{}` (and list it as a client id of the OIDC provider), or change the ServiceAccount's audience{}", b.audience, trust_note(role)));
                if let Some(r) = &b.audience_field {
                    f = f.related(
                        b.file,
                        r.span(),
                        format!("audience of ServiceAccount `{}/{}`", b.namespace, b.name),
                    );
                } else if let Some(r) = &b.role_arn {
                    f = f.related(
                        b.file,
                        r.span(),
                        format!(
                            "ServiceAccount `{}/{}` names the role here (default audience)",
                            b.namespace, b.name
                        ),
                    );
                }
                out.push(f);
            }
        }
    }
}
