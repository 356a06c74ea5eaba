//! How a value meant to be an Entra GUID (client id, tenant id) is wrong, shared by the rules
//! that check one.

use crate::input::{Entry, ScalarKind};
use crate::model::values::{is_guid, is_placeholder, is_redacted_guid};

pub enum GuidValue<'a> {
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

pub fn classify<'a>(e: &'a Entry, also_fine: impl Fn(&str) -> bool) -> GuidValue<'a> {
    let Some(s) = e.value.scalar() else {
        return GuidValue::NotString {
            type_name: if e.value.is_map() { "mapping" } else { "list" },
            text: if e.value.is_map() { "{…}" } else { "[…]" },
        };
    };
    let text = s.text.as_str();
    match s.kind {
        ScalarKind::Null => return GuidValue::Empty,
        ScalarKind::String => {}
        kind => {
            return GuidValue::NotString {
                type_name: kind.type_name(),
                text,
            };
        }
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        GuidValue::Empty
    } else if is_guid(text)
        || is_placeholder(trimmed)
        || is_redacted_guid(trimmed)
        || also_fine(text)
    {
        GuidValue::Fine
    } else if is_guid(trimmed) {
        GuidValue::Whitespace(trimmed)
    } else if let Some((group, name)) = resource_id(trimmed) {
        GuidValue::ResourceId { group, name }
    } else if trimmed.len() == 32 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        GuidValue::Undashed(dashed(trimmed))
    } else {
        GuidValue::Other(text)
    }
}

/// `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`:
/// the resource group and identity name, when present.
pub fn resource_id(s: &str) -> Option<(Option<&str>, Option<&str>)> {
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

pub fn dashed(hex: &str) -> String {
    let parts = [(0, 8), (8, 12), (12, 16), (16, 20), (20, 32)];
    parts
        .iter()
        .filter_map(|&(a, b)| hex.get(a..b))
        .collect::<Vec<_>>()
        .join("-")
}
