use crate::rules::azure::value_span;

use crate::input::Style;
use crate::rules::{Context, Finding, Rule, Scope};

use super::CLIENT_ID;
use super::guid_value::{GuidValue, classify};

/// AZ003: `azure.workload.identity/client-id` on a ServiceAccount whose value is not a GUID.
/// The webhook copies the annotation verbatim into `AZURE_CLIENT_ID` (no validation): empty means
/// no `AZURE_CLIENT_ID` at all (v1.5.1+); a resource id or a name fails the token exchange with
/// AADSTS700016. Placeholders (`${X}`, `<client-id>`, redacted `xxxx` GUIDs) are skipped.
pub struct ClientIdFormat;

impl Rule for ClientIdFormat {
    fn id(&self) -> &'static str {
        "AZ003"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for sa in ctx.service_accounts() {
            let Some(e) = sa.annotations.and_then(|a| a.entry(CLIENT_ID)) else {
                continue;
            };
            let text = ctx.model.source(sa.file).text.as_str();
            let block = e
                .value
                .scalar()
                .is_some_and(|s| matches!(s.style, Style::Literal | Style::Folded));
            let what = format!("`{CLIENT_ID}` of {}", sa.display_name());
            let (message, help) = match classify(e, |_| false) {
                GuidValue::Fine => continue,
                GuidValue::Empty => (
                    format!(
                        "{what} is empty: the webhook injects no AZURE_CLIENT_ID (since v1.5.1) and the Azure SDK \
                         fails with `AZURE_CLIENT_ID environment variable is not set`"
                    ),
                    "set it to the managed identity's clientId (`az identity show -g <rg> -n <identity> --query clientId -o tsv`)"
                        .to_string(),
                ),
                GuidValue::NotString { type_name, text } => (
                    format!("{what} is the {type_name} {text}, not a client id (a GUID such as 00000000-0000-0000-0000-000000000000); a non-string annotation is rejected by the API server"),
                    "set it to the managed identity's clientId, quoted: `az identity show -g <rg> -n <identity> --query clientId -o tsv`"
                        .to_string(),
                ),
                GuidValue::ResourceId { group, name } => (
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
                GuidValue::Whitespace(trimmed) if block => (
                    format!(
                        "{what} is a block scalar, which keeps its trailing newline: the webhook copies \
                         \"{trimmed}\\n\" verbatim into AZURE_CLIENT_ID and Entra finds no application with that id"
                    ),
                    format!("write it on one line, quoted: `{CLIENT_ID}: \"{trimmed}\"`"),
                ),
                GuidValue::Whitespace(trimmed) => (
                    format!(
                        "{what} has whitespace around the GUID: the webhook copies it verbatim into AZURE_CLIENT_ID and \
                         Entra finds no application with that id"
                    ),
                    format!("remove the whitespace: `{CLIENT_ID}: \"{trimmed}\"`"),
                ),
                GuidValue::Undashed(guid) => (
                    format!("{what} is 32 hex digits without dashes, not a client id in GUID form (8-4-4-4-12)"),
                    format!("write it as a GUID: `{CLIENT_ID}: \"{guid}\"`"),
                ),
                GuidValue::Other(text) => (
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
            // Whitespace around a GUID, or a GUID without dashes: the intended value is certain.
            let fixed = match classify(e, |_| false) {
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

/// A managed identity name: letters, digits, `-` and `_` (3–128 characters).
fn looks_like_identity_name(s: &str) -> bool {
    (3..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
