use std::collections::BTreeMap;

use crate::rules::{Context, Finding, Rule};

use super::fic_common::fic_finding;

/// At most this many federated credentials per user-assigned identity or app (Entra limit).
pub const MAX_FICS: usize = 20;

/// AZ025: more than 20 federated credentials on one identity; Azure refuses the 21st.
pub struct FicLimitPerIdentity;

impl Rule for FicLimitPerIdentity {
    fn id(&self) -> &'static str {
        "AZ025"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let azure = ctx.model.azure_identities();
        let mut by_identity: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, fic) in azure.fics.iter().enumerate() {
            // Keys made up per block or object do not identify an identity.
            if fic.identity.starts_with("tf-block:") || fic.identity.starts_with("aso-fic:") {
                continue;
            }
            by_identity
                .entry(fic.identity.as_str())
                .or_default()
                .push(i);
        }
        for idx in by_identity.values() {
            if idx.len() <= MAX_FICS {
                continue;
            }
            let first = &azure.fics[idx[0]];
            let over = &azure.fics[idx[MAX_FICS]];
            out.push(
                fic_finding(
                    self.id(),
                    ctx,
                    over,
                    over.file,
                    over.anchor.clone(),
                    format!(
                        "{} is federated credential number {} on {}: an identity can have at most {MAX_FICS}, Azure rejects the rest",
                        over.display,
                        MAX_FICS + 1,
                        over.identity_display
                    ),
                )
                .help(format!(
                    "{} has {} federated credentials; spread the workloads over more identities, or share ServiceAccounts",
                    over.identity_display,
                    idx.len()
                ))
                .related(first.file, first.anchor.clone(), "first federated credential of the identity"),
            );
        }
    }
}
