use crate::model::azure_identity::{Field, Form, parse_subject};
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, fic_finding, is_placeholder};

/// AZ018: a federated credential's subject is not `system:serviceaccount:<namespace>:<name>`.
/// Entra compares it byte for byte with the token's `sub`; a malformed subject is accepted at
/// creation and fails every token exchange (AADSTS700213).
pub struct FicSubjectFormat;

impl Rule for FicSubjectFormat {
    fn id(&self) -> &'static str {
        "AZ018"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for fic in &ctx.model.azure_identities().fics {
            match &fic.subject {
                Some(Field::Known(s)) => {
                    if is_placeholder(&s.text) {
                        continue;
                    }
                    // Non-Kubernetes issuers (GitHub, GitLab) have other subject shapes.
                    let kubernetes_like = s.text.to_ascii_lowercase().contains("serviceaccount")
                        || fic.issuer.as_ref().and_then(Field::known).is_none_or(|i| {
                            i.text.contains("prod-aks.azure") || i.text.contains("kubernetes")
                        });
                    if !kubernetes_like {
                        continue;
                    }
                    if let Err(why) = parse_subject(&s.text) {
                        out.push(
                            at_value(
                                self.id(),
                                ctx,
                                fic,
                                s,
                                format!(
                                    "subject `{}` of {} is not `system:serviceaccount:<namespace>:<name>`: {why}; no Kubernetes token ever matches it (AADSTS700213)",
                                    s.text.escape_debug(),
                                    fic.display
                                ),
                            )
                            .help(subject_help(&s.text)),
                        );
                    }
                }
                Some(Field::Unknown(_)) => {}
                None if fic.claims_expression.is_none() && fic.form != Form::AzCli => {
                    out.push(
                        fic_finding(
                            self.id(),
                            ctx,
                            fic,
                            fic.file,
                            fic.anchor.clone(),
                            format!(
                                "{} sets no subject: Azure requires one (`system:serviceaccount:<namespace>:<name>`)",
                                fic.display
                            ),
                        )
                        .help("set the subject to `system:serviceaccount:<namespace>:<serviceaccount>` of the pod's ServiceAccount"),
                    );
                }
                None => {}
            }
        }
    }
}

fn subject_help(subject: &str) -> String {
    let trimmed = subject.trim();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("system:serviceaccount:")
        && rest.split(':').count() == 2
    {
        let tail = &trimmed["system:serviceaccount:".len()..];
        return format!(
            "write it as `system:serviceaccount:{tail}` (exact, lower-case prefix, no spaces)"
        );
    }
    "use `system:serviceaccount:<namespace>:<serviceaccount>`, the `sub` of the pod's service account token".into()
}
