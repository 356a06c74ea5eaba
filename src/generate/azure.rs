//! Azure Workload ID: the ServiceAccount (client id, tenant id), the federated identity credential
//! (ASO, `az`, ARM, Terraform) and the pod-label patch for a workload. Shapes: research
//! azure-workload-identity.md §5 (ASO v1api20230131, ARM 2023-01-31, azurerm, `az identity
//! federated-credential create`), §3 (subject, issuer, audience, name rules), §6 (azwi).

use serde_json::json;

use super::{Bundle, Output, Result, check_label, check_subdomain, hcl, ident, invalid, sh, y};
use crate::model::values::is_guid;
use crate::rules::azure::{CLIENT_ID, TENANT_ID, USE_LABEL};

pub const AUDIENCE: &str = "api://AzureADTokenExchange";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The ServiceAccount (and the pod-label patch with --workload)
    Yaml,
    /// Azure Service Operator v2 FederatedIdentityCredential
    Aso,
    /// `az identity federated-credential create` script
    Az,
    /// ARM deployment template
    Arm,
    /// Terraform azurerm_federated_identity_credential
    Terraform,
}

#[derive(Debug, Clone)]
pub struct Params {
    pub namespace: String,
    pub service_account: String,
    pub client_id: String,
    pub tenant_id: Option<String>,
    pub issuer: String,
    pub identity: String,
    pub resource_group: String,
    /// FIC name; default `<namespace>-<service-account>`.
    pub fic_name: Option<String>,
    /// `kind/name` of the workload whose pods get the label (`deployment/web`).
    pub workload: Option<String>,
    pub formats: Vec<Format>,
}

