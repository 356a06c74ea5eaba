use std::ops::Range;

use crate::input::{Entry, ScalarKind, Style};
use crate::model::values::{is_guid, is_placeholder};
use crate::rules::{Context, Finding, Rule};

use super::TENANT_ID;

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

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let lookup = "`az account show --query tenantId -o tsv`";
        for sa in ctx.model.service_accounts() {
            let Some(e) = sa.annotations.and_then(|a| a.entry(TENANT_ID)) else {
                continue;
            };
            let text = ctx.model.source(sa.file).text.as_str();
            let block = e
                .value
                .scalar()
                .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded));
            let what = format!("`{TENANT_ID}` of {}", sa.display_name());
            let (message, help) = match classify(e) {
                Value::Fine => continue,
                Value::Empty => (
                    format!(
                        "{what} is empty: the annotation still overrides the webhook's tenant, so no AZURE_TENANT_ID \
                         is injected (since v1.5.1) and the Azure SDK finds no tenant"
                    ),
                    format!(
                        "set the identity's tenant id ({lookup}), or delete the annotation to use the cluster's tenant"
                    ),
                ),
                Value::NotString { type_name, text } => (
                    format!(
                        "{what} is the {type_name} {text}, not a tenant id (a GUID such as 00000000-0000-0000-0000-000000000000)"
                    ),
                    format!(
                        "set the tenant id as a quoted string ({lookup}), or delete the annotation"
                    ),
                ),
                Value::Whitespace(trimmed) if block => (
                    format!(
                        "{what} is a block scalar, which keeps its trailing newline: the webhook copies \
                         \"{trimmed}\\n\" verbatim into AZURE_TENANT_ID and the token request fails \
                         (the SDK rejects the tenant id, or Entra answers AADSTS90002)"
                    ),
                    format!("write it on one line, quoted: `{TENANT_ID}: \"{trimmed}\"`"),
                ),
                Value::Whitespace(trimmed) => (
                    format!(
                        "{what} has whitespace around the GUID: the webhook copies it verbatim into AZURE_TENANT_ID and \
                         the token request fails (the SDK rejects the tenant id, or Entra answers AADSTS90002)"
                    ),
                    format!("remove the whitespace: `{TENANT_ID}: \"{trimmed}\"`"),
                ),
                Value::Other(text) => (
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
            out.push(Finding::at(self.id(), sa, value_span(text, e), message).help(help));
        }
    }
}

enum Value<'a> {
    Fine,
    Empty,
    NotString {
        type_name: &'static str,
        text: &'a str,
    },
    Whitespace(&'a str),
    Other(&'a str),
}

fn classify(e: &Entry) -> Value<'_> {
    let Some(s) = e.value.scalar() else {
        return Value::NotString {
            type_name: if e.value.is_map() { "mapping" } else { "list" },
            text: if e.value.is_map() { "{…}" } else { "[…]" },
        };
    };
    let text = s.text.as_str();
    match s.kind {
        ScalarKind::Null => return Value::Empty,
        ScalarKind::String => {}
        kind => {
            return Value::NotString {
                type_name: kind.type_name(),
                text,
            };
        }
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Value::Empty
    } else if is_guid(text)
        || is_placeholder(trimmed)
        || is_redacted_guid(trimmed)
        || is_domain(text)
    {
        Value::Fine
    } else if is_guid(trimmed) {
        Value::Whitespace(trimmed)
    } else {
        Value::Other(text)
    }
}

/// `5a02a20e-xxxx-xxxx-xxxx-0ad5b634c5d8`: a GUID redacted for documentation, a placeholder.
fn is_redacted_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().any(|c| matches!(c, b'x' | b'X'))
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit() || matches!(c, b'x' | b'X'),
        })
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

/// The value; the key when the value is an empty (zero-width) null; the `|`/`>` indicator of
/// a block scalar (whose content spans several lines).
fn value_span(text: &str, e: &Entry) -> Range<usize> {
    let value = &e.value.span;
    if value.is_empty() {
        return e.key.span.clone();
    }
    if e.value
        .scalar()
        .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded))
    {
        let between = text.get(e.key.span.end..value.start).unwrap_or("");
        return match between.find(['|', '>']) {
            Some(i) => {
                let start = e.key.span.end + i;
                let len = between[i..]
                    .find(|c: char| c.is_whitespace() || c == '#')
                    .unwrap_or(between.len() - i);
                start..start + len
            }
            None => e.key.span.clone(),
        };
    }
    value.clone()
}
