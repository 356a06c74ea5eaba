use crate::model::gcp::{GSA_ANNOTATION, member::is_placeholder, parse_gsa_email};
use crate::rules::{Context, Finding, Rule};

const HELP: &str = "set the Google service account's email: `NAME@PROJECT_ID.iam.gserviceaccount.com` (`gcloud iam service-accounts list --format='value(email)'`)";

/// GK001: `iam.gke.io/gcp-service-account` on a ServiceAccount must be the email
/// `NAME@PROJECT_ID.iam.gserviceaccount.com` (account ID 6–30 chars `[a-z]([-a-z0-9]*[a-z0-9])`).
/// Anything else makes the GKE metadata server fail every token request for the pod.
pub struct GsaAnnotationFormat;

impl Rule for GsaAnnotationFormat {
    fn id(&self) -> &'static str {
        "GK001"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for sa in ctx.model.service_accounts() {
            let Some(node) = sa.annotation(GSA_ANNOTATION) else {
                continue;
            };
            // Booleans and numbers are K8S005's; a bare placeholder is filled in later.
            let Some(value) = node.as_str() else { continue };
            if !value.contains('@') && !value.is_empty() && is_placeholder(value) {
                continue;
            }
            let Err(problem) = parse_gsa_email(value) else {
                continue;
            };
            out.push(
                Finding::at(
                    self.id(),
                    sa,
                    node.span(),
                    format!(
                        "`{GSA_ANNOTATION}` of {} {problem}: the GKE metadata server cannot impersonate it, and every token request of the pods fails",
                        sa.display_name()
                    ),
                )
                .help(HELP),
            );
        }
        for k in &ctx.model.gcp().terraform_ksas {
            let Some(value) = &k.gsa_literal else {
                continue;
            };
            let text = value.text.as_str();
            if !text.contains('@') && !text.is_empty() && is_placeholder(text) {
                continue;
            }
            let Err(problem) = parse_gsa_email(text) else {
                continue;
            };
            out.push(
                Finding::new(
                    self.id(),
                    value.file,
                    value.span.clone(),
                    format!(
                        "`{GSA_ANNOTATION}` of {} {problem}: the GKE metadata server cannot impersonate it, and every token request of the pods fails",
                        k.display
                    ),
                )
                .help(HELP),
            );
        }
    }
}