/// The FIC name pattern `^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$` (ARM, ASO, az).
pub fn valid_fic_name(s: &str) -> bool {
    (3..=120).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `<ns>-<sa>` with everything else than letters, digits, `-`, `_` turned into `-`.
pub fn default_fic_name(namespace: &str, sa: &str) -> String {
    let raw: String = format!("{namespace}-{sa}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(120)
        .collect();
    raw
}

fn check(p: &Params) -> Result<String> {
    check_label("namespace", &p.namespace)?;
    check_subdomain("service account", &p.service_account)?;
    // The client id goes only into the ServiceAccount.
    if p.formats.contains(&Format::Yaml) && !is_guid(&p.client_id) {
        return invalid(format!(
            "--client-id `{}` is not a GUID: use the identity's clientId (`az identity show -g {} -n {} --query clientId -o tsv`)",
            p.client_id, p.resource_group, p.identity
        ));
    }
    if let Some(t) = &p.tenant_id
        && !is_guid(t)
    {
        return invalid(format!("--tenant-id `{t}` is not a GUID"));
    }
    if !p.issuer.starts_with("https://") || p.issuer.contains(char::is_whitespace) {
        return invalid(format!(
            "--issuer `{}` is not an https URL: use `az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`",
            p.issuer
        ));
    }
    let name = p
        .fic_name
        .clone()
        .unwrap_or_else(|| default_fic_name(&p.namespace, &p.service_account));
    if !valid_fic_name(&name) {
        return invalid(format!(
            "federated credential name `{name}` must be 3–120 letters, digits, `-` and `_`, starting with a letter or digit (--fic-name)"
        ));
    }
    Ok(name)
}

pub fn generate(p: &Params) -> Result<Bundle> {
    let fic = check(p)?;
    let mut b = Bundle::default();
    let sub = super::subject(&p.namespace, &p.service_account);
    if (p.issuer.contains(".oic.prod-aks.azure.") || p.issuer.contains("oidc.prod-aks.azure."))
        && !p.issuer.ends_with('/')
    {
        b.notes.push(format!(
            "the issuer `{}` has no trailing `/`, but AKS issuers end with one and the credential must equal the token's `iss` exactly (AADSTS70021); check `az aks show --query oidcIssuerProfile.issuerUrl`",
            p.issuer
        ));
    }
    for f in &p.formats {
        match f {
            Format::Yaml => {
                let mut ann = vec![(CLIENT_ID, p.client_id.clone())];
                if let Some(t) = &p.tenant_id {
                    ann.push((TENANT_ID, t.clone()));
                }
                b.outputs.push(Output {
                    file: format!("serviceaccount-{}.yaml", p.service_account),
                    content: super::service_account(&p.namespace, &p.service_account, &ann),
                    what: format!("ServiceAccount {}/{}", p.namespace, p.service_account),
                });
                if let Some(w) = &p.workload {
                    b.outputs.push(label_patch(p, w)?);
                }
            }
            Format::Aso => b.outputs.push(Output {
                file: format!("fic-{fic}.aso.yaml"),
                content: format!(
                    "apiVersion: managedidentity.azure.com/v1api20230131\nkind: FederatedIdentityCredential\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  owner:\n    name: {identity}\n{azure_name}  audiences:\n    - {AUDIENCE}\n  issuer: {issuer}\n  subject: {sub}\n",
                    name = y(&fic.to_ascii_lowercase().replace('_', "-")),
                    // `azureName` defaults to metadata.name, which cannot hold `_` or capitals.
                    azure_name = if fic.bytes().any(|b| b == b'_' || b.is_ascii_uppercase()) {
                        format!("  azureName: {}\n", y(&fic))
                    } else {
                        String::new()
                    },
                    ns = y(&p.namespace),
                    identity = y(&p.identity),
                    issuer = y(&p.issuer),
                    sub = y(&sub),
                ),
                what: format!(
                    "ASO FederatedIdentityCredential on UserAssignedIdentity `{}` (namespace {})",
                    p.identity, p.namespace
                ),
            }),
            Format::Az => b.outputs.push(Output {
                file: format!("fic-{fic}.sh"),
                content: format!(
                    "#!/bin/sh\n# Lets ServiceAccount {ns}/{sa} exchange its token for managed identity {identity}.\nset -eu\naz identity federated-credential create \\\n  --name {name} \\\n  --identity-name {identity_q} \\\n  --resource-group {rg} \\\n  --issuer {issuer} \\\n  --subject {sub} \\\n  --audiences {AUDIENCE}\n",
                    ns = p.namespace,
                    sa = p.service_account,
                    identity = p.identity,
                    name = sh(&fic),
                    identity_q = sh(&p.identity),
                    rg = sh(&p.resource_group),
                    issuer = sh(&p.issuer),
                    sub = sh(&sub),
                ),
                what: format!("az CLI script creating federated credential `{fic}`"),
            }),
            Format::Arm => b.outputs.push(Output {
                file: format!("fic-{fic}.json"),
                content: super::json(&json!({
                    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                    "contentVersion": "1.0.0.0",
                    "resources": [{
                        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                        "apiVersion": "2023-01-31",
                        "name": format!("{}/{fic}", p.identity),
                        "properties": {
                            "issuer": p.issuer,
                            "subject": sub,
                            "audiences": [AUDIENCE]
                        }
                    }]
                })),
                what: format!(
                    "ARM template of federated credential `{fic}` (deploy into resource group {})",
                    p.resource_group
                ),
            }),
            Format::Terraform => {
                let id = ident(&p.identity);
                b.outputs.push(Output {
                    file: format!("fic-{fic}.tf"),
                    content: format!(
                        "data \"azurerm_user_assigned_identity\" \"{id}\" {{\n  name                = {identity}\n  resource_group_name = {rg}\n}}\n\n# azurerm >= 4.65 (older providers: parent_id and resource_group_name instead of user_assigned_identity_id).\nresource \"azurerm_federated_identity_credential\" \"{fid}\" {{\n  name                      = {name}\n  user_assigned_identity_id = data.azurerm_user_assigned_identity.{id}.id\n  audience                  = [{aud}]\n  issuer                    = {issuer}\n  subject                   = {sub}\n}}\n",
                        identity = hcl(&p.identity),
                        rg = hcl(&p.resource_group),
                        fid = ident(&fic),
                        name = hcl(&fic),
                        aud = hcl(AUDIENCE),
                        issuer = hcl(&p.issuer),
                        sub = hcl(&sub),
                    ),
                    what: format!("Terraform azurerm_federated_identity_credential `{fic}`"),
                });
            }
        }
    }
    Ok(b)
}

/// A strategic-merge patch that labels the workload's pods and sets their ServiceAccount.
fn label_patch(p: &Params, workload: &str) -> Result<Output> {
    let Some((kind, name)) = workload.split_once('/') else {
        return invalid(format!(
            "--workload `{workload}` must be KIND/NAME, e.g. deployment/web"
        ));
    };
    check_subdomain("workload", name)?;
    let kind = kind.to_ascii_lowercase();
    let (open, indent) = match kind.as_str() {
        "deployment" | "statefulset" | "daemonset" | "replicaset" | "job" => {
            ("spec:\n  template:\n", "    ")
        }
        "cronjob" => (
            "spec:\n  jobTemplate:\n    spec:\n      template:\n",
            "        ",
        ),
        "pod" => ("", ""),
        _ => {
            return invalid(format!(
                "--workload kind `{kind}` has no pod template (deployment, statefulset, daemonset, replicaset, job, cronjob, pod)"
            ));
        }
    };
    let content = format!(
        "# kubectl patch {kind} {name} -n {ns} --patch-file patch-{name}.yaml\n{open}{indent}metadata:\n{indent}  labels:\n{indent}    {USE_LABEL}: \"true\"\n{indent}spec:\n{indent}  serviceAccountName: {sa}\n",
        ns = p.namespace,
        sa = y(&p.service_account),
    );
    Ok(Output {
        file: format!("patch-{name}.yaml"),
        content,
        what: format!("patch labelling the pods of {kind} {}/{name}", p.namespace),
    })
}
