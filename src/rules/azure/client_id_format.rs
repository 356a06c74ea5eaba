use std::ops::Range;

use crate::input::{Entry, ScalarKind, Style};
use crate::model::values::{is_guid, is_placeholder};
use crate::rules::{Context, Finding, Rule};

use super::CLIENT_ID;

/// AZ003: `azure.workload.identity/client-id` on a ServiceAccount whose value is not a GUID.
/// The webhook copies the annotation verbatim into `AZURE_CLIENT_ID` (no validation): empty means
/// no `AZURE_CLIENT_ID` at all (v1.5.1+); a resource id or a name fails the token exchange with
/// AADSTS700016. Placeholders (`${X}`, `<client-id>`, redacted `xxxx` GUIDs) are skipped.
pub struct ClientIdFormat;

impl Rule for ClientIdFormat {
    fn id(&self) -> &'static str {
        "AZ003"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for sa in ctx.model.service_accounts() {
            let Some(e) = sa.annotations.and_then(|a| a.entry(CLIENT_ID)) else {
                continue;
            };
            let text = ctx.model.source(sa.file).text.as_str();
            let block = e
                .value
                .scalar()
                .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded));
            let what = format!("`{CLIENT_ID}` of {}", sa.display_name());
            let (message, help) = match classify(e) {
                Value::Fine => continue,
                Value::Empty => (
                    format!(
                        "{what} is empty: the webhook injects no AZURE_CLIENT_ID (since v1.5.1) and the Azure SDK \
                         fails with `AZURE_CLIENT_ID environment variable is not set`"
                    ),
                    "set it to the managed identity's clientId (`az identity show -g <rg> -n <identity> --query clientId -o tsv`)"
                        .to_string(),
                ),
                Value::NotString { type_name, text } => (
                    format!("{what} is the {type_name} {text}, not a client id (a GUID such as 00000000-0000-0000-0000-000000000000)"),
                    "set it to the managed identity's clientId, quoted: `az identity show -g <rg> -n <identity> --query clientId -o tsv`"
                        .to_string(),
                ),
                Value::ResourceId { group, name } => (
                    format!(
                        "{what} is the ARM resource id of identity `{}`: use the identity's clientId, not its \
                         resource id (Entra fails with AADSTS700016 `Application with identifier '/subscriptions/…' was not found`)",
                        name.unwrap_or("…")
                    ),
                    format!(
                        "replace it with the output of `az identity show -g {} -n {} --query clientId -o tsv`",
                        group.unwrap_or("<rg>"),
                        name.unwrap_or("<identity>")
                    ),
                ),
                Value::Whitespace(trimmed) if block => (
                    format!(
                        "{what} is a block scalar, which keeps its trailing newline: the webhook copies \
                         \"{trimmed}\\n\" verbatim into AZURE_CLIENT_ID and Entra finds no application with that id"
                    ),
                    format!("write it on one line, quoted: `{CLIENT_ID}: \"{trimmed}\"`"),
                ),
                Value::Whitespace(trimmed) => (
                    format!(
                        "{what} has whitespace around the GUID: the webhook copies it verbatim into AZURE_CLIENT_ID and \
                         Entra finds no application with that id"
                    ),
                    format!("remove the whitespace: `{CLIENT_ID}: \"{trimmed}\"`"),
                ),
                Value::Undashed(guid) => (
                    format!("{what} is 32 hex digits without dashes, not a client id in GUID form (8-4-4-4-12)"),
                    format!("write it as a GUID: `{CLIENT_ID}: \"{guid}\"`"),
                ),
                Value::Other(text) => (
                    format!(
                        "{what} is `{}`, not a client id (a GUID): the webhook injects it as AZURE_CLIENT_ID and \
                         Entra fails the token exchange with AADSTS700016 (application not found)",
                        text.escape_debug()
                    ),
                    if looks_like_identity_name(text) {
                        format!(
                            "use the identity's clientId, not its name: `az identity show -g <rg> -n {text} --query clientId -o tsv`"
                        )
                    } else {
                        "set it to the managed identity's clientId: `az identity show -g <rg> -n <identity> --query clientId -o tsv`"
                            .to_string()
                    },
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
    ResourceId {
        group: Option<&'a str>,
        name: Option<&'a str>,
    },
    Whitespace(&'a str),
    Undashed(String),
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
    } else if is_guid(text) || is_placeholder(trimmed) || is_redacted_guid(trimmed) {
        Value::Fine
    } else if is_guid(trimmed) {
        Value::Whitespace(trimmed)
    } else if let Some((group, name)) = resource_id(trimmed) {
        Value::ResourceId { group, name }
    } else if trimmed.len() == 32 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        Value::Undashed(dashed(trimmed))
    } else {
        Value::Other(text)
    }
}

/// `7d8cdf74-xxxx-xxxx-xxxx-274d963d358b`: a GUID redacted for documentation, a placeholder.
fn is_redacted_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().any(|c| matches!(c, b'x' | b'X'))
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit() || matches!(c, b'x' | b'X'),
        })
}

/// `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`:
/// the resource group and identity name, when present.
fn resource_id(s: &str) -> Option<(Option<&str>, Option<&str>)> {
    let lower = s.to_ascii_lowercase();
    if !(lower.starts_with("/subscriptions/")
        || lower.contains("/providers/microsoft.managedidentity/"))
    {
        return None;
    }
    let parts: Vec<&str> = s.split('/').collect();
    let after = |key: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(key))
            .and_then(|i| parts.get(i + 1))
            .copied()
            .filter(|v| !v.is_empty())
    };
    Some((after("resourceGroups"), after("userAssignedIdentities")))
}

fn dashed(hex: &str) -> String {
    let parts = [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)];
    parts
        .iter()
        .filter_map(|&(a, b)| hex.get(a..b))
        .collect::<Vec<_>>()
        .join("-")
}

/// A managed identity name: letters, digits, `-` and `_` (3–128 characters).
fn looks_like_identity_name(s: &str) -> bool {
    (3..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
