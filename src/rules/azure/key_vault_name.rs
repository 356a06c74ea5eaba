use std::ops::Range;

use crate::input::{FileId, Node};
use crate::rules::{Context, Finding, Rule, Scope};

use super::fic_common::is_placeholder;

/// AZ029: a Key Vault name in the inputs is not 3–24 characters of letters, digits and hyphens
/// (seed 000: "Ensure the key vault name is between 3-24 characters"). Names are read from ASO
/// `Vault` objects, SecretProviderClass `keyvaultName`, `https://<name>.vault.azure.net` values
/// in container env, ARM `Microsoft.KeyVault/vaults` resources and Terraform `azurerm_key_vault`.
pub struct KeyVaultName;

impl Rule for KeyVaultName {
    fn id(&self) -> &'static str {
        "AZ029"
    }

    /// Each object on its own; ARM templates and Terraform once (`whole_model_part`).
    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let mut names: Vec<(FileId, Range<usize>, String, &'static str)> = Vec::new();
        for o in ctx.objects() {
            if o.kind == "Vault" && o.group() == "keyvault.azure.com" {
                let n = o
                    .node
                    .get_path(&["spec", "azureName"])
                    .or_else(|| o.metadata.and_then(|m| m.get("name")));
                push_node(&mut names, o.file, n, "Key Vault");
            }
            if o.kind == "SecretProviderClass" {
                let n = o.node.get_path(&["spec", "parameters", "keyvaultName"]);
                push_node(&mut names, o.file, n, "keyvaultName");
            }
            // external-secrets `SecretStore` / `ClusterSecretStore` for Azure Key Vault.
            if o.kind.ends_with("SecretStore")
                && let Some(v) = o
                    .node
                    .get_path(&["spec", "provider", "azurekv", "vaultUrl"])
                && let Some(name) = v.as_str().and_then(vault_in_url)
            {
                let span = inner_span(&ctx.model.source(o.file).text, &v.span(), name);
                names.push((o.file, span, name.to_string(), "Key Vault URL"));
            }
            if let Some(pod) = &o.pod {
                for c in pod.containers() {
                    for (_, env) in c.env() {
                        if let Some(v) = env.get("value")
                            && let Some(text) = v.as_str()
                            && let Some(name) = vault_in_url(text)
                        {
                            let span = inner_span(&ctx.model.source(o.file).text, &v.span(), name);
                            names.push((o.file, span, name.to_string(), "Key Vault URL"));
                        }
                    }
                }
            }
        }
        let documents = if ctx.whole_model_part() {
            &ctx.model.documents[..]
        } else {
            &[]
        };
        for doc in documents {
            for r in doc
                .root
                .get("resources")
                .map(Node::items)
                .unwrap_or_default()
            {
                if r.get_str("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.KeyVault/vaults"))
                {
                    let n = r
                        .get("name")
                        .filter(|n| n.text().is_some_and(|t| !t.starts_with('[')));
                    push_node(&mut names, doc.file, n, "Key Vault");
                }
            }
        }
        if ctx.whole_model_part() {
            for (file, b) in ctx.model.terraform().resources("azurerm_key_vault") {
                if let Some(a) = b.body.attr("name")
                    && let Some(text) = a.value.as_str()
                {
                    names.push((file, a.value.span.clone(), text.to_string(), "Key Vault"));
                }
            }
        }
        for (file, span, name, what) in names {
            if is_placeholder(&name) {
                continue;
            }
            let Some(why) = problem(&name) else { continue };
            out.push(
                Finding::new(
                    self.id(),
                    file,
                    span,
                    format!("{what} name `{}` {why}: Azure Key Vault names are 3–24 characters of letters, digits and hyphens", name.escape_debug()),
                )
                .help(format!("use a name of 3–24 letters, digits and hyphens, e.g. `{}`", suggest(&name))),
            );
        }
    }
}

/// The name inside a URL value when it is written plainly, else the whole value.
fn inner_span(src: &str, value: &Range<usize>, name: &str) -> Range<usize> {
    match src.get(value.clone()).and_then(|s| s.find(name)) {
        Some(i) => value.start + i..value.start + i + name.len(),
        None => value.clone(),
    }
}

fn push_node(
    names: &mut Vec<(FileId, Range<usize>, String, &'static str)>,
    file: FileId,
    n: Option<&Node>,
    what: &'static str,
) {
    if let Some(n) = n
        && let Some(text) = n.as_str()
    {
        names.push((file, n.span(), text.to_string(), what));
    }
}

/// `https://<name>.vault.azure.net[/…]` → the name.
fn vault_in_url(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("https://")?;
    let host = rest.split('/').next()?;
    let name = host
        .strip_suffix(".vault.azure.net")
        .or_else(|| host.strip_suffix(".vault.usgovcloudapi.net"))
        .or_else(|| host.strip_suffix(".vault.azure.cn"))?;
    Some(name)
}

pub fn problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if !(3..=24).contains(&len) {
        return Some(format!("is {len} characters long"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!("contains `{}`", c.escape_debug()));
    }
    None
}

fn suggest(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(24)
        .collect();
    if s.len() < 3 { format!("{s}-kv") } else { s }
}
