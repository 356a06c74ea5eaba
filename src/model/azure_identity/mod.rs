//! Azure user-assigned identities and their federated identity credentials (FICs), read from
//! every form users keep them in, into one typed view with the exact span of every value:
//!
//! * Azure Service Operator v2 objects (`managedidentity.azure.com` `FederatedIdentityCredential`,
//!   `UserAssignedIdentity`);
//! * the JSON of `az identity federated-credential list/show -o json` (and `az ad app
//!   federated-credential list`), `az identity show/list -o json`, `az aks show -o json`;
//! * ARM templates (`Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`,
//!   top-level or nested under the identity, also inside nested deployments);
//! * Terraform `azurerm_federated_identity_credential`, `azuread_application_federated_identity_credential`
//!   and `azurerm_user_assigned_identity` blocks (plain references resolved across `.tf` inputs).
//!
//! Built once per run, on first use ([`Model::azure_identities`]); inputs without any of these
//! cost one pass over the objects and documents. Facts: research `azure-workload-identity.md` §3, §5.

use std::ops::Range;

use crate::input::{FileId, Node};

use super::index::Model;
use super::object::ObjectId;

mod sources;

use sources::{arm_template, aso_fic, aso_identity, az_item, terraform_items};

pub const FIC_ARM_TYPE: &str =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
pub const IDENTITY_ARM_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";
pub const ASO_GROUP: &str = "managedidentity.azure.com";
/// The audience of AKS service account tokens for Entra (webhook default).
pub const TOKEN_EXCHANGE_AUDIENCE: &str = "api://AzureADTokenExchange";

/// Which input form a credential or identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Aso,
    AzCli,
    Arm,
    Terraform,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Aso => "Azure Service Operator",
            Form::AzCli => "az CLI output",
            Form::Arm => "ARM template",
            Form::Terraform => "Terraform",
        }
    }
}

/// A string written in the inputs, where it is written.
#[derive(Debug, Clone)]
pub struct Located {
    pub text: String,
    pub file: FileId,
    /// The value's span (quotes included): replacing exactly this range changes the value.
    pub span: Range<usize>,
    /// Where the value is referenced from, when it was reached through a reference
    /// (Terraform `local.x`, ASO `subjectFromConfig`).
    pub via: Option<(FileId, Range<usize>)>,
}

/// A value that is set but not statically known (an ARM expression, a Terraform variable).
#[derive(Debug, Clone)]
pub struct Unknown {
    pub file: FileId,
    pub span: Range<usize>,
    /// Why, as a sentence fragment: "it is an ARM template expression".
    pub reason: String,
}

#[derive(Debug, Clone)]
pub enum Field {
    Known(Located),
    Unknown(Unknown),
}

impl Field {
    pub fn known(&self) -> Option<&Located> {
        match self {
            Field::Known(l) => Some(l),
            Field::Unknown(_) => None,
        }
    }
}

/// The audiences of a credential: a list (whose items may be unknown) or an unknown list.
#[derive(Debug, Clone)]
pub enum Audiences {
    List {
        file: FileId,
        span: Range<usize>,
        items: Vec<Field>,
    },
    Unknown(Unknown),
}

#[derive(Debug, Clone)]
pub struct Fic {
    pub form: Form,
    pub file: FileId,
    /// A one-line place for findings about the whole credential (its name, kind or labels).
    pub anchor: Range<usize>,
    /// The ASO object, for the JSON output's `object`.
    pub object: Option<ObjectId>,
    /// "FederatedIdentityCredential shop/orders-fic", "azurerm_federated_identity_credential.orders".
    pub display: String,
    /// The Azure name of the credential.
    pub name: Option<Field>,
    /// ASO without `spec.azureName`: the Azure name is `metadata.name`.
    pub name_from_metadata: bool,
    pub issuer: Option<Field>,
    pub subject: Option<Field>,
    pub audiences: Option<Audiences>,
    /// Span of `claimsMatchingExpression` when set (flexible FIC).
    pub claims_expression: Option<Range<usize>>,
    /// Key of the identity (or app registration) the credential belongs to; credentials with
    /// the same key are on the same identity.
    pub identity: String,
    /// The identity as a message names it.
    pub identity_display: String,
}

