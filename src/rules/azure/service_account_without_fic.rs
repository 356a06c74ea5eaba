use std::borrow::Cow;
use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt as _, HashSet, HashSetExt as _};

use crate::model::azure_identity::{Fic, Field, Form, TOKEN_EXCHANGE_AUDIENCE, parse_subject};
use crate::model::values::ascii_lowercase;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::subject_for;
use super::{CLIENT_ID, client_id_of, pod_opt_in};

/// AZ020: a ServiceAccount with `azure.workload.identity/client-id`, used by a labelled workload,
/// belongs to an identity whose federated credentials are in the inputs — but none names it.
/// The identity is found by its client id (ASO status, `az identity show`) or because another
/// ServiceAccount with the same client id is federated through it.
pub struct ServiceAccountWithoutFic;

/// The federated credentials of every identity that carries one client id.
struct ClientView<'a> {
    /// Known subjects of all of them.
    subjects: HashSet<&'a str>,
    /// Whether one has a subject only known at apply time (then nothing can be said).
    unknown: bool,
    /// The first three credentials in input order (shown as related locations).
    first: Vec<usize>,
}

impl Rule for ServiceAccountWithoutFic {
    fn id(&self) -> &'static str {
        "AZ020"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let azure = model.azure_identities();
        if azure.fics.is_empty() {
            return;
        }
        // client id (ASCII-lowercased) → identities, from identity documents and from federated
        // ServiceAccounts; built once, not per ServiceAccount.
        // Keyed by the ASCII-lowercased client id, copied only when it has uppercase letters.
        let mut by_client_id: HashMap<Cow<'_, str>, BTreeSet<&str>> = HashMap::new();
        for i in &azure.identities {
            if let Some(c) = &i.client_id {
                by_client_id
                    .entry(ascii_lowercase(&c.text))
                    .or_default()
                    .insert(&i.key);
            }
        }
        for fic in &azure.fics {
            let Some((ns, name)) = subject_of(fic) else {
                continue;
            };
            let Some(sa) = model.service_account_near(fic.file, ns, name) else {
                continue;
            };
            if let Some(c) = client_id_of(sa).and_then(|n| n.text()) {
                by_client_id
                    .entry(ascii_lowercase(c.trim()))
                    .or_default()
                    .insert(&fic.identity);
            }
        }
        // identity → indices of its federated credentials, ascending; and what its credentials'
        // subjects are, so a shared identity is not rescanned per ServiceAccount.
        let mut fics_by_identity: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut unknown_subject: HashSet<&str> = HashSet::new();
        for (i, f) in azure.fics.iter().enumerate() {
            fics_by_identity.entry(&f.identity).or_default().push(i);
            match &f.subject {
                Some(Field::Unknown(_)) => {
                    unknown_subject.insert(&f.identity);
                }
                Some(Field::Known(_)) | None => {}
            }
        }
        let mut views: HashMap<&str, ClientView<'_>> = HashMap::new();
        terraform_service_accounts(self.id(), ctx, out);
        for sa in model.service_accounts() {
            let Some(name) = sa.name else { continue };
            let Some(cid) = client_id_of(sa) else {
                continue;
            };
            let Some(client_id) = cid.text().map(str::trim) else {
                continue;
            };
            let labelled = model
                .workloads_running_as_account(sa)
                .any(|w| w.pod.as_ref().is_some_and(|p| pod_opt_in(p).is_some()));
            if !labelled {
                continue;
            }
            let Some((folded, keys)) = by_client_id.get_key_value(&*ascii_lowercase(client_id))
            else {
                continue;
            };
            // What the identities behind one client id say, worked out once per client id:
            // many ServiceAccounts (or identities) may share one.
            let view = views.entry(folded.as_ref()).or_insert_with(|| {
                let mut subjects: HashSet<&str> = HashSet::new();
                let mut first: Vec<usize> = Vec::new();
                for k in keys {
                    if let Some(list) = fics_by_identity.get(k) {
                        // Each list is in input order: three from each give the first three.
                        first.extend(list.iter().take(3));
                        for &i in list {
                            if let Some(Field::Known(s)) = &azure.fics[i].subject {
                                subjects.insert(s.text.as_str());
                            }
                        }
                    }
                }
                first.sort_unstable();
                first.truncate(3);
                ClientView {
                    subjects,
                    unknown: keys.iter().any(|k| unknown_subject.contains(k)),
                    first,
                }
            });
            if view.first.is_empty() {
                continue;
            }
            let wanted = subject_for(&sa.namespace, name);
            if view.subjects.contains(wanted.as_str()) || view.unknown {
                continue;
            }
            let indices = &view.first;
            let fics: Vec<&Fic> = indices.iter().map(|&i| &azure.fics[i]).collect();
            let sibling = fics[0];
            let issuer = sibling
                .issuer
                .as_ref()
                .and_then(Field::known)
                .map_or("<cluster issuer>", |l| l.text.as_str());
            let span = model
                .object(sa.id)
                .annotations
                .and_then(|a| a.entry(CLIENT_ID))
                .map_or(cid.span(), |e| e.value.span());
            let mut f = Finding::at(
                self.id(),
                sa,
                span,
                format!(
                    "{} uses the client id of {}, whose federated credentials in the inputs do not include subject `{wanted}`: its pods' token exchange fails with AADSTS700213",
                    sa.display_name(),
                    sibling.identity_display
                ),
            )
            .help(add_help(sibling, &wanted, issuer, &sa.namespace, name));
            for fic in fics.iter().take(3) {
                f = f.related(
                    fic.file,
                    fic.anchor.clone(),
                    format!("federated credential {} of the same identity", fic.display),
                );
            }
            out.push(f);
        }
    }
}

