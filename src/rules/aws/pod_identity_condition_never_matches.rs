use crate::model::aws::{Association, Condition, Role, Statement};
use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule};

use super::{is_positive, role_finding, trust_phrase};

/// The six session tags EKS Pod Identity sets (user guide `pod-id-abac-tags`).
pub const SESSION_TAGS: &[&str] = &[
    "eks-cluster-arn",
    "eks-cluster-name",
    "kubernetes-namespace",
    "kubernetes-service-account",
    "kubernetes-pod-name",
    "kubernetes-pod-uid",
];

/// PI004: a condition in a Pod Identity trust statement that can never be true, so
/// `AssumeRole` is denied: `aws:PrincipalTag/…` (the caller is the EKS service, it has no
/// principal tags: session tags arrive as `aws:RequestTag/…`), a request tag EKS never sets
/// (`kubernetes-serviceaccount`), any `aws:RequestTag/…` on a role whose association sets
/// `disableSessionTags: true`, or a tag value that differs from the association using the role.
pub struct PodIdentityConditionNeverMatches;

impl Rule for PodIdentityConditionNeverMatches {
    fn id(&self) -> &'static str {
        "PI004"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        for role in &aws.roles {
            let Some(policy) = role.policy() else {
                continue;
            };
            let statements = policy.pod_identity_statements();
            for s in &statements {
                for c in s.conditions().iter().filter(|c| is_positive(c)) {
                    self.intrinsic(ctx, role, c, out);
                }
            }
            for a in aws.associations_using(role) {
                if a.session_tags_disabled() {
                    self.tags_disabled(ctx, role, &statements, a, out);
                } else {
                    self.values(ctx, role, &statements, a, out);
                }
            }
        }
    }
}

fn tag_key<'c>(c: &Condition<'c>, prefix: &str) -> Option<&'c str> {
    let (p, tag) = c.key.split_once('/')?;
    p.eq_ignore_ascii_case(prefix).then_some(tag)
}

impl PodIdentityConditionNeverMatches {
    fn intrinsic(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        c: &Condition<'_>,
        out: &mut Vec<Finding>,
    ) {
        if let Some(tag) = tag_key(c, "aws:PrincipalTag")
            && SESSION_TAGS.contains(&tag)
        {
            out.push(
                role_finding(
                    ctx.model,
                    self.id(),
                    role,
                    c.key_node.span(),
                    format!(
                        "{} conditions on `{}`, which is never present when EKS Pod Identity assumes the role (the caller is the EKS service; the session tags are request tags), so `AssumeRole` is denied",
                        trust_phrase(role),
                        c.key
                    ),
                )
                .help(format!("use `aws:RequestTag/{tag}` in the trust policy (`aws:PrincipalTag/{tag}` is for policies evaluated with the pod's credentials)")),
            );
            return;
        }
        let Some(tag) = tag_key(c, "aws:RequestTag") else {
            return;
        };
        if SESSION_TAGS.contains(&tag) {
            return;
        }
        let mut message = format!(
            "{} conditions on `{}`, a tag EKS Pod Identity never sets (it sets only {}), so `AssumeRole` is denied",
            trust_phrase(role),
            c.key,
            SESSION_TAGS
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let suggestion = closest(tag, SESSION_TAGS.iter().copied());
        if let Some(s) = suggestion {
            message.push_str(&format!("; did you mean `aws:RequestTag/{s}`?"));
        }
        out.push(
            role_finding(ctx.model, self.id(), role, c.key_node.span(), message).help(
                suggestion.map_or_else(
                    || "condition only on the six Pod Identity session tags".to_string(),
                    |s| format!("rename the key to `aws:RequestTag/{s}`"),
                ),
            ),
        );
    }

    fn tags_disabled(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        statements: &[Statement<'_>],
        a: &Association,
        out: &mut Vec<Finding>,
    ) {
        // Only when no statement can admit the request without tags.
        let blocked = statements.iter().all(|s| {
            s.conditions()
                .iter()
                .any(|c| is_positive(c) && tag_key(c, "aws:RequestTag").is_some())
        });
        if !blocked {
            return;
        }
        let Some(c) = statements
            .iter()
            .flat_map(|s| s.conditions())
            .find(|c| is_positive(c) && tag_key(c, "aws:RequestTag").is_some())
        else {
            return;
        };
        let mut f = role_finding(
            ctx.model,
            self.id(),
            role,
            c.key_node.span(),
            format!(
                "{} conditions on `{}`, but {} sets `disableSessionTags: true`, so the request carries no session tags and `AssumeRole` is denied",
                trust_phrase(role),
                c.key,
                a.label()
            ),
        )
        .help("condition on `aws:SourceAccount` or `aws:SourceOrgId` instead, or do not disable session tags");
        if let Some(d) = &a.disable_session_tags {
            f = f.related(a.file, d.span(), "session tags disabled here");
        }
        out.push(f);
    }

    fn values(
        &self,
        ctx: &Context<'_, '_>,
        role: &Role,
        statements: &[Statement<'_>],
        a: &Association,
        out: &mut Vec<Finding>,
    ) {
        let actual = |tag: &str| -> Option<&str> {
            match tag {
                "kubernetes-namespace" => a.namespace(),
                "kubernetes-service-account" => a.service_account(),
                "eks-cluster-name" => a.cluster(),
                _ => None,
            }
        };
        // The first failing condition of each statement; a statement without one admits `a`.
        let mut failures = Vec::new();
        for s in statements {
            let failing = s.conditions().into_iter().find_map(|c| {
                if !is_positive(&c) {
                    return None;
                }
                let tag = tag_key(&c, "aws:RequestTag")?;
                let value = actual(tag)?;
                (c.matches(value) == Some(false)).then_some((c, tag, value))
            });
            match failing {
                Some(f) => failures.push(f),
                None => return,
            }
        }
        let Some((c, tag, value)) = failures.into_iter().next() else {
            return;
        };
        let written: Vec<&str> = c.values().iter().filter_map(|v| v.text()).collect();
        let span = c.values().first().map_or(c.key_node.span(), |v| v.span());
        let mut message = format!(
            "{} requires `{}` to be {}, but {} sets `{tag}` to `{value}`, so `AssumeRole` is denied",
            trust_phrase(role),
            c.key,
            written
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            a.label()
        );
        if let Some(s) = closest(value, written.iter().copied()) {
            message.push_str(&format!(
                "; did you mean `{s}` in the association, or `{value}` here?"
            ));
        }
        let mut f = role_finding(ctx.model, self.id(), role, span, message).help(format!(
            "make the condition value `{value}`, or fix the association"
        ));
        let source = match tag {
            "kubernetes-namespace" => a.namespace.as_ref(),
            "kubernetes-service-account" => a.service_account.as_ref(),
            _ => a.cluster.as_ref(),
        };
        if let Some(src) = source {
            f = f.related(
                a.file,
                src.span(),
                format!("{} sets `{tag}` from this", a.form.describe()),
            );
        }
        out.push(f);
    }
}
