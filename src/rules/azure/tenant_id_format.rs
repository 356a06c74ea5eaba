use crate::rules::azure::value_span;

use crate::input::Style;
use crate::rules::{Context, Finding, Rule, Scope};

use super::TENANT_ID;
use super::guid_value::{GuidValue, classify};

/// AZ004: `azure.workload.identity/tenant-id` on a ServiceAccount whose value is not a GUID.
/// The webhook prefers the annotation over its own tenant whenever the key is present, even if
/// empty: empty means no `AZURE_TENANT_ID` at all (v1.5.1+); anything else that is not a tenant
/// fails with AADSTS90002. Placeholders and verified domain names (`contoso.onmicrosoft.com`,
/// which Entra accepts as a tenant) are skipped.
pub struct TenantIdFormat;

impl Rule for TenantIdFormat {
    fn id(&self) -> &'static str {
        "AZ004"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let lookup = "`az account show --query tenantId -o tsv`";
        for sa in ctx.service_accounts() {
            let Some(e) = sa.annotations.and_then(|a| a.entry(TENANT_ID)) else {
                continue;
            };
            let text = ctx.model.source(sa.file).text.as_str();
            let block = e
                .value
                .scalar()
                .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded));
            let what = format!("`{TENANT_ID}` of {}", sa.display_name());
            let (message, help) = match classify(e, is_domain) {
                // Not meaningful for a tenant: report them as any other non-GUID text.
                GuidValue::ResourceId { .. } => (
                    format!(
                        "{what} is a resource id, not a tenant id (a GUID): the token request fails (AADSTS90002)"
                    ),
                    format!(
                        "set the identity's tenant id ({lookup}), or delete the annotation to use the cluster's tenant"
                    ),
                ),
                GuidValue::Undashed(dashed) => (
                    format!("{what} is a GUID without dashes; Entra expects the dashed form"),
                    format!("write `{TENANT_ID}: \"{dashed}\"`"),
                ),
                GuidValue::Fine => continue,
                GuidValue::Empty => (
                    format!(
                        "{what} is empty: the annotation still overrides the webhook's tenant, so no AZURE_TENANT_ID \
                         is injected (since v1.5.1) and the Azure SDK finds no tenant"
                    ),
                    format!(
                        "set the identity's tenant id ({lookup}), or delete the annotation to use the cluster's tenant"
                    ),
                ),
                GuidValue::NotString { type_name, text } => (
                    format!(
                        "{what} is the {type_name} {text}, not a tenant id (a GUID such as 00000000-0000-0000-0000-000000000000); a non-string annotation is rejected by the API server"
                    ),
                    format!(
                        "set the tenant id as a quoted string ({lookup}), or delete the annotation"
                    ),
                ),
                GuidValue::Whitespace(trimmed) if block => (
                    format!(
                        "{what} is a block scalar, which keeps its trailing newline: the webhook copies \
                         \"{trimmed}\\n\" verbatim into AZURE_TENANT_ID and the token request fails \
                         (the SDK rejects the tenant id, or Entra answers AADSTS90002)"
                    ),
                    format!("write it on one line, quoted: `{TENANT_ID}: \"{trimmed}\"`"),
                ),
                GuidValue::Whitespace(trimmed) => (
                    format!(
                        "{what} has whitespace around the GUID: the webhook copies it verbatim into AZURE_TENANT_ID and \
                         the token request fails (the SDK rejects the tenant id, or Entra answers AADSTS90002)"
                    ),
                    format!("remove the whitespace: `{TENANT_ID}: \"{trimmed}\"`"),
                ),
                GuidValue::Other(text) => (
                    format!(
                        "{what} is `{}`, not a tenant id (a GUID): the webhook injects it as AZURE_TENANT_ID and \
                         the token request fails (the SDK rejects the tenant id, or Entra answers \
                         AADSTS90002: tenant not found)",
                        text.escape_debug()
                    ),
                    format!(
                        "set the identity's tenant id ({lookup}), or delete the annotation to use the cluster's tenant"
                    ),
                ),
            };
            // Whitespace around a GUID, or a GUID without dashes: the intended value is certain.
            let fixed = match classify(e, is_domain) {
                GuidValue::Whitespace(trimmed) => Some(trimmed.to_string()),
                GuidValue::Undashed(dashed) => Some(dashed),
                _ => None,
            };
            let edits =
                fixed.and_then(|v| crate::fix::yaml::set_value(text, e, &v).map(|e| vec![e]));
            out.push(
                Finding::at(self.id(), sa, value_span(text, e), message)
                    .help(help)
                    .with_fix_opt("write the GUID alone, in 8-4-4-4-12 form", edits),
            );
        }
    }
}

/// A verified domain of the tenant (`contoso.onmicrosoft.com`): Entra accepts it in place of the id.
fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|l| l.len() >= 2 && l.bytes().all(|b| b.is_ascii_alphabetic()))
}
