//! Readers for each input form: ASO objects, `az` JSON, ARM templates, Terraform blocks.

use std::ops::Range;

use crate::input::terraform::{Expr, ExprKind, Resolved, TerraformIndex};
use crate::input::{FileId, Node};

use super::super::index::Model;
use super::super::object::{Object, ObjectId};
use super::{
    Audiences, AzureIdentities, ClusterIssuer, FIC_ARM_TYPE, Fic, Field, Form, IDENTITY_ARM_TYPE,
    Identity, Located, Unknown, azure_identity_key, doc_audiences, doc_field, identity_from_arm_id,
    located,
};

// --- ASO ----------------------------------------------------------------------------------

/// Core ConfigMaps by (namespace, name), in input order: ASO's `*FromConfig` reads them.
pub(super) type ConfigMaps<'m> = foldhash::HashMap<(&'m str, &'m str), Vec<&'m Object<'m>>>;

pub(super) fn config_maps<'m>(model: &'m Model<'_>) -> ConfigMaps<'m> {
    let mut maps: ConfigMaps<'m> = Default::default();
    for c in &model.objects {
        if c.kind == "ConfigMap"
            && c.group().is_empty()
            && let Some(name) = c.name
        {
            maps.entry((c.namespace.as_str(), name))
                .or_default()
                .push(c);
        }
    }
    maps
}

pub(super) fn aso_fic(model: &Model<'_>, config_maps: &ConfigMaps<'_>, id: ObjectId) -> Fic {
    let o = model.object(id);
    let spec = o.node.get("spec");
    let get = |k: &str| spec.and_then(|s| s.get(k));
    let azure_name = get("azureName");
    let name_node = azure_name.or_else(|| o.metadata.and_then(|m| m.get("name")));
    let from_config = |field: &str, config: &str| -> Option<Field> {
        if let Some(n) = get(field) {
            return doc_field(o.file, n, false);
        }
        let entry = spec?.entry(config)?;
        Some(config_map_value(
            config_maps,
            &o.namespace,
            o.file,
            &entry.value,
            entry.key.span(),
        ))
    };
    let owner = get("owner");
    let (identity, identity_display) = match (
        owner.and_then(|w| w.get_str("name")),
        owner.and_then(|w| w.get_str("armId")),
    ) {
        (Some(name), _) => (
            format!("aso:{}/{name}", o.namespace),
            format!("UserAssignedIdentity {}/{name}", o.namespace),
        ),
        (None, Some(arm)) => match identity_from_arm_id(arm) {
            Some((rg, name)) => (
                azure_identity_key(rg.as_deref(), &name),
                format!("identity `{name}`"),
            ),
            None => (format!("arm:{arm}"), format!("identity `{arm}`")),
        },
        _ => (format!("aso-fic:{}", o.id.0), "its owner".into()),
    };
    Fic {
        form: Form::Aso,
        file: o.file,
        anchor: name_node.map_or_else(|| o.node.span(), |n| n.span()),
        object: Some(id),
        display: o.display_name(),
        name: name_node.and_then(|n| doc_field(o.file, n, false)),
        name_from_metadata: azure_name.is_none(),
        issuer: from_config("issuer", "issuerFromConfig"),
        subject: from_config("subject", "subjectFromConfig"),
        audiences: get("audiences").map(|n| doc_audiences(o.file, n, false)),
        claims_expression: get("claimsMatchingExpression").map(|n| n.span()),
        identity,
        identity_display,
    }
}

/// ASO `*FromConfig: {name, key}`: the ConfigMap's value when the inputs define it.
fn config_map_value(
    config_maps: &ConfigMaps<'_>,
    namespace: &str,
    file: FileId,
    cfg: &Node,
    key_span: Range<usize>,
) -> Field {
    let name = cfg.get_str("name");
    let key = cfg.get_str("key");
    let value = name
        .and_then(|name| config_maps.get(&(namespace, name)))
        .into_iter()
        .flatten()
        .find_map(|c| Some((c.file, c.node.get("data")?.get(key?)?)));
    match value.and_then(|(f, n)| located(f, n)) {
        Some(mut l) => {
            l.via = Some((file, key_span));
            Field::Known(l)
        }
        None => Field::Unknown(Unknown {
            file,
            span: key_span,
            reason: format!(
                "it is read from ConfigMap `{}/{}` key `{}`, which no input defines",
                namespace,
                name.unwrap_or("?"),
                key.unwrap_or("?")
            ),
        }),
    }
}

