//! `generate --from-findings PATHS…`: lint the inputs, then write what the findings say is
//! missing, as files ready to commit:
//! - AZ014 (the pod's ServiceAccount is defined nowhere): the ServiceAccount, with
//!   `--client-id` (else the `<client-id>` placeholder, listed in the notes);
//! - AZ013 (defined only in another namespace): a copy in the workload's namespace with the
//!   other one's client and tenant id, and its federated credential (its subject is new);
//! - AZ020 (a ServiceAccount whose identity has no credential for it): the credential;
//! - PI011 (a Pod Identity association names a ServiceAccount no input defines): the
//!   ServiceAccount.
//!
//! Credentials need `--issuer`, `--identity` and `--resource-group` (`--format` picks the forms);
//! without them the notes say what is missing.

use std::collections::BTreeMap;

use super::azure::{self, Format};
use super::{Bundle, Output, Result};
use crate::engine::{self, Options};
use crate::input::load::Inputs;
use crate::model::{Model, Object};
use crate::rules::azure::{CLIENT_ID, TENANT_ID, client_id_of};
use foldhash::{HashMap, HashMapExt as _};

#[derive(Debug, Clone, Default)]
pub struct Params {
    pub client_id: Option<String>,
    pub tenant_id: Option<String>,
    pub issuer: Option<String>,
    pub identity: Option<String>,
    pub resource_group: Option<String>,
    /// Forms of the federated credentials (default: az).
    pub formats: Vec<Format>,
}

