use std::borrow::Cow;
use std::ops::Range;

use crate::input::FileId;
use crate::model::Object;
use foldhash::{HashMap, HashSet};

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
        // Many KSAs link one GSA (every copy of a module): its grants are read once.
        let mut by_gsa: HashMap<(&str, Option<&str>), Option<Grants<'_>>> = HashMap::default();
        for l in &linked {
            if is_placeholder(&l.gsa.account_id) {
                continue;
            }
            let grants = by_gsa
                .entry((l.gsa.account_id.as_str(), l.gsa.project.as_deref()))
                .or_insert_with(|| Grants::of(gcp, &l.gsa));
            if let Some(g) = grants
                && let Some(f) = self.check_one(g, l)
            {
                out.push(f);
            }
        }
    }
}

/// The `roles/iam.workloadIdentityUser` grants on one Google service account, with their
/// members parsed once and indexed for `Grants::name`.
struct Grants<'g> {
    grants: Vec<&'g Binding>,
    defined: Option<&'g GoogleServiceAccount>,
    /// A grant that may name any KSA (no member in the inputs, a namespace or cluster
    /// principal set, or placeholders for both parts).
    any: bool,
    /// Namespace → names, of members that spell both out.
    exact: HashMap<String, HashSet<String>>,
    /// Names of members that spell the name out (any namespace part).
    names: HashSet<String>,
    /// Members with a placeholder namespace: their names; with a placeholder name: their
    /// namespaces.
    any_namespace: HashSet<String>,
    any_name: HashSet<String>,
}

impl<'g> Grants<'g> {
    /// `None` when the inputs neither define the GSA nor bind anything on it.
    fn of(gcp: &'g GcpModel, gsa: &'g GsaEmail) -> Option<Self> {
        let on_gsa: Vec<&Binding> = gcp.bindings_on(gsa).collect();
        let defined = gcp.service_account(gsa);
        if on_gsa.is_empty() && defined.is_none() {
            return None;
        }
        let mut g = Grants {
            grants: Vec::new(),
            defined,
            any: false,
            exact: HashMap::default(),
            names: HashSet::default(),
            any_namespace: HashSet::default(),
            any_name: HashSet::default(),
        };
        for b in on_gsa
            .into_iter()
            .filter(|b| b.role_is(WORKLOAD_IDENTITY_USER))
        {
            g.grants.push(b);
            let Some(member) = &b.member else {
                g.any = true;
                continue;
            };
            match parse_workload_member(&member.text) {
                Ok(Some(WorkloadMember::ServiceAccount { namespace, ksa, .. })) => {
                    let (ns, name) = (namespace.text, ksa.text);
                    match (is_placeholder(&ns), is_placeholder(&name)) {
                        (true, true) => g.any = true,
                        (true, false) => {
                            g.any_namespace.insert(name);
                        }
                        (false, true) => {
                            g.any_name.insert(ns);
                        }
                        (false, false) => {
                            g.names.insert(name.clone());
                            g.exact.entry(ns).or_default().insert(name);
                        }
                    }
                }
                // Malformed members are GK003's; namespace/cluster principal sets may include it.
                Ok(Some(WorkloadMember::Other { .. })) => g.any = true,
                Ok(None) | Err(_) => {}
            }
        }
        Some(g)
    }

    /// Whether a grant may name this KSA (placeholders and members the inputs do not spell out
    /// count as a match: never guess against the user).
    fn name(&self, l: &Linked<'_>) -> bool {
        self.any
            || self.any_namespace.contains(l.name)
            || match l.namespace {
                Some(ns) => {
                    self.exact
                        .get(ns)
                        .is_some_and(|names| names.contains(l.name))
                        || self.any_name.contains(ns)
                }
                // A namespace that is not fixed may be any member's.
                None => self.names.contains(l.name) || !self.any_name.is_empty(),
            }
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