pub(super) fn aso_identity(model: &Model<'_>, id: ObjectId) -> Identity {
    let o = model.object(id);
    let status = |k: &str| {
        o.node
            .get_path(&["status", k])
            .and_then(|n| located(o.file, n))
    };
    let name = o.name.unwrap_or("<unnamed>");
    Identity {
        form: Form::Aso,
        key: format!("aso:{}/{name}", o.namespace),
        display: o.display_name(),
        file: o.file,
        anchor: o
            .metadata
            .and_then(|m| m.get("name"))
            .map_or_else(|| o.node.span(), |n| n.span()),
        client_id: status("clientId"),
        principal_id: status("principalId"),
        tenant_id: status("tenantId"),
        resource_id: status("id"),
    }
}

// --- az CLI JSON ----------------------------------------------------------------------------

pub(super) fn az_item(file: FileId, item: &Node, out: &mut AzureIdentities) {
    if !item.is_map() {
        return;
    }
    let ty = item.get_str("type").unwrap_or("");
    let id = item.get_str("id").unwrap_or("");
    let is_fic = item.get("issuer").is_some()
        && item.get("audiences").is_some()
        && item.get("properties").is_none()
        && (ty.eq_ignore_ascii_case(FIC_ARM_TYPE)
            || id.to_ascii_lowercase().contains("/federatedidentitycredentials/")
            // `az ad app federated-credential list`: Graph objects, no type.
            || (ty.is_empty()
                && item.get("name").is_some()
                && (item.get("subject").is_some() || item.get("claimsMatchingExpression").is_some())));
    if is_fic {
        let (identity, identity_display) = match identity_from_arm_id(id) {
            Some((rg, name)) => (
                azure_identity_key(rg.as_deref().or(item.get_str("resourceGroup")), &name),
                format!("identity `{name}`"),
            ),
            None => (
                format!("az-file:{}", file.0),
                "the same identity or app".into(),
            ),
        };
        let name = item.get("name");
        out.fics.push(Fic {
            form: Form::AzCli,
            file,
            anchor: name.map_or_else(|| item.span(), |n| n.span()),
            object: None,
            display: format!(
                "federated credential `{}`",
                name.and_then(Node::text).unwrap_or("<unnamed>")
            ),
            name: name.and_then(|n| doc_field(file, n, false)),
            name_from_metadata: false,
            issuer: item.get("issuer").and_then(|n| doc_field(file, n, false)),
            subject: item
                .get("subject")
                .filter(|n| !n.is_null())
                .and_then(|n| doc_field(file, n, false)),
            audiences: item.get("audiences").map(|n| doc_audiences(file, n, false)),
            claims_expression: item
                .get("claimsMatchingExpression")
                .filter(|n| !n.is_null())
                .map(|n| n.span()),
            identity,
            identity_display,
        });
        return;
    }
    if ty.eq_ignore_ascii_case(IDENTITY_ARM_TYPE) && item.get("clientId").is_some() {
        let name = item.get_str("name").unwrap_or("<unnamed>");
        let rg = identity_from_arm_id(id)
            .and_then(|(rg, _)| rg)
            .or_else(|| item.get_str("resourceGroup").map(str::to_string));
        out.identities.push(Identity {
            form: Form::AzCli,
            key: azure_identity_key(rg.as_deref(), name),
            display: format!("identity `{name}`"),
            file,
            anchor: item.get("name").map_or_else(|| item.span(), |n| n.span()),
            client_id: item.get("clientId").and_then(|n| located(file, n)),
            principal_id: item.get("principalId").and_then(|n| located(file, n)),
            tenant_id: item.get("tenantId").and_then(|n| located(file, n)),
            resource_id: item.get("id").and_then(|n| located(file, n)),
        });
        return;
    }
    // `az aks show -o json`: the cluster's issuer.
    if let Some(n) = item
        .get("oidcIssuerProfile")
        .and_then(|p| p.get("issuerUrl").or_else(|| p.get("issuerURL")))
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
        && let Some(l) = located(file, n)
    {
        out.cluster_issuers.push(ClusterIssuer {
            issuer: l,
            cluster: format!("cluster `{}`", item.get_str("name").unwrap_or("?")),
        });
    }
}

