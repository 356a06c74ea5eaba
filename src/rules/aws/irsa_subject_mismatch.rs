use crate::model::aws::{Condition, Role};
use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule};

use super::{
    claim_conditions, irsa_statements, is_positive, role_finding, trust_note, trust_phrase,
};

const SUB_PREFIX: &str = "system:serviceaccount:";

/// IR008: the `:sub` condition of an IRSA trust must name the ServiceAccount exactly:
/// `system:serviceaccount:<namespace>:<name>`. Reported when a value is malformed, when `*` or
/// `?` appears under `StringEquals` (taken literally: never matches), and when no `:sub` value
/// matches a ServiceAccount whose `eks.amazonaws.com/role-arn` names the role
/// (cert-manager/aws-privateca-issuer#277).
pub struct IrsaSubjectMismatch;

impl Rule for IrsaSubjectMismatch {
    fn id(&self) -> &'static str {
        "IR008"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            let statements = irsa_statements(&policy);
            let subs: Vec<Condition<'_>> = statements
                .iter()
                .flat_map(|s| claim_conditions(s, "sub"))
                .filter(is_positive)
                .collect();
            let mut intrinsic = false;
            for c in &subs {
                for v in c.values() {
                    if let Some(f) = self.value_problem(ctx, role, c, v) {
                        out.push(f);
                        intrinsic = true;
                    }
                }
            }
            if intrinsic || subs.is_empty() {
                continue;
            }
            let users = aws.bindings_using(role).count();
            for b in aws.bindings_using(role) {
                let subject = b.subject();
                if subs.iter().any(|c| c.matches(&subject) == Some(true)) {
                    continue;
                }
                // Only string operators can be judged.
                if subs.iter().any(|c| c.matches(&subject).is_none()) {
                    continue;
                }
                let values: Vec<&crate::input::Node> =
                    subs.iter().flat_map(|c| c.values()).collect();
                let written: Vec<&str> = values.iter().filter_map(|v| v.text()).collect();
                let span = values.first().map_or(subs[0].key_node.span(), |v| v.span());
                let mut message = format!(
                    "{} allows `:sub` {} but ServiceAccount `{}/{}` that names this role gets a token with `sub` `{subject}`, so `AssumeRoleWithWebIdentity` is denied",
                    trust_phrase(role),
                    written
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    b.namespace,
                    b.name
                );
                if closest(&subject, written.iter().copied()).is_some() {
                    message.push_str(&format!("; did you mean `{subject}`?"));
                }
                let mut f = role_finding(ctx.model, self.id(), role, span, message).help(format!(
                    "set the `:sub` value to `{subject}`{}",
                    trust_note(role)
                ));
                // One ServiceAccount names the role and one `:sub` is written: point it there
                // (unsafe: it changes who may assume the role).
                if users == 1
                    && let [v] = values.as_slice()
                    && let Some(edit) = crate::fix::yaml::replace_string(
                        ctx.model.source(role.file).text.as_str(),
                        v,
                        &subject,
                    )
                {
                    f = f.with_fix(
                        format!("set the `:sub` value to `{subject}`"),
                        vec![edit.in_file(role.file)],
                    );
                }
                if let Some(r) = &b.role_arn {
                    f = f.related(
                        b.file,
                        r.span(),
                        format!(
                            "ServiceAccount `{}/{}` names the role here",
                            b.namespace, b.name
                        ),
                    );
                }
                out.push(f);
            }
        }
    }
}

impl IrsaSubjectMismatch {
    fn value_problem(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        c: &Condition<'_>,
        v: &crate::input::Node,
    ) -> Option<Finding> {
        let t = v.text()?;
        if crate::model::aws::arn::is_placeholder(t) {
            return None;
        }
        let exact = c.base_operator().starts_with("StringEquals");
        let (message, help) = if exact && (t.contains('*') || t.contains('?')) {
            (
                format!(
                    "{} compares `:sub` with `{t}` using `{}`, which takes `*` and `?` literally, so no ServiceAccount ever matches",
                    trust_phrase(role),
                    c.operator
                ),
                format!(
                    "use `StringLike` for a pattern (keep `:aud` under `StringEquals`), or name the ServiceAccount exactly{}",
                    trust_note(role)
                ),
            )
        } else if let Some(problem) = subject_problem(t, exact) {
            (
                format!(
                    "{} expects `:sub` `{t}`, which no ServiceAccount token carries: {problem}",
                    trust_phrase(role)
                ),
                format!(
                    "write `system:serviceaccount:<namespace>:<serviceaccount>`{}",
                    trust_note(role)
                ),
            )
        } else {
            return None;
        };
        Some(role_finding(ctx.model, self.id(), role, v.span(), message).help(help))
    }
}

/// What is wrong with a `:sub` value (`None` when it is well formed).
fn subject_problem(t: &str, exact: bool) -> Option<String> {
    if t == "*" && !exact {
        return None;
    }
    let Some(rest) = t.strip_prefix(SUB_PREFIX) else {
        let head: String = t.split(':').take(2).collect::<Vec<_>>().join(":");
        return Some(match closest(&format!("{head}:"), [SUB_PREFIX]) {
            Some(_) => format!("it starts with `{head}:`; did you mean `{SUB_PREFIX}`?"),
            None => format!("it does not start with `{SUB_PREFIX}`"),
        });
    };
    let parts: Vec<&str> = rest.split(':').collect();
    match parts.as_slice() {
        [ns, sa] if !ns.is_empty() && !sa.is_empty() => None,
        // `system:serviceaccount:ns*` under StringLike can still match.
        [_] if !exact && rest.contains('*') => None,
        [_] => Some("it has no `:<serviceaccount>` after the namespace".to_string()),
        _ => Some("it must have exactly a namespace and a ServiceAccount name after `system:serviceaccount:`".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::subject_problem;

    #[test]
    fn subjects() {
        assert!(subject_problem("system:serviceaccount:default:app", true).is_none());
        assert!(subject_problem("system:serviceaccount:default:*", false).is_none());
        assert!(subject_problem("system:serviceaccounts:default:app", true).is_some());
        assert!(subject_problem("system:serviceaccount:app", true).is_some());
        assert!(subject_problem("default:app", true).is_some());
    }
}
