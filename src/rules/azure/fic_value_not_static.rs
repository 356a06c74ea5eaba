use crate::model::azure_identity::{Audiences, Field, Unknown};
use crate::rules::{Context, Finding, Rule};

use super::fic_common::fic_finding;

/// AZ030 (info): a federated credential's issuer, subject, audience or name is an expression
/// (Terraform variable, template, ARM expression, a ConfigMap not in the inputs) that is not
/// evaluated; the checks of that value were skipped. Never a guess. An issuer taken from the
/// cluster itself (`azurerm_kubernetes_cluster.x.oidc_issuer_url`, ARM
/// `reference(…).oidcIssuerProfile.issuerURL`) is right by construction and not reported.
pub struct FicValueNotStatic;

impl Rule for FicValueNotStatic {
    fn id(&self) -> &'static str {
        "AZ030"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for fic in &ctx.model.azure_identities().fics {
            let mut unknowns: Vec<(&str, &Unknown)> = Vec::new();
            if let Some(Field::Unknown(u)) = &fic.issuer
                && !from_cluster(ctx, u)
            {
                unknowns.push(("issuer", u));
            }
            if let Some(Field::Unknown(u)) = &fic.subject {
                unknowns.push(("subject", u));
            }
            match &fic.audiences {
                Some(Audiences::Unknown(u)) => unknowns.push(("audiences", u)),
                Some(Audiences::List { items, .. }) => {
                    for item in items {
                        if let Field::Unknown(u) = item {
                            unknowns.push(("audience", u));
                        }
                    }
                }
                None => {}
            }
            if let Some(Field::Unknown(u)) = &fic.name {
                unknowns.push(("name", u));
            }
            for (what, u) in unknowns {
                out.push(
                    fic_finding(
                        self.id(),
                        ctx,
                        fic,
                        u.file,
                        u.span.clone(),
                        format!(
                            "the {what} of {} was not checked: {}",
                            fic.display, u.reason
                        ),
                    )
                    .help(format!(
                        "check the {what} by hand, or lint the rendered value (e.g. `az identity federated-credential list -o json`)"
                    )),
                );
            }
        }
    }
}

/// The issuer is read from the cluster resource itself.
fn from_cluster(ctx: &Context<'_, '_>, u: &Unknown) -> bool {
    let text = ctx
        .model
        .source(u.file)
        .text
        .get(u.span.clone())
        .unwrap_or("")
        .to_ascii_lowercase();
    (text.starts_with("azurerm_kubernetes_cluster.") && text.ends_with(".oidc_issuer_url"))
        || (text.starts_with("data.azurerm_kubernetes_cluster.")
            && text.ends_with(".oidc_issuer_url"))
        || text.contains("oidcissuerprofile.issuerurl")
}