// --- ARM templates --------------------------------------------------------------------------

pub(super) fn arm_template(file: FileId, root: &Node, out: &mut AzureIdentities) {
    for r in root.get("resources").map(Node::items).unwrap_or_default() {
        arm_resource(file, r, None, out);
    }
}

/// One ARM resource; `parent` is the enclosing identity's name node for nested resources.
fn arm_resource(file: FileId, r: &Node, parent: Option<&Node>, out: &mut AzureIdentities) {
    let ty = r.get_str("type").unwrap_or("");
    let name = r.get("name");
    let name_text = name.and_then(Node::text).unwrap_or("");
    let is_fic = ty.eq_ignore_ascii_case(FIC_ARM_TYPE)
        || (parent.is_some() && ty.eq_ignore_ascii_case("federatedIdentityCredentials"));
    if is_fic {
        let props = r.get("properties");
        let prop = |k: &str| props.and_then(|p| p.get(k));
        // Top level: name is `<identity>/<fic>`; nested: the parent names the identity.
        let (identity_name, fic_name) = match parent {
            Some(p) => (p.text().unwrap_or("?").to_string(), Some(name_text)),
            None => match name_text.split_once('/') {
                Some((i, f)) if !name_text.starts_with('[') => (i.to_string(), Some(f)),
                _ => (name_text.to_string(), None),
            },
        };
        let name_field = match (name, fic_name) {
            (Some(n), Some(f)) if !f.starts_with('[') && parent.is_none() => {
                // Point at the FIC part of `<identity>/<fic>` inside the quotes.
                let at = n.span().start + 1 + identity_name.len() + 1;
                Some(Field::Known(Located {
                    text: f.to_string(),
                    file,
                    span: at..at + f.len(),
                    via: None,
                }))
            }
            (Some(n), _) => doc_field(file, n, true),
            _ => None,
        };
        let name_field = match (name_field, name) {
            // `<identity>/<fic>` spans computed from the text only hold for plain JSON strings.
            (Some(Field::Known(l)), Some(n)) if n.span().len() != name_text.len() + 2 => {
                Some(Field::Known(Located {
                    span: n.span(),
                    ..l
                }))
            }
            (f, _) => f,
        };
        out.fics.push(Fic {
            form: Form::Arm,
            file,
            anchor: name.map_or_else(|| r.span(), |n| n.span()),
            object: None,
            display: format!("ARM resource `{name_text}`"),
            name: name_field,
            name_from_metadata: false,
            issuer: prop("issuer").and_then(|n| doc_field(file, n, true)),
            subject: prop("subject")
                .filter(|n| !n.is_null())
                .and_then(|n| doc_field(file, n, true)),
            audiences: prop("audiences").map(|n| doc_audiences(file, n, true)),
            claims_expression: prop("claimsMatchingExpression")
                .filter(|n| !n.is_null())
                .map(|n| n.span()),
            identity: format!("arm:{}:{}", file.0, identity_name.to_ascii_lowercase()),
            identity_display: format!("identity `{identity_name}`"),
        });
    }
    let is_identity = ty.eq_ignore_ascii_case(IDENTITY_ARM_TYPE);
    for child in r.get("resources").map(Node::items).unwrap_or_default() {
        arm_resource(file, child, if is_identity { name } else { None }, out);
    }
    // Nested deployments carry a whole template.
    if ty.eq_ignore_ascii_case("Microsoft.Resources/deployments")
        && let Some(t) = r.get_path(&["properties", "template"])
    {
        arm_template(file, t, out);
    }
}

// --- Terraform ------------------------------------------------------------------------------