/// A user-assigned identity whose ids may be known from the inputs.
#[derive(Debug, Clone)]
pub struct Identity {
    pub form: Form,
    pub key: String,
    pub display: String,
    pub file: FileId,
    pub anchor: Range<usize>,
    pub client_id: Option<Located>,
    pub principal_id: Option<Located>,
    pub tenant_id: Option<Located>,
    /// The ARM resource id.
    pub resource_id: Option<Located>,
}

/// An OIDC issuer of a cluster found in the inputs (`az aks show -o json`, an exported AKS
/// resource, an ASO `ManagedCluster` status).
#[derive(Debug, Clone)]
pub struct ClusterIssuer {
    pub issuer: Located,
    pub cluster: String,
}

#[derive(Debug, Default)]
pub struct AzureIdentities {
    pub fics: Vec<Fic>,
    pub identities: Vec<Identity>,
    pub cluster_issuers: Vec<ClusterIssuer>,
    /// Identity key → its first identity, and → its credentials (indices, in input order):
    /// rules look these up per ServiceAccount or per credential.
    identity_by_key: foldhash::HashMap<String, usize>,
    fics_by_identity: foldhash::HashMap<String, Vec<usize>>,
}

impl<'a> Model<'a> {
    /// Identities, federated credentials and cluster issuers of all inputs (built once).
    pub fn azure_identities(&self) -> &AzureIdentities {
        self.azure.get_or_init(|| AzureIdentities::build(self))
    }
}

impl AzureIdentities {
    pub fn build(model: &Model<'_>) -> Self {
        let mut out = Self::default();
        // ConfigMaps for `*FromConfig`, indexed at the first ASO credential (each one scanned
        // all objects before).
        let mut config_maps = None;
        for o in &model.objects {
            if o.group() != ASO_GROUP {
                continue;
            }
            match o.kind {
                "FederatedIdentityCredential" => {
                    let maps = config_maps.get_or_insert_with(|| sources::config_maps(model));
                    out.fics.push(aso_fic(model, maps, o.id));
                }
                "UserAssignedIdentity" => out.identities.push(aso_identity(model, o.id)),
                _ => {}
            }
        }
        for o in &model.objects {
            if o.kind == "ManagedCluster"
                && o.group() == "containerservice.azure.com"
                && let Some(n) = o
                    .node
                    .get_path(&["status", "oidcIssuerProfile", "issuerURL"])
                && let Some(l) = located(o.file, n)
            {
                out.cluster_issuers.push(ClusterIssuer {
                    issuer: l,
                    cluster: o.display_name(),
                });
            }
        }
        for doc in &model.documents {
            let root = doc.root;
            if root.get_str("apiVersion").is_some() && root.get_str("kind").is_some() {
                continue;
            }
            if root.get("resources").is_some_and(|r| !r.items().is_empty()) {
                arm_template(doc.file, root, &mut out);
                continue;
            }
            let items: Vec<&Node> = match &root.value {
                crate::input::Value::Seq(items) => items.iter().collect(),
                crate::input::Value::Map(_) => vec![root],
                crate::input::Value::Scalar(_) => continue,
            };
            for item in items {
                az_item(doc.file, item, &mut out);
            }
        }
        let tf = model.terraform();
        if !tf.is_empty() {
            terraform_items(tf, &mut out);
        }
        for (i, identity) in out.identities.iter().enumerate() {
            out.identity_by_key.entry(identity.key.clone()).or_insert(i);
        }
        for (i, fic) in out.fics.iter().enumerate() {
            out.fics_by_identity
                .entry(fic.identity.clone())
                .or_default()
                .push(i);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.fics.is_empty() && self.identities.is_empty()
    }

    /// The credentials on one identity.
    pub fn fics_of<'s>(&'s self, identity: &'s str) -> impl Iterator<Item = &'s Fic> + 's {
        self.fics_by_identity
            .get(identity)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.fics[i])
    }

    pub fn identity(&self, key: &str) -> Option<&Identity> {
        self.identity_by_key.get(key).map(|&i| &self.identities[i])
    }
}

