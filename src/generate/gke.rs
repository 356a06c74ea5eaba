//! GKE Workload Identity: the KSA annotation and the `roles/iam.workloadIdentityUser` grant to
//! `serviceAccount:<project>.svc.id.goog[<ns>/<ksa>]` on the Google service account, as gcloud,
//! Config Connector IAMPolicyMember and Terraform. Shapes: research
//! aws-eks-pod-identity-irsa-gke.md §5 (principal formats, KCC sample, annotation).

use super::{Bundle, Output, Result, check_label, check_subdomain, hcl, ident, invalid, sh, y};

pub const GSA_ANNOTATION: &str = "iam.gke.io/gcp-service-account";
pub const ROLE: &str = "roles/iam.workloadIdentityUser";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The Kubernetes ServiceAccount with `iam.gke.io/gcp-service-account`
    Yaml,
    /// `gcloud iam service-accounts add-iam-policy-binding` script
    Gcloud,
    /// Config Connector IAMPolicyMember
    Kcc,
    /// Terraform google_service_account_iam_member
    Terraform,
}

#[derive(Debug, Clone)]
pub struct Params {
    pub project_id: String,
    pub project_number: Option<String>,
    pub namespace: String,
    pub service_account: String,
    /// The Google service account: an email, or an account id in `project_id`.
    pub gsa: String,
    pub formats: Vec<Format>,
}

fn check_project(p: &str) -> Result<()> {
    // `my-proj-123`, or domain-scoped `example.com:my-proj`.
    let id = p.rsplit(':').next().unwrap_or(p);
    let ok = (6..=30).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.ends_with('-');
    if ok {
        Ok(())
    } else {
        invalid(format!(
            "--project-id `{p}` is not a project ID (6–30 lowercase letters, digits, `-`; the ID, not the name or number)"
        ))
    }
}

/// The GSA email: `name@project.iam.gserviceaccount.com`, from an email or an account id.
pub fn gsa_email(gsa: &str, project_id: &str) -> Result<String> {
    let email = if gsa.contains('@') {
        gsa.to_string()
    } else {
        format!("{gsa}@{project_id}.iam.gserviceaccount.com")
    };
    let (account, domain) = email.split_once('@').unwrap_or(("", ""));
    let ok = (6..=30).contains(&account.len())
        && account.starts_with(|c: char| c.is_ascii_lowercase())
        && account
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && domain.ends_with(".gserviceaccount.com");
    if ok {
        Ok(email)
    } else {
        invalid(format!(
            "--gsa `{gsa}` is not a Google service account (`name@project.iam.gserviceaccount.com`, name 6–30 lowercase letters, digits, `-`)"
        ))
    }
}

pub fn generate(p: &Params) -> Result<Bundle> {
    check_project(&p.project_id)?;
    check_label("namespace", &p.namespace)?;
    check_subdomain("service account", &p.service_account)?;
    if let Some(n) = &p.project_number
        && (n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return invalid(format!(
            "--project-number `{n}` is not a number (the project number, not its ID)"
        ));
    }
    let email = gsa_email(&p.gsa, &p.project_id)?;
    let gsa_project = email
        .split_once('@')
        .and_then(|(_, d)| d.strip_suffix(".iam.gserviceaccount.com"))
        .unwrap_or(&p.project_id)
        .to_string();
    let (ns, ksa) = (&p.namespace, &p.service_account);
    let member = format!("serviceAccount:{}.svc.id.goog[{ns}/{ksa}]", p.project_id);
    let resource = format!("projects/{gsa_project}/serviceAccounts/{email}");
    let mut b = Bundle::default();
    if let Some(n) = &p.project_number {
        b.notes.push(format!(
            "to grant roles to the KSA directly (no Google service account), use the principal principal://iam.googleapis.com/projects/{n}/locations/global/workloadIdentityPools/{}.svc.id.goog/subject/ns/{ns}/sa/{ksa}",
            p.project_id
        ));
    }
    for f in &p.formats {
        b.outputs.push(match f {
            Format::Yaml => Output {
                file: format!("serviceaccount-{ksa}.yaml"),
                content: super::service_account(ns, ksa, &[(GSA_ANNOTATION, email.clone())]),
                what: format!("ServiceAccount {ns}/{ksa} impersonating {email}"),
            },
            Format::Gcloud => Output {
                file: format!("workload-identity-{ksa}.sh"),
                content: format!(
                    "#!/bin/sh\n# Lets KSA {ns}/{ksa} impersonate {email}.\nset -eu\ngcloud iam service-accounts add-iam-policy-binding {email_q} \\\n  --project {proj} \\\n  --role {ROLE} \\\n  --member {member_q}\n",
                    email_q = sh(&email),
                    proj = sh(&gsa_project),
                    member_q = sh(&member),
                ),
                what: format!("gcloud script granting {ROLE} on {email}"),
            },
            Format::Kcc => Output {
                file: format!("iampolicymember-{ksa}.yaml"),
                content: format!(
                    "apiVersion: iam.cnrm.cloud.google.com/v1beta1\nkind: IAMPolicyMember\nmetadata:\n  name: {name}\n  namespace: {ns_y}\nspec:\n  member: {member_y}\n  role: {ROLE}\n  resourceRef:\n    kind: IAMServiceAccount\n    external: {resource_y}\n",
                    name = y(&format!("{ksa}-workload-identity")),
                    ns_y = y(ns),
                    member_y = y(&member),
                    resource_y = y(&resource),
                ),
                what: format!("Config Connector IAMPolicyMember granting {ROLE} on {email}"),
            },
            Format::Terraform => Output {
                file: format!("workload-identity-{ksa}.tf"),
                content: format!(
                    "resource \"google_service_account_iam_member\" \"{id}\" {{\n  service_account_id = {res}\n  role               = {role}\n  member             = {member_h}\n}}\n",
                    id = ident(&format!("{ns}_{ksa}_workload_identity")),
                    res = hcl(&resource),
                    role = hcl(ROLE),
                    member_h = hcl(&member),
                ),
                what: format!("Terraform google_service_account_iam_member on {email}"),
            },
        });
    }
    Ok(b)
}
