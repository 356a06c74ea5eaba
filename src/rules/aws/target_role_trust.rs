use crate::model::aws::policy::Condition;
use crate::model::aws::policy::{ASSUME_ROLE, TAG_SESSION};
use crate::model::aws::{Association, Role, Statement};
use crate::rules::{Context, Finding, Rule};

use super::{role_finding, trust_note, trust_phrase};

/// PI008: the target role of an association (`targetRoleArn`) must trust the association's
/// role (`Principal.AWS` = that role's ARN, or its account) with `sts:AssumeRole`, and with
/// `sts:TagSession` unless the association disables session tags: EKS Pod Identity assumes the
/// target role with the first role's credentials, and its session tags are transitive
/// (`not authorized to perform: sts:TagSession`, grafana/grafana#127716).
pub struct TargetRoleTrust;

impl Rule for TargetRoleTrust {
    fn id(&self) -> &'static str {
        "PI008"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            for a in aws.associations_targeting(role) {
                let Some(source) = a.role() else { continue };
                let source_arn = source.to_arn();
                let trusting: Vec<Statement<'_>> = policy
                    .statements()
                    .into_iter()
                    .filter(|s| s.is_allow() && trusts(s, &source_arn, &source.account))
                    .collect();
                if trusting.is_empty() {
                    self.untrusted(ctx, role, a, &policy.statements(), &source_arn, out);
                    continue;
                }
                let mut missing = vec![ASSUME_ROLE];
                if !a.session_tags_disabled() {
                    missing.push(TAG_SESSION);
                }
                missing.retain(|m| !trusting.iter().any(|s| s.allows_action(m)));
                if missing.is_empty() {
                    self.external_id(ctx, role, a, &trusting, &source_arn, out);
                    continue;
                }
                let first = &trusting[0];
                let span = first
                    .action_entry()
                    .map_or_else(|| first.anchor(), |e| e.value.span());
                let list = missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let why = if missing.contains(&TAG_SESSION) {
                    "; Pod Identity session tags are transitive, so assuming the target role fails with `not authorized to perform: sts:TagSession` unless the association sets `disableSessionTags: true`"
                } else {
                    ""
                };
                let f = role_finding(
                    ctx.model,
                    self.id(),
                    role,
                    span,
                    format!(
                        "{} trusts the association role `{source_arn}` but does not allow {list}: {} cannot hand out credentials for this target role{why}",
                        trust_phrase(role),
                        a.label()
                    ),
                )
                .help(format!(
                    "allow `\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]` for `{source_arn}`{}",
                    trust_note(role)
                ));
                out.push(with_target(f, a));
            }
        }
    }
}

/// Points at the association's `targetRoleArn` too, when it names the role.
fn with_target(f: Finding, a: &Association) -> Finding {
    match &a.target_role_arn {
        Some(t) => f.related(a.file, t.span(), "target role of this association"),
        None => f,
    }
}

/// Whether `Principal.AWS` admits the role `arn` of `account` (the ARN, the account root, the
/// account id, or `*`).
fn trusts(s: &Statement<'_>, arn: &str, account: &str) -> bool {
    s.principals("AWS")
        .iter()
        .filter_map(|n| n.text())
        .any(|p| {
            p == "*"
                || p == account
                || p.eq_ignore_ascii_case(arn)
                || (p.starts_with("arn:") && p.ends_with(&format!(":iam::{account}:root")))
        })
}

/// The statement's `sts:ExternalId` condition that a caller must satisfy (not `…IfExists`, not
/// a set operator).
fn external_id_condition<'n>(s: &Statement<'n>) -> Option<Condition<'n>> {
    s.conditions().into_iter().find(|c| {
        c.key.eq_ignore_ascii_case("sts:ExternalId")
            && !c.if_exists()
            && c.set_qualifier().is_none()
    })
}

impl TargetRoleTrust {
    /// The association's `externalId` is known (it exists) and every statement trusting its
    /// role requires another `sts:ExternalId`: EKS passes the association's `externalId` when
    /// it assumes the target role, so the call is denied.
    fn external_id(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        a: &Association,
        trusting: &[Statement<'_>],
        source_arn: &str,
        out: &mut Vec<Finding>,
    ) {
        let Some(field) = &a.external_id else { return };
        let Some(expected) = field.concrete() else {
            return;
        };
        let mut refusing = Vec::new();
        for s in trusting {
            match external_id_condition(s) {
                Some(c) if c.matches(expected) == Some(false) => refusing.push(c),
                // No condition, a matching one, or an operator not evaluated: usable.
                _ => return,
            }
        }
        let Some(first) = refusing.first() else {
            return;
        };
        let wanted = first
            .values()
            .iter()
            .filter_map(|v| v.text())
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let f = role_finding(
            ctx.model,
            self.id(),
            role,
            first.value_node.span(),
            format!(
                "{} trusts the association role `{source_arn}` only with `sts:ExternalId` {wanted}, but {} has externalId `{expected}`: EKS passes the association's externalId when it assumes the target role, so the call is denied and the pods get no credentials",
                trust_phrase(role),
                a.label()
            ),
        )
        .help(format!(
            "match the association: `\"StringEquals\": {{\"sts:ExternalId\": \"{expected}\"}}`{}",
            trust_note(role)
        ))
        .related(a.file, field.span(), "externalId of this association");
        out.push(with_target(f, a));
    }

    fn untrusted(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        a: &Association,
        statements: &[Statement<'_>],
        source_arn: &str,
        out: &mut Vec<Finding>,
    ) {
        let principals: Vec<String> = statements
            .iter()
            .filter(|s| s.is_allow())
            .flat_map(|s| s.all_principals())
            .filter_map(|(k, n)| n.text().map(|t| format!("{k} `{t}`")))
            .collect();
        let span = statements
            .iter()
            .find(|s| s.is_allow())
            .and_then(|s| s.all_principals().first().map(|(_, n)| n.span()))
            .unwrap_or_else(|| role.anchor.clone());
        let f = role_finding(
            ctx.model,
            self.id(),
            role,
            span,
            format!(
                "{} is the target role of {} but its trust policy does not trust the association role `{source_arn}` ({}): EKS Pod Identity assumes the target role with that role's credentials, so the pods get no credentials",
                role.label(),
                a.label(),
                if principals.is_empty() {
                    "it trusts nothing".to_string()
                } else {
                    format!("it trusts {}", principals.join(", "))
                }
            ),
        )
        .help(format!(
            "add a statement with `\"Principal\": {{\"AWS\": \"{source_arn}\"}}`, `\"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"]` and a `sts:ExternalId` condition with the association's `externalId`{}",
            trust_note(role)
        ));
        out.push(with_target(f, a));
    }
}