/// `system:serviceaccount:<namespace>:<name>`, split. `Err` says what is wrong.
pub fn parse_subject(subject: &str) -> Result<(&str, &str), String> {
    const PREFIX: &str = "system:serviceaccount:";
    if subject.trim() != subject {
        return Err("it has leading or trailing whitespace".into());
    }
    let Some(rest) = subject.strip_prefix(PREFIX) else {
        if subject
            .to_ascii_lowercase()
            .starts_with(&PREFIX.to_ascii_lowercase())
        {
            return Err(
                "the prefix is not exactly `system:serviceaccount:` (matching is case-sensitive)"
                    .into(),
            );
        }
        return Err("it does not start with `system:serviceaccount:`".into());
    };
    let Some((ns, name)) = rest.split_once(':') else {
        return Err(
            "it names no ServiceAccount after the namespace (`…:<namespace>:<name>`)".into(),
        );
    };
    if ns.is_empty() || name.is_empty() {
        return Err("the namespace or the ServiceAccount name is empty".into());
    }
    if name.contains(':') {
        return Err("it has more than two parts after `system:serviceaccount:`".into());
    }
    if subject.contains('*') {
        return Err("wildcards are not supported in a federated credential subject".into());
    }
    Ok((ns, name))
}

fn located(file: FileId, n: &Node) -> Option<Located> {
    Some(Located {
        text: n.text()?.to_string(),
        file,
        span: n.span(),
        via: None,
    })
}

/// A value node of a document (YAML/JSON): known text, or unknown when it is an ARM expression.
fn doc_field(file: FileId, n: &Node, arm: bool) -> Option<Field> {
    let text = n.text()?;
    if arm && text.starts_with('[') && !text.starts_with("[[") {
        return Some(Field::Unknown(Unknown {
            file,
            span: n.span(),
            reason: "it is an ARM template expression".into(),
        }));
    }
    Some(Field::Known(Located {
        text: text.to_string(),
        file,
        span: n.span(),
        via: None,
    }))
}

fn doc_audiences(file: FileId, n: &Node, arm: bool) -> Audiences {
    match &n.value {
        crate::input::Value::Seq(items) => Audiences::List {
            file,
            span: n.span(),
            items: items
                .iter()
                .filter_map(|i| doc_field(file, i, arm))
                .collect(),
        },
        _ => match doc_field(file, n, arm) {
            Some(Field::Unknown(u)) => Audiences::Unknown(u),
            // A single string where a list belongs: one item, so the count check still runs.
            Some(f @ Field::Known(_)) => Audiences::List {
                file,
                span: n.span(),
                items: vec![f],
            },
            None => Audiences::List {
                file,
                span: n.span(),
                items: Vec::new(),
            },
        },
    }
}

/// `…/userAssignedIdentities/<name>` in an ARM id (ids are case-insensitive).
fn identity_from_arm_id(id: &str) -> Option<(Option<String>, String)> {
    let lower = id.to_ascii_lowercase();
    let at = lower.find("/userassignedidentities/")? + "/userassignedidentities/".len();
    let name = id[at..].split('/').next()?.to_string();
    let rg = lower
        .find("/resourcegroups/")
        .map(|i| i + "/resourcegroups/".len())
        .and_then(|i| id[i..].split('/').next())
        .map(str::to_ascii_lowercase);
    Some((rg, name))
}

