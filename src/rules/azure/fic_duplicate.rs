use foldhash::{HashMap, HashMapExt as _};

use crate::model::azure_identity::Field;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::fic_finding;

/// AZ026: two federated credentials on one identity with the same issuer and subject (Azure:
/// "Issuer and subject combination already exists for this Managed Identity"), or the same name.
pub struct FicDuplicate;

impl Rule for FicDuplicate {
    fn id(&self) -> &'static str {
        "AZ026"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let fics = &ctx.model.azure_identities().fics;
        let mut pairs: HashMap<(&str, &str, &str), usize> = HashMap::new();
        let mut names: HashMap<(&str, String), usize> = HashMap::new();
        for (i, fic) in fics.iter().enumerate() {
            let known = known_text;
            if let (Some(issuer), Some(subject)) = (known(&fic.issuer), known(&fic.subject)) {
                match pairs.get(&(fic.identity.as_str(), issuer, subject)) {
                    Some(&first) => {
                        let first = &fics[first];
                        out.push(
                            fic_finding(
                                self.id(),
                                ctx,
                                fic,
                                fic.file,
                                fic.anchor.clone(),
                                format!(
                                    "{} repeats the issuer and subject `{subject}` of {} on {}: Azure rejects it (\"Issuer and subject combination already exists\")",
                                    fic.display, first.display, fic.identity_display
                                ),
                            )
                            .help("remove one of the two credentials")
                            .related(first.file, first.anchor.clone(), "first credential with this issuer and subject"),
                        );
                        continue;
                    }
                    None => {
                        pairs.insert((fic.identity.as_str(), issuer, subject), i);
                    }
                }
            }
            if let Some(name) = known(&fic.name) {
                let key = (fic.identity.as_str(), name.to_ascii_lowercase());
                match names.get(&key) {
                    Some(&first) => {
                        let first = &fics[first];
                        out.push(
                            fic_finding(
                                self.id(),
                                ctx,
                                fic,
                                fic.file,
                                fic.anchor.clone(),
                                format!(
                                    "{} reuses the name `{name}` on {}: names are unique per identity, so one overwrites or conflicts with the other",
                                    fic.display, fic.identity_display
                                ),
                            )
                            .help("give each federated credential its own name")
                            .related(first.file, first.anchor.clone(), "first credential with this name"),
                        );
                    }
                    None => {
                        names.insert(key, i);
                    }
                }
            }
        }
    }
}

fn known_text(f: &Option<Field>) -> Option<&str> {
    f.as_ref().and_then(Field::known).map(|l| l.text.as_str())
}
