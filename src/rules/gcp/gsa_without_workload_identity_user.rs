use std::borrow::Cow;
use std::ops::Range;

use crate::input::FileId;
use crate::model::Object;
use crate::model::gcp::{
    Binding, GcpModel, GoogleServiceAccount, GsaEmail, WORKLOAD_IDENTITY_USER, WorkloadMember,
    member::is_placeholder, parse_workload_member,
};
use crate::rules::{Context, Finding, ObjectRef, Rule};

use super::gsa_of;

/// GK005: a KSA linked to a Google service account (`iam.gke.io/gcp-service-account`) while the
/// inputs manage that GSA (define it, or bind roles on it) but grant
/// `roles/iam.workloadIdentityUser` on it to no member naming exactly this KSA. Both halves are
/// required: without the grant every token request fails with
/// `iam.serviceAccounts.getAccessToken` PERMISSION_DENIED.
pub struct GsaWithoutWorkloadIdentityUser;

/// A linked KSA, from a manifest or from Terraform.
struct Linked<'m> {
    /// `None` when the namespace is not fixed (a manifest without `metadata.namespace`).
    namespace: Option<&'m str>,
    name: &'m str,
    gsa: GsaEmail,
    /// How the annotation spells the GSA.
    written: Cow<'m, str>,
    file: FileId,
    span: Range<usize>,
    /// The ServiceAccount object, or the Terraform resource's display name: messages and the
    /// object reference are made only for a finding.
    from: From<'m>,
}

enum From<'m> {
    Object(&'m Object<'m>),
    Terraform(&'m str),
}

impl Rule for GsaWithoutWorkloadIdentityUser {
    fn id(&self) -> &'static str {
        "GK005"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let gcp = ctx.model.gcp();
        if gcp.bindings.is_empty() && gcp.service_accounts.is_empty() {
            return;
        }
        let mut linked = Vec::new();
        for sa in ctx.model.service_accounts() {
            let (Some(name), Some((node, gsa))) = (sa.name, gsa_of(sa)) else {
                continue;
            };
            linked.push(Linked {
                namespace: sa.namespace_explicit.then_some(sa.namespace.as_str()),
                name,
                gsa,
                written: Cow::Borrowed(node.as_str().unwrap_or("")),
                file: sa.file,
                span: node.span(),
                from: From::Object(sa),
            });
        }
        for k in &gcp.terraform_ksas {
            let (gsa, written, span) = match (&k.gsa_literal, &k.gsa_resource) {
                (Some(l), _) => match crate::model::gcp::parse_gsa_email(&l.text) {
                    Ok(g) => (g, Cow::Borrowed(l.text.as_str()), l.span.clone()),
                    Err(_) => continue,
                },
                (None, Some((g, span))) => {
                    let written = Cow::Owned(match &g.project {
                        Some(p) => format!("{}@{p}.iam.gserviceaccount.com", g.account_id),
                        None => format!("{} (google_service_account)", g.account_id),
                    });
                    (g.clone(), written, span.clone())
                }
                (None, None) => continue,
            };
            linked.push(Linked {
                namespace: Some(k.namespace.as_str()),
                name: k.name.as_str(),
                gsa,
                written,
                file: k.file,
                span,
                from: From::Terraform(k.display.as_str()),
            });
        }
        // Many KSAs may link one GSA: its grants are read once, for the KSAs linking it in a
        // row (a map of every GSA's grants cost more memory than it saved time).
        // Indices, not the (large) entries, are sorted.
        let mut order: Vec<usize> = (0..linked.len())
            .filter(|&i| !is_placeholder(&linked[i].gsa.account_id))
            .collect();
        let key = |i: usize| (&linked[i].gsa.account_id, &linked[i].gsa.project);
        order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
        for group in order.chunk_by(|&a, &b| linked[a].gsa == linked[b].gsa) {
            let Some(grants) = Grants::of(gcp, &linked[group[0]].gsa) else {
                continue;
            };
            out.extend(
                group
                    .iter()
                    .filter_map(|&i| self.check_one(&grants, &linked[i])),
            );
        }
    }
}

/// The `roles/iam.workloadIdentityUser` grants on one Google service account, with their
/// members parsed once.
struct Grants<'g> {
    grants: Vec<&'g Binding>,
    defined: Option<&'g GoogleServiceAccount>,
    members: Vec<Grantee>,
}

/// Whom one grant may name (placeholders and members the inputs do not spell out count as a
/// match: never guess against the user).
enum Grantee {
    /// Any KSA: no member in the inputs, a namespace or cluster principal set, or
    /// placeholders for both parts.
    Any,
    Exact {
        namespace: String,
        name: String,
    },
    /// A placeholder namespace.
    Named(String),
    /// A placeholder name.
    InNamespace(String),
}

