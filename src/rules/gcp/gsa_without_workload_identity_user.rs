use std::borrow::Cow;
use std::ops::Range;

use crate::input::FileId;
use crate::model::Object;
use crate::model::gcp::{
    Binding, GcpModel, GsaEmail, WORKLOAD_IDENTITY_USER, WorkloadMember, member::is_placeholder,
    parse_workload_member,
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
        for l in &linked {
            if let Some(f) = self.check_one(gcp, l) {
                out.push(f);
            }
        }
    }
}

impl GsaWithoutWorkloadIdentityUser {
    fn check_one(&self, gcp: &GcpModel, l: &Linked<'_>) -> Option<Finding> {
        if is_placeholder(&l.gsa.account_id) {
            return None;
        }
        let on_gsa: Vec<&Binding> = gcp.bindings_on(&l.gsa).collect();
        let defined = gcp.service_account(&l.gsa);
        if on_gsa.is_empty() && defined.is_none() {
            return None;
        }
        let grants: Vec<&Binding> = on_gsa
            .iter()
            .copied()
            .filter(|b| b.role_is(WORKLOAD_IDENTITY_USER))
            .collect();
        if grants.iter().any(|b| grants_to(b, l)) {
            return None;
        }
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

/// Whether a grant may name this KSA (placeholders and members the inputs do not spell out
/// count as a match: never guess against the user).
fn grants_to(b: &Binding, l: &Linked<'_>) -> bool {
    let Some(member) = &b.member else { return true };
    match parse_workload_member(&member.text) {
        Ok(Some(WorkloadMember::ServiceAccount { namespace, ksa, .. })) => {
            let ns_ok = is_placeholder(&namespace.text)
                || l.namespace.is_none_or(|ns| namespace.text == ns);
            let name_ok = is_placeholder(&ksa.text) || ksa.text == l.name;
            ns_ok && name_ok
        }
        // Malformed members are GK003's; namespace/cluster principal sets may include it.
        Ok(Some(WorkloadMember::Other { .. })) => true,
        Ok(None) | Err(_) => false,
    }
}