fn tf_field<'a>(tf: &TerraformIndex<'a>, file: FileId, e: &'a Expr) -> Field {
    match tf.resolve(file, e) {
        Resolved::Literal { file: at, expr } => match expr.as_str() {
            Some(text) => Field::Known(Located {
                text: text.to_string(),
                file: at,
                span: expr.span.clone(),
                via: (at != file || expr.span != e.span).then(|| (file, e.span.clone())),
            }),
            None => Field::Unknown(Unknown {
                file,
                span: e.span.clone(),
                reason: "it is not a string".into(),
            }),
        },
        Resolved::Unresolved { reason } => Field::Unknown(Unknown {
            file,
            span: e.span.clone(),
            reason,
        }),
    }
}

fn tf_audiences<'a>(tf: &TerraformIndex<'a>, file: FileId, e: &'a Expr) -> Audiences {
    match tf.resolve(file, e) {
        Resolved::Literal { file: at, expr } if expr.as_list().is_some() => Audiences::List {
            file: at,
            span: expr.span.clone(),
            items: expr
                .as_list()
                .unwrap_or_default()
                .iter()
                .map(|i| tf_field(tf, at, i))
                .collect(),
        },
        Resolved::Literal { file: at, expr } => Audiences::List {
            file: at,
            span: expr.span.clone(),
            items: vec![tf_field(tf, at, expr)],
        },
        Resolved::Unresolved { reason } => Audiences::Unknown(Unknown {
            file,
            span: e.span.clone(),
            reason,
        }),
    }
}

pub(super) fn terraform_items(tf: &TerraformIndex<'_>, out: &mut AzureIdentities) {
    for (ty, audience_key, name_key, parent_keys) in [
        (
            "azurerm_federated_identity_credential",
            "audience",
            "name",
            &["user_assigned_identity_id", "parent_id"][..],
        ),
        (
            "azuread_application_federated_identity_credential",
            "audiences",
            "display_name",
            &["application_id", "application_object_id"][..],
        ),
    ] {
        for (file, b) in tf.resources(ty) {
            let attr = |k: &str| b.body.attr(k).map(|a| &a.value);
            let parent = parent_keys.iter().find_map(|k| attr(k));
            let (identity, identity_display) = match parent {
                Some(p) => match (&p.kind, p.as_str()) {
                    (ExprKind::Reference(t), _) => {
                        let path = t.attr_path();
                        let addr = match path.first() {
                            Some(name) => format!("{}.{name}", t.root),
                            None => t.to_string(),
                        };
                        (
                            format!("tf:{}/{addr}", tf.module(file)),
                            format!("`{addr}`"),
                        )
                    }
                    (_, Some(id)) => match identity_from_arm_id(id) {
                        Some((rg, name)) => (
                            azure_identity_key(rg.as_deref(), &name),
                            format!("identity `{name}`"),
                        ),
                        None => (format!("tf-id:{id}"), format!("`{id}`")),
                    },
                    _ => (
                        format!("tf-block:{}:{}", file.0, b.span.start),
                        "its parent".into(),
                    ),
                },
                None => (
                    format!("tf-block:{}:{}", file.0, b.span.start),
                    "its parent".into(),
                ),
            };
            out.fics.push(Fic {
                form: Form::Terraform,
                file,
                anchor: b.anchor(),
                object: None,
                display: format!("`{}`", b.address()),
                name: attr(name_key).map(|e| tf_field(tf, file, e)),
                name_from_metadata: false,
                issuer: attr("issuer").map(|e| tf_field(tf, file, e)),
                subject: attr("subject").map(|e| tf_field(tf, file, e)),
                audiences: attr(audience_key).map(|e| tf_audiences(tf, file, e)),
                claims_expression: attr("claims_matching_expression").map(|e| e.span.clone()),
                identity,
                identity_display,
            });
        }
    }
    for (file, b) in tf.resources("azurerm_user_assigned_identity") {
        out.identities.push(Identity {
            form: Form::Terraform,
            key: format!("tf:{}/{}", tf.module(file), b.address()),
            display: format!("`{}`", b.address()),
            file,
            anchor: b.anchor(),
            client_id: None,
            principal_id: None,
            tenant_id: None,
            resource_id: None,
        });
    }
}
