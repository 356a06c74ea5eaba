//! GKE Workload Identity strings, parsed exactly: Google service account emails
//! (`iam.gke.io/gcp-service-account`) and IAM members that name Kubernetes ServiceAccounts.
//!
//! Facts (research `aws-eks-pod-identity-irsa-gke.md` §5, the IAM "Principal identifiers" page):
//! - `serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` (legacy, "link KSA to IAM");
//! - `principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA`
//!   (and `…/kubernetes.serviceaccount.uid/UID`);
//! - `principalSet://…/PROJECT_ID.svc.id.goog/namespace/NAMESPACE` and `…/kubernetes.cluster/URL`.
//!
//! The project **number** goes after `projects/`, the project **ID** in the pool name.

use std::ops::Range;

/// The workload pool suffix: the pool of project `p` is `p.svc.id.goog`.
pub const POOL_SUFFIX: &str = ".svc.id.goog";
const LEGACY_PREFIX: &str = "serviceAccount:";
const PRINCIPAL_HOST: &str = "//iam.googleapis.com/";

/// A member that names GKE workloads, with byte ranges relative to the member string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkloadMember {
    /// One Kubernetes ServiceAccount (`serviceAccount:…[ns/ksa]` or `principal://…/subject/ns/…/sa/…`).
    ServiceAccount {
        project_id: Part,
        namespace: Part,
        ksa: Part,
        /// `serviceAccount:` form (the one the impersonation model requires with a GSA).
        legacy: bool,
    },
    /// `principal://…/kubernetes.serviceaccount.uid/UID`, or `principalSet://…` (namespace,
    /// cluster): valid, but names no single ServiceAccount by name.
    Other { project_id: Part },
}

/// A piece of a member with its byte range inside the member string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub range: Range<usize>,
}

/// What is wrong with a member, and where (a range inside the member string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberError {
    pub message: String,
    pub range: Range<usize>,
    pub help: String,
}

impl WorkloadMember {
    pub fn project_id(&self) -> &Part {
        match self {
            WorkloadMember::ServiceAccount { project_id, .. }
            | WorkloadMember::Other { project_id } => project_id,
        }
    }
}

/// Whether the member is meant to name GKE workloads (so it is parsed strictly).
pub fn is_workload_member(member: &str) -> bool {
    let m = member.trim();
    m.contains(".svc.id.goog")
        || m.contains(".svc.id.google")
        || m.contains("svc.id.goog")
        || (m.contains("workloadIdentityPools") && m.contains("/subject/ns/"))
}

/// Parses a member that [`is_workload_member`]; `Ok(None)` for members of other kinds.
pub fn parse_workload_member(member: &str) -> Result<Option<WorkloadMember>, MemberError> {
    if !is_workload_member(member) {
        return Ok(None);
    }
    if let Some(i) = member.find(|c: char| c.is_whitespace()) {
        return Err(err(
            "contains whitespace; IAM compares members byte for byte",
            i..i + 1,
            "remove the whitespace",
        ));
    }
    let (scheme, rest_at) = match member.find(':') {
        Some(i) => (&member[..i], i + 1),
        None => {
            return Err(err(
                "has no member type prefix",
                0..member.len(),
                "write `serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]`",
            ));
        }
    };
    match scheme {
        "serviceAccount" => parse_legacy(member, rest_at).map(Some),
        "principal" | "principalSet" => parse_principal(member, scheme, rest_at).map(Some),
        other => {
            let help = if other.eq_ignore_ascii_case("serviceAccount") {
                "the type prefix is case-sensitive: `serviceAccount:`".to_string()
            } else if other.eq_ignore_ascii_case("principal")
                || other.eq_ignore_ascii_case("principalSet")
            {
                "the type prefix is case-sensitive: `principal://` or `principalSet://`".to_string()
            } else {
                format!(
                    "a Kubernetes ServiceAccount is `{LEGACY_PREFIX}PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` or `principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA`"
                )
            };
            Err(err(
                &format!(
                    "has member type `{other}:`, which IAM does not accept for a Kubernetes ServiceAccount"
                ),
                0..rest_at,
                &help,
            ))
        }
    }
}

fn err(message: &str, range: Range<usize>, help: &str) -> MemberError {
    MemberError {
        message: message.to_string(),
        range,
        help: help.to_string(),
    }
}