pub fn generate(inputs: &Inputs, options: &Options, p: &Params) -> Result<Bundle> {
    let findings = engine::lint(inputs, options).findings;
    let model = Model::build(&inputs.files, &options.namespace);
    let mut b = Bundle::default();
    // (namespace, service account) → annotations, in a stable order; then FICs to write.
    let mut accounts: BTreeMap<(String, String), Vec<(&str, String)>> = BTreeMap::new();
    let mut fics: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    // Where a finding points → the first association or object there, in input order: indexed
    // once (a scan per finding made this quadratic: 2 s for 50k objects and 17k findings).
    let mut associations: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for (i, a) in model.aws().associations.iter().enumerate() {
        let spans = std::iter::once(a.anchor.clone()).chain(a.namespace.as_ref().map(|n| n.span()));
        for span in spans {
            associations
                .entry((a.file.0, span.start, span.end))
                .or_insert(i);
        }
    }
    let mut objects: HashMap<(&str, &str, &str), &Object<'_>> = HashMap::new();
    for o in &model.objects {
        if let Some(name) = o.name {
            objects
                .entry((o.kind, o.namespace.as_str(), name))
                .or_insert(o);
        }
    }
    for f in &findings {
        // PI011: an association names a ServiceAccount no input defines: write it (no annotation:
        // Pod Identity needs none).
        if f.rule.id == "PI011"
            && let Some(&i) = associations.get(&(f.file.0, f.span.start, f.span.end))
            && let a = &model.aws().associations[i]
            && let (Some(ns), Some(sa)) = (a.namespace(), a.service_account())
        {
            if let std::collections::btree_map::Entry::Vacant(v) =
                accounts.entry((ns.to_string(), sa.to_string()))
            {
                b.notes.push(format!(
                    "ServiceAccount {ns}/{sa} is written for its Pod Identity association (PI011); if the association names the wrong ServiceAccount, fix the association instead"
                ));
                v.insert(Vec::new());
            }
            continue;
        }
        if !matches!(f.rule.id.as_str(), "AZ014" | "AZ013" | "AZ020") {
            continue;
        }
        let Some(obj) = &f.object else { continue };
        let key = (obj.kind.as_str(), obj.namespace.as_str(), obj.name.as_str());
        let Some(&object) = objects.get(&key) else {
            continue;
        };
        match f.rule.id.as_str() {
            "AZ014" | "AZ013" => {
                let Some(pod) = &object.pod else { continue };
                let sa = pod.service_account.name.to_string();
                let key = (object.namespace.to_string(), sa.clone());
                if accounts.contains_key(&key) {
                    continue;
                }
                let others: Vec<_> = model.service_accounts_named(&sa).collect();
                let copied = (f.rule.id == "AZ013" && others.len() == 1)
                    .then(|| others[0])
                    .filter(|o| client_id_of(o).is_some());
                let mut ann = Vec::new();
                let client = copied
                    .and_then(|o| client_id_of(o).and_then(|n| n.text()).map(str::to_string))
                    .or_else(|| p.client_id.clone());
                match client {
                    Some(c) => ann.push((CLIENT_ID, c)),
                    None => {
                        b.notes.push(format!(
                            "ServiceAccount {}/{sa}: set `{CLIENT_ID}` to the identity's clientId (or pass --client-id)",
                            key.0
                        ));
                        ann.push((CLIENT_ID, "<client-id>".to_string()));
                    }
                }
                let tenant = copied
                    .and_then(|o| {
                        o.annotation(TENANT_ID)
                            .and_then(|n| n.text())
                            .map(str::to_string)
                    })
                    .or_else(|| p.tenant_id.clone());
                if let Some(t) = tenant {
                    ann.push((TENANT_ID, t));
                }
                fics.insert(key.clone(), ann.first().map(|(_, c)| c.clone()));
                accounts.insert(key, ann);
            }
            "AZ020" if object.is("ServiceAccount") => {
                if let Some(name) = object.name {
                    let client = client_id_of(object)
                        .and_then(|n| n.text())
                        .map(str::to_string);
                    fics.insert((object.namespace.to_string(), name.to_string()), client);
                }
            }
            _ => {}
        }
    }
    for ((ns, sa), ann) in &accounts {
        b.outputs.push(Output {
            file: format!("serviceaccount-{ns}-{sa}.yaml"),
            content: super::service_account(ns, sa, ann),
            what: format!("ServiceAccount {ns}/{sa}"),
        });
    }
    let formats = if p.formats.is_empty() {
        vec![Format::Az]
    } else {
        p.formats
            .iter()
            .copied()
            .filter(|f| *f != Format::Yaml)
            .collect()
    };
    for ((ns, sa), client) in &fics {
        let (Some(issuer), Some(identity), Some(rg)) = (&p.issuer, &p.identity, &p.resource_group)
        else {
            b.notes.push(format!(
                "ServiceAccount {ns}/{sa} needs a federated identity credential with subject system:serviceaccount:{ns}:{sa}: pass --issuer, --identity and --resource-group to write it"
            ));
            continue;
        };
        let params = azure::Params {
            namespace: ns.clone(),
            service_account: sa.clone(),
            client_id: client.clone().unwrap_or_default(),
            tenant_id: None,
            issuer: issuer.clone(),
            identity: identity.clone(),
            resource_group: rg.clone(),
            fic_name: None,
            workload: None,
            formats: formats.clone(),
        };
        let mut more = azure::generate(&params)?;
        b.outputs.append(&mut more.outputs);
        b.notes.append(&mut more.notes);
    }
    if b.outputs.is_empty() && b.notes.is_empty() {
        b.notes
            .push("the findings name nothing missing that can be generated".to_string());
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::load::load_text;

    #[test]
    fn copies_the_service_account_into_the_workloads_namespace() {
        let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: identity\n  annotations:\n    azure.workload.identity/client-id: \"00000000-0000-0000-0000-000000000001\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata:\n      labels: {app: api, azure.workload.identity/use: \"true\"}\n    spec:\n      serviceAccountName: api\n      containers: [{name: api, image: i}]\n";
        let mut inputs = Inputs::default();
        inputs.files.push(load_text("a.yaml", text).unwrap());
        let b = generate(&inputs, &Options::default(), &Params::default()).unwrap();
        assert_eq!(b.outputs.len(), 1, "{:?}", b.notes);
        assert!(b.outputs[0].content.contains("namespace: shop"));
        assert!(
            b.outputs[0]
                .content
                .contains("00000000-0000-0000-0000-000000000001")
        );
        assert!(b.notes.iter().any(|n| n.contains("--issuer")));
    }
}
