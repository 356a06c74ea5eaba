use std::borrow::Cow;

use foldhash::HashMap;

use crate::input::terraform::ExprKind;
use crate::model::azure_identity::{Fic, Field, parse_subject};
use crate::model::values::ascii_lowercase;
use crate::rules::{Context, Finding, Rule};

use super::CLIENT_ID;
use super::fic_common::subject_for;

/// AZ028: a ServiceAccount's `azure.workload.identity/client-id` is not the identity's client id
/// where both are known in the inputs: it is the identity's principal (object) id, tenant id or
/// resource id (the classic mistake), or another GUID than the client id of the identity whose
/// federated credential names the ServiceAccount. Terraform `kubernetes_service_account`
/// annotations that reference `azurerm_user_assigned_identity.x.principal_id` / `.id` are the
/// same mistake. The token exchange fails with AADSTS700016.
pub struct ClientIdNotIdentityClientId;

impl Rule for ClientIdNotIdentityClientId {
    fn id(&self) -> &'static str {
        "AZ028"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let azure = model.azure_identities();
        if !azure.identities.is_empty() {
            // ASCII-lowercased principal, tenant or resource id → the first identity that has it.
            let mut by_other_id: HashMap<Cow<'_, str>, usize> = HashMap::default();
            for (i, identity) in azure.identities.iter().enumerate() {
                for v in [
                    &identity.principal_id,
                    &identity.tenant_id,
                    &identity.resource_id,
                ]
                .into_iter()
                .flatten()
                {
                    by_other_id.entry(ascii_lowercase(&v.text)).or_insert(i);
                }
            }
            // Federated credentials by subject, in input order.
            let mut fics_by_subject: HashMap<&str, Vec<&Fic>> = HashMap::default();
            for fic in &azure.fics {
                if let Some(Field::Known(s)) = &fic.subject {
                    fics_by_subject
                        .entry(s.text.as_str())
                        .or_default()
                        .push(fic);
                }
            }
            for sa in model.service_accounts() {
                let Some(e) = sa.annotations.and_then(|a| a.entry(CLIENT_ID)) else {
                    continue;
                };
                let Some(value) = e.value.text().map(str::trim) else {
                    continue;
                };
                if value.is_empty()
                    || crate::model::values::is_placeholder(value)
                    || crate::model::values::is_redacted_guid(value)
                {
                    continue;
                }
                // The first identity (in input order) with any of the three ids equal to the
                // value, from the index instead of a scan of every identity per ServiceAccount.
                let first = by_other_id
                    .get(&*ascii_lowercase(value))
                    .map(|&i| &azure.identities[i]);
                let wrong = first.and_then(|identity| {
                    [
                        ("principal (object) id", &identity.principal_id),
                        ("tenant id", &identity.tenant_id),
                        ("resource id", &identity.resource_id),
                    ]
                    .into_iter()
                    .find_map(|(what, v)| {
                        v.as_ref()
                            .filter(|v| v.text.eq_ignore_ascii_case(value))
                            .map(|at| (identity, what, at))
                    })
                });
                if let Some((identity, what, at)) = wrong {
                    let help = match &identity.client_id {
                        Some(c) => format!("use the identity's client id: `{CLIENT_ID}: \"{}\"`", c.text),
                        None => "use the identity's clientId (`az identity show --query clientId -o tsv`)".into(),
                    };
                    out.push(
                        Finding::at(
                            self.id(),
                            sa,
                            e.value.span(),
                            format!(
                                "`{CLIENT_ID}` of {} is the {what} of {}, not its client id: Entra fails the token exchange with AADSTS700016 (application not found)",
                                sa.display_name(),
                                identity.display
                            ),
                        )
                        .help(help)
                        .related(at.file, at.span.clone(), format!("{what} of {}", identity.display)),
                    );
                    continue;
                }
                // Federated through an identity whose client id is known, but another GUID.
                let Some(name) = sa.name else { continue };
                let wanted = subject_for(&sa.namespace, name);
                let same_subject = fics_by_subject
                    .get(wanted.as_str())
                    .map_or(&[][..], Vec::as_slice);
                if parse_subject(&wanted).is_err() {
                    continue;
                }
                for &fic in same_subject {
                    let Some(identity) = azure.identity(&fic.identity) else {
                        continue;
                    };
                    let Some(client) = &identity.client_id else {
                        continue;
                    };
                    if client.text.eq_ignore_ascii_case(value) {
                        continue;
                    }
                    // The ServiceAccount may be federated through several identities; one match suffices.
                    let other_match = same_subject.iter().any(|f| {
                        azure
                            .identity(&f.identity)
                            .and_then(|i| i.client_id.as_ref())
                            .is_some_and(|c| c.text.eq_ignore_ascii_case(value))
                    });
                    if other_match {
                        break;
                    }
                    out.push(
                        Finding::at(
                            self.id(),
                            sa,
                            e.value.span(),
                            format!(
                                "`{CLIENT_ID}` of {} is `{value}`, but {} — federated for this ServiceAccount by {} — has client id `{}`: the token exchange fails (AADSTS700016 or AADSTS70021)",
                                sa.display_name(),
                                identity.display,
                                fic.display,
                                client.text
                            ),
                        )
                        .help(format!("set `{CLIENT_ID}: \"{}\"`", client.text))
                        .related(client.file, client.span.clone(), format!("client id of {}", identity.display))
                        .related(fic.file, fic.anchor.clone(), "federated credential naming this ServiceAccount"),
                    );
                    break;
                }
            }
        }
        terraform_service_accounts(self.id(), ctx, out);
    }
}

/// `kubernetes_service_account` blocks whose client-id annotation references the wrong attribute.
fn terraform_service_accounts(rule: &str, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
    let tf = ctx.model.terraform();
    for ty in [
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
    ] {
        for (file, b) in tf.resources(ty) {
            let Some(annotations) = b
                .body
                .block("metadata")
                .and_then(|m| m.body.attr("annotations"))
            else {
                continue;
            };
            let Some(entry) = annotations.value.get(CLIENT_ID) else {
                continue;
            };
            let ExprKind::Reference(t) = &entry.value.kind else {
                continue;
            };
            let Some((rty, rname, attr)) = t.resource_attribute() else {
                continue;
            };
            let wrong = match (rty, attr) {
                ("azurerm_user_assigned_identity", "principal_id") => "principal (object) id",
                ("azurerm_user_assigned_identity", "id") => "resource id",
                ("azurerm_user_assigned_identity", "tenant_id") => "tenant id",
                ("azuread_application" | "azuread_service_principal", "object_id" | "id") => {
                    "object id"
                }
                _ => continue,
            };
            out.push(
                Finding::new(
                    rule,
                    file,
                    entry.value.span.clone(),
                    format!(
                        "`{CLIENT_ID}` of `{}` is `{t}`, the {wrong} of the identity, not its client id: Entra fails the token exchange with AADSTS700016",
                        b.address()
                    ),
                )
                .help(format!("use `{rty}.{rname}.client_id`")),
            );
        }
    }
}
