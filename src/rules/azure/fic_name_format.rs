use crate::model::azure_identity::Field;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, is_placeholder};

/// AZ024: a federated credential's name does not match `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$`
/// (ARM, ASO `azureName`, `az --name`). ASO defaults `azureName` to `metadata.name`, which may
/// contain `.` — Azure then rejects the credential ("Federated Identity Credential name … is invalid").
pub struct FicNameFormat;

impl Rule for FicNameFormat {
    fn id(&self) -> &'static str {
        "AZ024"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for fic in &ctx.model.azure_identities().fics {
            let Some(Field::Known(name)) = &fic.name else {
                continue;
            };
            if is_placeholder(&name.text) {
                continue;
            }
            let Some(why) = problem(&name.text) else {
                continue;
            };
            let (message, help) = if fic.name_from_metadata {
                (
                    format!(
                        "{} sets no spec.azureName, so its Azure name is metadata.name `{}`, which {why}: Azure rejects it (\"Federated Identity Credential name is invalid\")",
                        fic.display, name.text
                    ),
                    format!(
                        "set `spec.azureName: {}` (3–120 characters: a letter or digit, then letters, digits, `-`, `_`)",
                        suggest(&name.text)
                    ),
                )
            } else {
                (
                    format!(
                        "name `{}` of {} {why}: Azure rejects it (\"Federated Identity Credential name is invalid\")",
                        name.text.escape_debug(),
                        fic.display
                    ),
                    format!(
                        "use 3–120 characters: a letter or digit, then letters, digits, `-`, `_` — e.g. `{}`",
                        suggest(&name.text)
                    ),
                )
            };
            out.push(at_value(self.id(), ctx, fic, name, message).help(help));
        }
    }
}

/// Why a name does not match `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$`.
pub fn problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len < 3 {
        return Some("is shorter than 3 characters".into());
    }
    if len > 120 {
        return Some(format!("is {len} characters long (at most 120)"));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Some("does not start with a letter or digit".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Some(format!(
            "contains `{}` (only letters, digits, `-` and `_` are allowed)",
            c.escape_debug()
        ));
    }
    None
}

fn suggest(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(120)
        .collect();
    while s.chars().count() < 3 {
        s.push_str("-fic");
    }
    s
}