/// `serviceAccount:POOL[NS/KSA]`.
fn parse_legacy(m: &str, at: usize) -> Result<WorkloadMember, MemberError> {
    let rest = &m[at..];
    let Some(pool_end) = rest.find(POOL_SUFFIX).map(|i| i + POOL_SUFFIX.len()) else {
        let i = rest.find("svc.id").unwrap_or(0);
        return Err(err(
            "names a workload pool that does not end in `.svc.id.goog`",
            at + i..m.len(),
            "the pool of a GKE project is `PROJECT_ID.svc.id.goog`",
        ));
    };
    let project = &rest[..pool_end - POOL_SUFFIX.len()];
    let project_id = Part {
        text: project.to_string(),
        range: at..at + project.len(),
    };
    check_project_id(&project_id)?;
    let after = &rest[pool_end..];
    let after_at = at + pool_end;
    let Some(inner) = after.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        let (message, help) = if after.is_empty() {
            (
                "names the whole workload pool, not a Kubernetes ServiceAccount: `[NAMESPACE/KSA]` is missing",
                "append `[NAMESPACE/KSA]` (square brackets)",
            )
        } else if after.starts_with('/') || after.starts_with('(') || after.starts_with('{') {
            (
                "writes the ServiceAccount without square brackets",
                "write `PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` (square brackets)",
            )
        } else {
            (
                "has text after the workload pool that is not `[NAMESPACE/KSA]`",
                "write `PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` (square brackets)",
            )
        };
        return Err(err(message, after_at..m.len().max(after_at), help));
    };
    let inner_at = after_at + 1;
    if let Some(rest) = inner.strip_prefix("system:serviceaccount:") {
        return Err(err(
            "writes the Kubernetes subject `system:serviceaccount:…` inside the brackets",
            inner_at..inner_at + inner.len(),
            &format!(
                "write `[{}]`: GKE members name `NAMESPACE/KSA`",
                rest.replacen(':', "/", 1)
            ),
        ));
    }
    // Bracketed placeholders (`[[K8S_NAMESPACE]/[KSA_NAME]]`) contain `/` only between the two.
    let Some(slash) = inner.find('/') else {
        let help = match inner.split_once(':') {
            Some((ns, sa)) => {
                format!("write `[{ns}/{sa}]`: namespace and name are separated by `/`")
            }
            None => "write `[NAMESPACE/KSA]`".to_string(),
        };
        return Err(err(
            "does not separate namespace and ServiceAccount with `/`",
            inner_at..inner_at + inner.len(),
            &help,
        ));
    };
    let namespace = Part {
        text: inner[..slash].to_string(),
        range: inner_at..inner_at + slash,
    };
    let ksa = Part {
        text: inner[slash + 1..].to_string(),
        range: inner_at + slash + 1..inner_at + inner.len(),
    };
    check_namespace(&namespace)?;
    check_ksa(&ksa)?;
    Ok(WorkloadMember::ServiceAccount {
        project_id,
        namespace,
        ksa,
        legacy: true,
    })
}