impl<'g> Grants<'g> {
    /// `None` when the inputs neither define the GSA nor bind anything on it.
    fn of(gcp: &'g GcpModel, gsa: &'g GsaEmail) -> Option<Self> {
        let on_gsa: Vec<&Binding> = gcp.bindings_on(gsa).collect();
        let defined = gcp.service_account(gsa);
        if on_gsa.is_empty() && defined.is_none() {
            return None;
        }
        let grants: Vec<&Binding> = on_gsa
            .into_iter()
            .filter(|b| b.role_is(WORKLOAD_IDENTITY_USER))
            .collect();
        let members = grants
            .iter()
            .filter_map(|b| {
                let Some(member) = &b.member else {
                    return Some(Grantee::Any);
                };
                match parse_workload_member(&member.text) {
                    Ok(Some(WorkloadMember::ServiceAccount { namespace, ksa, .. })) => {
                        let (namespace, name) = (namespace.text, ksa.text);
                        Some(match (is_placeholder(&namespace), is_placeholder(&name)) {
                            (true, true) => Grantee::Any,
                            (true, false) => Grantee::Named(name),
                            (false, true) => Grantee::InNamespace(namespace),
                            (false, false) => Grantee::Exact { namespace, name },
                        })
                    }
                    // Malformed members are GK003's; namespace/cluster principal sets may
                    // include it.
                    Ok(Some(WorkloadMember::Other { .. })) => Some(Grantee::Any),
                    Ok(None) | Err(_) => None,
                }
            })
            .collect();
        Some(Grants {
            grants,
            defined,
            members,
        })
    }

    /// Whether a grant may name this KSA; a namespace that is not fixed may be any member's.
    fn name(&self, l: &Linked<'_>) -> bool {
        self.members.iter().any(|m| match m {
            Grantee::Any => true,
            Grantee::Named(name) => name == l.name,
            Grantee::InNamespace(ns) => l.namespace.is_none_or(|own| own == ns),
            Grantee::Exact { namespace, name } => {
                name == l.name && l.namespace.is_none_or(|own| own == namespace)
            }
        })
    }
}

impl GsaWithoutWorkloadIdentityUser {
    fn check_one(&self, g: &Grants<'_>, l: &Linked<'_>) -> Option<Finding> {
        if g.name(l) {
            return None;
        }
        let (grants, defined) = (&g.grants, g.defined);
        let ns = l.namespace.unwrap_or("NAMESPACE");
        let wanted = format!("serviceAccount:PROJECT_ID.svc.id.goog[{ns}/{}]", l.name);
        let email = &l.written;
        let display = match l.from {
            From::Object(sa) => Cow::Owned(sa.display_name()),
            From::Terraform(d) => Cow::Borrowed(d),
        };
        let mut f = Finding::new(
            self.id(),
            l.file,
            l.span.clone(),
            format!(
                "{} is linked to `{email}`, but no binding in the inputs grants `{WORKLOAD_IDENTITY_USER}` on that Google service account to this Kubernetes ServiceAccount: token requests fail with `iam.serviceAccounts.getAccessToken` PERMISSION_DENIED",
                display
            ),
        )
        .help(format!(
            "grant `{WORKLOAD_IDENTITY_USER}` on `{email}` to `{wanted}` (PROJECT_ID: the cluster's project), e.g. an IAMPolicyMember with that member and `resourceRef` to the IAMServiceAccount, or google_service_account_iam_member"
        ));
        f.object = match l.from {
            From::Object(sa) => Some(ObjectRef::of(sa)),
            From::Terraform(_) => None,
        };
        for b in grants.iter().take(3) {
            let (span, what) = match &b.member {
                Some(m) => (
                    m.span.clone(),
                    format!("{} grants it to `{}` instead", b.kind, m.text),
                ),
                None => (b.anchor.clone(), format!("{} grants it here", b.kind)),
            };
            f = f.related(b.file, span, what);
        }
        if grants.is_empty()
            && let Some(d) = defined
        {
            f = f.related(
                d.file,
                d.anchor.clone(),
                format!("Google service account defined here ({})", d.display),
            );
        }
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Options, lint_texts};

    /// Whether GK005 reports the KSA `shop/orders` (or, `explicit: false`, `orders` without
    /// `metadata.namespace`) when the GSA's only grant names `member`.
    fn reported(member: &str, explicit: bool) -> bool {
        let ns = if explicit { "\n  namespace: shop" } else { "" };
        let text = format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: orders{ns}\n  annotations:\n    iam.gke.io/gcp-service-account: orders-app@shop-prod-4711.iam.gserviceaccount.com\n---\napiVersion: iam.cnrm.cloud.google.com/v1beta1\nkind: IAMPolicyMember\nmetadata:\n  name: wi\n  namespace: shop\nspec:\n  member: \"{member}\"\n  role: roles/iam.workloadIdentityUser\n  resourceRef:\n    kind: IAMServiceAccount\n    name: orders-app\n"
        );
        let (_, outcome) = lint_texts(&[("sa.yaml", &text)], &Options::default());
        outcome.findings.iter().any(|f| f.rule.id == "GK005")
    }

    /// A grant may name the KSA when each part is its own or a placeholder; a namespace that
    /// is not fixed may be any member's.
    #[test]
    fn which_members_may_name_the_service_account() {
        let pool = "serviceAccount:shop-prod-4711.svc.id.goog";
        for (member, explicit, expected) in [
            ("[shop/orders]", true, false),
            ("[shop/payments]", true, true),
            ("[other/orders]", true, true),
            ("[NAMESPACE/orders]", true, false),
            ("[NAMESPACE/payments]", true, true),
            ("[shop/KSA_NAME]", true, false),
            ("[other/KSA_NAME]", true, true),
            ("[NAMESPACE/KSA_NAME]", true, false),
            ("[other/orders]", false, false),
            ("[other/payments]", false, true),
            ("[other/KSA_NAME]", false, false),
        ] {
            let member = format!("{pool}{member}");
            assert_eq!(reported(&member, explicit), expected, "{member} {explicit}");
        }
        let set = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/shop-prod-4711.svc.id.goog/namespace/shop";
        assert!(!reported(set, true), "a principal set may include it");
    }
}
