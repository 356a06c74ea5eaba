//! EKS Pod Identity (`PI…`) and IRSA (`IR…`) rules over the typed AWS model
//! ([`crate::model::Model::aws`]). Facts: seed `004_0d9a322613ab50ac.txt` and research
//! `aws-eks-pod-identity-irsa-gke.md` §1–§3, §6, §7, §9.

pub mod association_policy_session_tags;
pub mod association_role_arn;
pub mod association_service_account_not_found;
pub mod aws_value_not_static;
pub mod duplicate_association;
pub mod irsa_annotation_key;
pub mod irsa_annotation_on_wrong_object;
pub mod irsa_annotation_value;
pub mod irsa_audience_mismatch;
pub mod irsa_condition_key_prefix;
pub mod irsa_for_all_values;
pub mod irsa_role_arn_format;
pub mod irsa_role_provider_account;
pub mod irsa_subject_mismatch;
pub mod irsa_trust_principal;
pub mod irsa_trust_too_broad;
pub mod irsa_trust_without_subject;
pub mod oidc_provider_arn_format;
pub mod pod_identity_and_irsa;
pub mod pod_identity_condition_never_matches;
pub mod pod_identity_trust_actions;
pub mod pod_identity_trust_principal;
pub mod pod_identity_trust_unrestricted;
pub mod pod_identity_unsupported_pod;
pub mod target_role_trust;
pub mod trust_policy_resource;
pub mod trust_policy_syntax;

use std::ops::Range;

use crate::input::FileId;
use crate::model::aws::{Association, Condition, IrsaBinding, Role, Statement};
use crate::model::{Model, ObjectId};
use crate::rules::{Finding, ObjectRef};

/// A finding in `file`, naming the Kubernetes object it is about when there is one.
pub fn finding(
    model: &Model<'_>,
    id: &str,
    file: FileId,
    object: Option<ObjectId>,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    let mut f = Finding::new(id, file, span, message);
    f.object = object.map(|o| ObjectRef::of(model.object(o)));
    f
}

pub fn role_finding(
    model: &Model<'_>,
    id: &str,
    role: &Role,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    finding(model, id, role.file, role.object, span, message)
}

pub fn association_finding(
    model: &Model<'_>,
    id: &str,
    a: &Association,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    finding(model, id, a.file, a.object, span, message)
}

pub fn binding_finding(
    model: &Model<'_>,
    id: &str,
    b: &IrsaBinding,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    finding(model, id, b.file, b.object, span, message)
}

/// Whether inputs in `a` and `b` that both name ServiceAccount `namespace/name` mean the same
/// definition of it (`Model::service_account_near`): a `dev` and a `prod` directory each
/// defining `shop/app` are two ServiceAccounts, and one's association is not the other's.
/// When the inputs define it at most once, they do.
pub fn same_service_account(
    model: &crate::model::Model<'_>,
    a: crate::input::FileId,
    b: crate::input::FileId,
    namespace: &str,
    name: &str,
) -> bool {
    match (
        model.service_account_near(a, namespace, name),
        model.service_account_near(b, namespace, name),
    ) {
        (Some(x), Some(y)) => x.id == y.id,
        _ => true,
    }
}

/// "the trust policy of role `x` (`aws iam get-role` output)" for messages.
pub fn trust_phrase(role: &Role) -> String {
    match (&role.arn, &role.name) {
        (None, None) => "this trust policy".to_string(),
        _ => format!("the trust policy of {}", role.label()),
    }
}

/// Where a role's trust policy is written, for help text.
pub fn trust_note(role: &Role) -> &'static str {
    match role.trust.as_ref() {
        Some(t) if t.url_encoded => " (the URL-encoded `AssumeRolePolicyDocument`)",
        _ => "",
    }
}

/// Whether a condition admits requests (a positive string or ARN comparison, not `…IfExists`).
pub fn is_positive(c: &Condition<'_>) -> bool {
    let op = c.base_operator();
    !c.if_exists()
        && (op.starts_with("StringEquals")
            || op == "StringLike"
            || op == "ArnEquals"
            || op == "ArnLike")
}

/// The first span to show for a statement's principal of `kind`, else the statement.
pub fn principal_span(s: &Statement<'_>, kind: &str) -> Range<usize> {
    s.principals(kind)
        .first()
        .map_or_else(|| s.anchor(), |n| n.span())
}

/// `sts:AssumeRoleWithWebIdentity` Allow statements for any OIDC provider.
pub fn web_identity_statements<'n>(policy: &crate::model::aws::Policy<'n>) -> Vec<Statement<'n>> {
    policy
        .oidc_statements()
        .into_iter()
        .filter(|s| s.allows_action(crate::model::aws::policy::ASSUME_ROLE_WEB_IDENTITY))
        .collect()
}

/// Whether a statement trusting an OIDC provider is for Kubernetes ServiceAccounts: the
/// provider is an EKS issuer (or not known statically), or a `:sub` names a ServiceAccount.
/// Other providers (GitHub Actions: `repo:org/repo:…`) have their own subjects.
pub fn is_kubernetes_statement(s: &Statement<'_>) -> bool {
    s.oidc_providers().iter().filter_map(|n| n.text()).any(|t| {
        t.contains("${")
            || crate::model::aws::arn::parse_oidc_provider_arn(t)
                .is_some_and(|p| crate::model::aws::arn::looks_like_eks_issuer(&p.url))
    }) || claim_conditions(s, "sub").iter().any(|c| {
        c.values()
            .iter()
            .filter_map(|v| v.text())
            .any(|t| t.starts_with("system:serviceaccount"))
    })
}

/// IRSA statements: web identity statements for Kubernetes ServiceAccounts.
pub fn irsa_statements<'n>(policy: &crate::model::aws::Policy<'n>) -> Vec<Statement<'n>> {
    web_identity_statements(policy)
        .into_iter()
        .filter(is_kubernetes_statement)
        .collect()
}

/// Conditions of a statement on the OIDC claim `claim` (`sub`, `aud`), any operator.
pub fn claim_conditions<'n>(s: &Statement<'n>, claim: &str) -> Vec<Condition<'n>> {
    s.conditions()
        .into_iter()
        .filter(|c| {
            c.key.contains(':')
                && c.key_suffix().eq_ignore_ascii_case(claim)
                && !c.key.to_ascii_lowercase().starts_with("aws:")
        })
        .collect()
}