/// `principal://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/POOL/…`.
fn parse_principal(m: &str, scheme: &str, at: usize) -> Result<WorkloadMember, MemberError> {
    let rest = &m[at..];
    let Some(path) = rest.strip_prefix(PRINCIPAL_HOST) else {
        return Err(err(
            &format!("does not start with `{scheme}://iam.googleapis.com/`"),
            0..m.len(),
            &format!(
                "write `{scheme}://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/PROJECT_ID.svc.id.goog/…`"
            ),
        ));
    };
    let base = at + PRINCIPAL_HOST.len();
    // Segments with their offsets.
    let mut segs: Vec<(usize, &str)> = Vec::new();
    let mut off = base;
    for s in path.split('/') {
        segs.push((off, s));
        off += s.len() + 1;
    }
    let seg = |i: usize| segs.get(i).copied().unwrap_or((m.len(), ""));
    let expect = |i: usize, want: &str| -> Result<(), MemberError> {
        let (o, s) = seg(i);
        if s == want {
            Ok(())
        } else {
            Err(err(
                &format!("has `{s}` where `{want}` belongs"),
                o..o + s.len(),
                "the format is `principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA`",
            ))
        }
    };
    expect(0, "projects")?;
    let (no, number) = seg(1);
    let numeric = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    if !numeric && !is_placeholder(number) {
        return Err(err(
            &format!(
                "has the project ID `{number}` after `projects/`, where the project number belongs"
            ),
            no..no + number.len(),
            "use the numeric project number here (`gcloud projects describe PROJECT_ID --format='value(projectNumber)'`); the project ID goes in the pool name `PROJECT_ID.svc.id.goog`",
        ));
    }
    expect(2, "locations")?;
    expect(3, "global")?;
    expect(4, "workloadIdentityPools")?;
    let (po, pool) = seg(5);
    let Some(project) = pool.strip_suffix(POOL_SUFFIX) else {
        return Err(err(
            &format!("names pool `{pool}`; the GKE workload pool is `PROJECT_ID.svc.id.goog`"),
            po..po + pool.len(),
            "use the pool `PROJECT_ID.svc.id.goog` of the cluster's project",
        ));
    };
    let project_id = Part {
        text: project.to_string(),
        range: po..po + project.len(),
    };
    check_project_id(&project_id)?;
    let tail: Vec<&str> = segs.iter().skip(6).map(|(_, s)| *s).collect();
    match (scheme, tail.as_slice()) {
        ("principal", ["subject", "ns", _, "sa", _]) => {
            let (nso, ns) = seg(8);
            let (sao, sa) = seg(10);
            let namespace = Part {
                text: ns.to_string(),
                range: nso..nso + ns.len(),
            };
            let ksa = Part {
                text: sa.to_string(),
                range: sao..sao + sa.len(),
            };
            check_namespace(&namespace)?;
            check_ksa(&ksa)?;
            Ok(WorkloadMember::ServiceAccount {
                project_id,
                namespace,
                ksa,
                legacy: false,
            })
        }
        ("principal", ["kubernetes.serviceaccount.uid", uid]) if !uid.is_empty() => {
            Ok(WorkloadMember::Other { project_id })
        }
        ("principalSet", ["namespace", ns]) if !ns.is_empty() => {
            Ok(WorkloadMember::Other { project_id })
        }
        ("principalSet", ["kubernetes.cluster", ..]) if tail.len() > 1 => {
            Ok(WorkloadMember::Other { project_id })
        }
        ("principalSet", ["subject", ..]) => {
            let (o, _) = seg(6);
            Err(err(
                "is a `principalSet://` with a single subject",
                0..o,
                "a single ServiceAccount is a `principal://` (not `principalSet://`) member",
            ))
        }
        _ => {
            let (o, _) = seg(6);
            let help = if scheme == "principal" {
                "after the pool write `/subject/ns/NAMESPACE/sa/KSA` or `/kubernetes.serviceaccount.uid/UID`"
            } else {
                "after the pool write `/namespace/NAMESPACE` or `/kubernetes.cluster/https://container.googleapis.com/v1/projects/PROJECT_ID/locations/LOCATION/clusters/CLUSTER`"
            };
            Err(err(
                "does not name a GKE principal after the workload pool",
                o.min(m.len())..m.len(),
                help,
            ))
        }
    }
}

/// A value still to be filled in: `${PROJECT_ID?}`, `[PROJECT_ID]`, `<PROJECT_ID>`,
/// `PROJECT_ID`, `PATCHED_BY_OVERLAY`. GCP identifiers are lower-case, so an all-caps token is
/// a placeholder, never a value.
pub fn is_placeholder(s: &str) -> bool {
    if crate::model::values::is_placeholder(s) || s.is_empty() {
        return true;
    }
    let bracketed = s.contains('[') && s.contains(']');
    let caps_token = s
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|t| {
            t.len() >= 2
                && t.bytes().any(|b| b.is_ascii_uppercase())
                && t.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        });
    bracketed || caps_token
}

/// A project ID: 6–30 characters `[a-z][-a-z0-9]*[a-z0-9]`, optionally domain-scoped
/// (`example.com:my-project`).
pub fn project_id_problem(id: &str) -> Option<String> {
    let local = id.rsplit_once(':').map_or(id, |(_, p)| p);
    if local.bytes().all(|b| b.is_ascii_digit()) && !local.is_empty() {
        return Some(format!("`{id}` is a project number, not a project ID"));
    }
    let ok = (6..=30).contains(&local.len())
        && local.starts_with(|c: char| c.is_ascii_lowercase())
        && !local.ends_with('-')
        && local
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (!ok).then(|| {
        format!(
            "`{id}` is not a project ID (6–30 lower-case letters, digits and `-`, starting with a letter; not the project name)"
        )
    })
}