fn azure_identity_key(rg: Option<&str>, name: &str) -> String {
    format!(
        "azure:{}/{}",
        rg.unwrap_or("").to_ascii_lowercase(),
        name.to_ascii_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        assert_eq!(
            parse_subject("system:serviceaccount:shop:orders"),
            Ok(("shop", "orders"))
        );
        for bad in [
            "system:serviceaccount:shop",
            "system:serviceaccount::orders",
            "System:ServiceAccount:shop:orders",
            "serviceaccount:shop:orders",
            " system:serviceaccount:shop:orders",
            "system:serviceaccount:shop:*",
            "system:serviceaccount:shop:a:b",
        ] {
            assert!(parse_subject(bad).is_err(), "{bad}");
        }
    }

    fn build(files: &[(&str, &str)]) -> (Vec<crate::input::load::LoadedFile>, Vec<String>) {
        let loaded: Vec<_> = files
            .iter()
            .filter_map(|(p, t)| crate::input::load::load_text(p, t))
            .collect();
        let summary = {
            let model = Model::build(&loaded, "default");
            let az = model.azure_identities();
            az.fics
                .iter()
                .map(|f| {
                    let text = |v: &Option<Field>| match v {
                        Some(Field::Known(l)) => {
                            let src = &loaded[l.file.0].source.text[l.span.clone()];
                            format!("{}@{src}", l.text)
                        }
                        Some(Field::Unknown(u)) => format!("?{}", u.reason),
                        None => "-".into(),
                    };
                    format!(
                        "{:?} {} name={} subject={} issuer={}",
                        f.form,
                        f.identity,
                        text(&f.name),
                        text(&f.subject),
                        text(&f.issuer)
                    )
                })
                .collect()
        };
        (loaded, summary)
    }

    #[test]
    fn every_form_with_spans_and_identity() {
        let (_, fics) = build(&[
            (
                "arm.json",
                r#"{"resources": [{"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "name": "id1",
                   "resources": [{"type": "federatedIdentityCredentials", "name": "f1",
                     "properties": {"issuer": "[parameters('i')]", "subject": "system:serviceaccount:a:b", "audiences": ["x"]}}]},
                  {"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "name": "id1/f2",
                   "properties": {"issuer": "https://i/", "subject": "s", "audiences": ["x"]}}]}"#,
            ),
            (
                "az.json",
                r#"[{"name": "f3", "issuer": "https://i/", "subject": "system:serviceaccount:a:b", "audiences": ["x"],
                    "id": "/subscriptions/s/resourcegroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ID2/federatedIdentityCredentials/f3"}]"#,
            ),
            (
                "main.tf",
                "locals {\n  s = \"system:serviceaccount:a:c\"\n}\nresource \"azurerm_federated_identity_credential\" \"f\" {\n  name = \"f4\"\n  parent_id = azurerm_user_assigned_identity.u.id\n  subject = local.s\n  issuer = var.issuer\n  audience = [\"x\"]\n}\n",
            ),
            (
                "aso.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ns}\ndata: {sub: 'system:serviceaccount:ns:sa'}\n---\napiVersion: managedidentity.azure.com/v1api20230131\nkind: FederatedIdentityCredential\nmetadata: {name: f5, namespace: ns}\nspec:\n  owner: {name: id3}\n  subjectFromConfig: {name: cm, key: sub}\n  issuer: https://i/\n  audiences: [x]\n",
            ),
        ]);
        assert_eq!(
            fics,
            [
                "Aso aso:ns/id3 name=f5@f5 subject=system:serviceaccount:ns:sa@'system:serviceaccount:ns:sa' issuer=https://i/@https://i/",
                "Arm arm:0:id1 name=f1@\"f1\" subject=system:serviceaccount:a:b@\"system:serviceaccount:a:b\" issuer=?it is an ARM template expression",
                "Arm arm:0:id1 name=f2@f2 subject=s@\"s\" issuer=https://i/@\"https://i/\"",
                "AzCli azure:rg/id2 name=f3@\"f3\" subject=system:serviceaccount:a:b@\"system:serviceaccount:a:b\" issuer=https://i/@\"https://i/\"",
                "Terraform tf:/azurerm_user_assigned_identity.u name=f4@\"f4\" subject=system:serviceaccount:a:c@\"system:serviceaccount:a:c\" issuer=?`var.issuer` is an input variable, set outside the configuration",
            ]
        );
    }

    #[test]
    fn arm_ids() {
        assert_eq!(
            identity_from_arm_id(
                "/subscriptions/s/resourcegroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-id/federatedIdentityCredentials/f"
            ),
            Some((Some("rg".into()), "orders-id".into()))
        );
    }
}