/// Terraform `kubernetes_service_account(_v1)` whose client-id annotation is
/// `azurerm_user_assigned_identity.<x>.client_id`: the identity is known by reference.
fn terraform_service_accounts(rule: &str, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
    use crate::input::terraform::Resolved;
    let azure = ctx.model.azure_identities();
    let tf = ctx.model.terraform();
    for ty in [
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
    ] {
        for (file, b) in tf.resources(ty) {
            let Some(meta) = b.body.block("metadata") else {
                continue;
            };
            let literal = |k: &str| {
                meta.body
                    .attr(k)
                    .and_then(|a| match tf.resolve(file, &a.value) {
                        Resolved::Literal { expr, .. } => expr.as_str().map(str::to_string),
                        Resolved::Unresolved { .. } => None,
                    })
            };
            let Some(name) = literal("name") else {
                continue;
            };
            let namespace = literal("namespace").unwrap_or_else(|| "default".into());
            let Some(entry) = meta
                .body
                .attr("annotations")
                .and_then(|a| a.value.get(CLIENT_ID))
            else {
                continue;
            };
            let Some(("azurerm_user_assigned_identity", id_name, "client_id")) = entry
                .value
                .as_reference()
                .and_then(|t| t.resource_attribute())
            else {
                continue;
            };
            let module = ctx.model.terraform().module(file);
            let key = format!("tf:{module}/azurerm_user_assigned_identity.{id_name}");
            let fics: Vec<&Fic> = azure.fics_of(&key).collect();
            let wanted = subject_for(&namespace, &name);
            // Said only when every credential of the identity has a subject known now and
            // none is this ServiceAccount's (a flexible or computed subject might match).
            let all_others = fics
                .iter()
                .all(|f| matches!(&f.subject, Some(Field::Known(s)) if s.text != wanted));
            if fics.is_empty() || !all_others {
                continue;
            }
            let sibling = fics[0];
            let mut f = Finding::new(
                rule,
                file,
                entry.value.span.clone(),
                format!(
                    "`{}` (ServiceAccount `{namespace}/{name}`) uses the client id of {}, whose federated credentials in the inputs do not include subject `{wanted}`: its pods' token exchange fails with AADSTS700213",
                    b.address(),
                    sibling.identity_display
                ),
            )
            .help(add_help(sibling, &wanted, "<cluster issuer>", &namespace, &name));
            for fic in fics.iter().take(3) {
                f = f.related(
                    fic.file,
                    fic.anchor.clone(),
                    format!("federated credential {} of the same identity", fic.display),
                );
            }
            out.push(f);
        }
    }
}

fn subject_of(fic: &Fic) -> Option<(&str, &str)> {
    match &fic.subject {
        Some(Field::Known(s)) => parse_subject(&s.text).ok(),
        _ => None,
    }
}

/// The credential to add, in the form the identity's other credentials use.
fn add_help(sibling: &Fic, subject: &str, issuer: &str, ns: &str, name: &str) -> String {
    let fic_name = format!("{ns}-{name}");
    match sibling.form {
        Form::Aso => format!(
            "add a FederatedIdentityCredential like {}: spec.subject `{subject}`, spec.issuer `{issuer}`, spec.audiences [`{TOKEN_EXCHANGE_AUDIENCE}`]",
            sibling.display
        ),
        Form::Terraform => format!(
            "add `resource \"azurerm_federated_identity_credential\" \"{}\"` with subject = \"{subject}\", issuer = the cluster's issuer, audience = [\"{TOKEN_EXCHANGE_AUDIENCE}\"], on the same identity as {}",
            fic_name.replace('-', "_"),
            sibling.display
        ),
        Form::Arm => format!(
            "add a `federatedIdentityCredentials` resource on {} with properties.subject `{subject}`, properties.issuer `{issuer}`, properties.audiences [`{TOKEN_EXCHANGE_AUDIENCE}`]",
            sibling.identity_display
        ),
        Form::AzCli => format!(
            "az identity federated-credential create --name {fic_name} --identity-name <identity> --resource-group <rg> --issuer {issuer} --subject {subject} --audience {TOKEN_EXCHANGE_AUDIENCE}"
        ),
    }
}