fn check_project_id(p: &Part) -> Result<(), MemberError> {
    if is_placeholder(&p.text) {
        return Ok(());
    }
    match project_id_problem(&p.text) {
        Some(problem) => Err(err(
            &format!(
                "names workload pool `{}.svc.id.goog`, but {problem}",
                p.text
            ),
            p.range.clone(),
            "use the project ID of the cluster's project (`gcloud config get-value project`)",
        )),
        None => Ok(()),
    }
}

/// A namespace is a DNS label (RFC 1123, ≤ 63).
fn check_namespace(p: &Part) -> Result<(), MemberError> {
    if is_placeholder(&p.text) || is_dns_label(&p.text) {
        return Ok(());
    }
    Err(err(
        &format!(
            "has namespace `{}`, which is not a valid Kubernetes namespace name",
            p.text
        ),
        p.range.clone(),
        "a namespace is lower-case letters, digits and `-` (at most 63)",
    ))
}

/// A ServiceAccount name is a DNS subdomain (RFC 1123, ≤ 253).
fn check_ksa(p: &Part) -> Result<(), MemberError> {
    if is_placeholder(&p.text) || is_dns_subdomain(&p.text) {
        return Ok(());
    }
    Err(err(
        &format!(
            "has ServiceAccount name `{}`, which is not a valid Kubernetes name",
            p.text
        ),
        p.range.clone(),
        "a ServiceAccount name is lower-case letters, digits, `-` and `.`",
    ))
}

pub fn is_dns_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && !s.is_empty() && s.split('.').all(is_dns_label)
}

/// A Google service account email (`iam.gke.io/gcp-service-account`), split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GsaEmail {
    pub account_id: String,
    /// The project of `…@PROJECT.iam.gserviceaccount.com`; `None` for Google-managed defaults.
    pub project: Option<String>,
}

