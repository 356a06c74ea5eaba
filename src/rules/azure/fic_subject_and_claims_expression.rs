use crate::rules::{Context, Finding, Rule};

use super::fic_common::fic_finding;

/// AZ027: a federated credential sets both `subject` and `claimsMatchingExpression`; they are
/// mutually exclusive (flexible FICs match claims instead of the subject).
pub struct FicSubjectAndClaimsExpression;

impl Rule for FicSubjectAndClaimsExpression {
    fn id(&self) -> &'static str {
        "AZ027"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for fic in &ctx.model.azure_identities().fics {
            let (Some(_), Some(cme)) = (&fic.subject, &fic.claims_expression) else {
                continue;
            };
            out.push(
                fic_finding(
                    self.id(),
                    ctx,
                    fic,
                    fic.file,
                    cme.clone(),
                    format!(
                        "{} sets both a subject and a claims matching expression: they are mutually exclusive, Azure rejects the credential",
                        fic.display
                    ),
                )
                .help("keep the subject (`system:serviceaccount:<namespace>:<name>`) and remove claimsMatchingExpression, or the reverse for a flexible credential"),
            );
        }
    }
}
