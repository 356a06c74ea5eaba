use crate::model::aws::policy::{ASSUME_ROLE, ASSUME_ROLE_WEB_IDENTITY, PODS_EKS, TAG_SESSION};
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// PI002: a statement trusting `pods.eks.amazonaws.com` must allow both `sts:AssumeRole` and
/// `sts:TagSession` (wildcards such as `sts:*` count). EKS Pod Identity assumes the role with
/// session tags; the user guide, the console's role filter and eksctl all require both.
pub struct PodIdentityTrustActions;

impl Rule for PodIdentityTrustActions {
    fn id(&self) -> &'static str {
        "PI002"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for role in &ctx.model.aws().roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            let statements = policy.pod_identity_statements();
            let Some(first) = statements.first() else {
                continue;
            };
            let missing: Vec<&str> = [ASSUME_ROLE, TAG_SESSION]
                .into_iter()
                .filter(|a| !statements.iter().any(|s| s.allows_action(a)))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let written: Vec<&str> = first.actions().iter().filter_map(|a| a.text()).collect();
            let span = first.action_entry().map_or_else(
                || first.anchor(),
                |e| {
                    if e.value.span().is_empty() {
                        e.key.span()
                    } else {
                        e.value.span()
                    }
                },
            );
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            let mut message = if written.is_empty() {
                format!(
                    "{} trusts `{PODS_EKS}` without an `Action`; it must allow `{ASSUME_ROLE}` and `{TAG_SESSION}`",
                    trust_phrase(role)
                )
            } else {
                format!(
                    "{} trusts `{PODS_EKS}` with {} but not {list}: EKS Pod Identity calls `AssumeRole` with session tags, so it needs both `{ASSUME_ROLE}` and `{TAG_SESSION}`",
                    trust_phrase(role),
                    written
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            if written
                .iter()
                .any(|w| w.eq_ignore_ascii_case(ASSUME_ROLE_WEB_IDENTITY))
            {
                message.push_str(&format!(
                    "; `{ASSUME_ROLE_WEB_IDENTITY}` is the IRSA action and is not used by Pod Identity"
                ));
            }
            // One of the two is missing: add it to the written `Action` (crate::fix).
            let add = match missing.as_slice() {
                [one] => Some(*one),
                _ => None,
            };
            let fix = add
                .and(first.action_entry())
                .filter(|e| !e.value.span().is_empty())
                .and_then(|e| {
                    let text = ctx.model.source(role.file).text.as_str();
                    crate::fix::yaml::add_to_list(text, &e.value, add?)
                })
                .map(|e| vec![e.in_file(role.file)]);
            out.push(
                role_finding(ctx.model, self.id(), role, span, message)
                    .help(format!(
                        "write `\"Action\": [\"{ASSUME_ROLE}\", \"{TAG_SESSION}\"]`{}",
                        trust_note(role)
                    ))
                    .with_fix_opt(
                        format!("add `{}` to the `Action`", add.unwrap_or(TAG_SESSION)),
                        fix,
                    ),
            );
        }
    }
}