/// Parses a Google service account email. Accepts user-managed accounts
/// (`NAME@PROJECT_ID.iam.gserviceaccount.com`) and the Google-managed defaults
/// (`NUMBER-compute@developer.gserviceaccount.com`, `PROJECT_ID@appspot.gserviceaccount.com`).
pub fn parse_gsa_email(s: &str) -> Result<GsaEmail, String> {
    if s.is_empty() {
        return Err("is empty".into());
    }
    if s.trim() != s || s.contains(char::is_whitespace) {
        return Err("contains whitespace".into());
    }
    if let Some(rest) = s.strip_prefix("serviceAccount:") {
        return Err(format!(
            "is an IAM member (`serviceAccount:` prefix), not an email: write `{rest}`"
        ));
    }
    if s.starts_with("projects/") {
        return Err(
            "is a service account resource name (`projects/…/serviceAccounts/…`), not its email"
                .into(),
        );
    }
    let Some((account, domain)) = s.split_once('@') else {
        return Err("has no `@`: the value is the email `NAME@PROJECT_ID.iam.gserviceaccount.com`, not the account ID or display name".into());
    };
    if domain == "developer.gserviceaccount.com" || domain == "appspot.gserviceaccount.com" {
        return Ok(GsaEmail {
            account_id: account.to_string(),
            project: None,
        });
    }
    let Some(project) = domain.strip_suffix(".iam.gserviceaccount.com") else {
        return Err(format!(
            "has domain `{domain}`; a Google service account email ends in `.iam.gserviceaccount.com`"
        ));
    };
    // Domain-scoped projects (`example.com:proj`) put the domain into the email; their exact
    // form is not documented in the sources read, so such projects are not checked.
    if !is_placeholder(project)
        && !project.contains(['.', ':'])
        && let Some(p) = project_id_problem(project)
    {
        return Err(format!("has an invalid project part: {p}"));
    }
    if !is_placeholder(account) {
        let ok = (6..=30).contains(&account.len())
            && account.starts_with(|c: char| c.is_ascii_lowercase())
            && !account.ends_with('-')
            && account
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(format!(
                "has account ID `{account}`, which IAM never creates: it must be 6–30 characters matching `[a-z]([-a-z0-9]*[a-z0-9])`"
            ));
        }
    }
    Ok(GsaEmail {
        account_id: account.to_string(),
        project: Some(project.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(m: &str) -> (String, String, String, bool) {
        match parse_workload_member(m) {
            Ok(Some(WorkloadMember::ServiceAccount {
                project_id,
                namespace,
                ksa,
                legacy,
            })) => (project_id.text, namespace.text, ksa.text, legacy),
            other => panic!("{m}: {other:?}"),
        }
    }

    #[test]
    fn legacy_members() {
        assert_eq!(
            sa("serviceAccount:my-project.svc.id.goog[shop/orders]"),
            ("my-project".into(), "shop".into(), "orders".into(), true)
        );
        assert_eq!(
            sa("serviceAccount:${PROJECT_ID?}.svc.id.goog[default/app]").0,
            "${PROJECT_ID?}"
        );
        assert_eq!(
            sa("serviceAccount:[PROJECT_ID].svc.id.goog[[K8S_NAMESPACE]/[KSA_NAME]]").1,
            "[K8S_NAMESPACE]"
        );
        for bad in [
            "serviceAccount:my-project.svc.id.goog/shop/orders",
            "serviceAccount:my-project.svc.id.goog[shop:orders]",
            "serviceAccount:my-project.svc.id.goog",
            "serviceAccount:my-project.svc.id.goog[system:serviceaccount:shop:orders]",
            "serviceAccount:123456789012.svc.id.goog[shop/orders]",
            "serviceaccount:my-project.svc.id.goog[shop/orders]",
            "serviceAccount:my-project.svc.id.google[shop/orders]",
            "serviceAccount:My Project.svc.id.goog[shop/orders]",
            "serviceAccount:my-project.svc.id.goog[Shop/orders]",
        ] {
            assert!(parse_workload_member(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn principal_members() {
        let p = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/my-project.svc.id.goog/subject/ns/shop/sa/orders";
        assert_eq!(
            sa(p),
            ("my-project".into(), "shop".into(), "orders".into(), false)
        );
        let swapped = "principal://iam.googleapis.com/projects/my-project/locations/global/workloadIdentityPools/my-project.svc.id.goog/subject/ns/shop/sa/orders";
        let e = parse_workload_member(swapped).unwrap_err();
        assert_eq!(&swapped[e.range], "my-project");
        let pool_number = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/123456789012.svc.id.goog/subject/ns/shop/sa/orders";
        assert!(parse_workload_member(pool_number).is_err());
        for ok in [
            "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/my-project.svc.id.goog/namespace/shop",
            "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/my-project.svc.id.goog/kubernetes.serviceaccount.uid/4a1e",
            "principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA",
        ] {
            assert!(matches!(parse_workload_member(ok), Ok(Some(_))), "{ok}");
        }
        assert_eq!(parse_workload_member("user:a@example.com"), Ok(None));
        assert_eq!(
            parse_workload_member("serviceAccount:x@p.iam.gserviceaccount.com"),
            Ok(None)
        );
    }

    #[test]
    fn gsa_emails() {
        assert!(parse_gsa_email("orders-app@my-project.iam.gserviceaccount.com").is_ok());
        assert!(parse_gsa_email("123-compute@developer.gserviceaccount.com").is_ok());
        assert!(parse_gsa_email("x@${PROJECT_ID?}.iam.gserviceaccount.com").is_err());
        assert!(parse_gsa_email("orders-app@${PROJECT_ID?}.iam.gserviceaccount.com").is_ok());
        assert!(
            parse_gsa_email("<CLUSTER_PREFIX>-bucket-access@<PROJECT_ID>.iam.gserviceaccount.com")
                .is_ok()
        );
        for bad in [
            "orders-app",
            "orders-app@my-project.iam.gserviceaccounts.com",
            "orders-app@my-project.gserviceaccount.com",
            "Orders-App@my-project.iam.gserviceaccount.com",
            "app@my-project.iam.gserviceaccount.com",
            "serviceAccount:orders-app@my-project.iam.gserviceaccount.com",
            " orders-app@my-project.iam.gserviceaccount.com",
        ] {
            assert!(parse_gsa_email(bad).is_err(), "{bad}");
        }
    }
}
