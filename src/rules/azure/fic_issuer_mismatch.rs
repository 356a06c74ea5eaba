use crate::model::azure_identity::Field;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, is_placeholder};

/// A known cluster issuer: the URL, where it comes from, its location in the inputs.
type KnownIssuer<'s> = (
    &'s str,
    String,
    Option<(crate::input::FileId, std::ops::Range<usize>)>,
);

/// AZ022: a federated credential's issuer is not, byte for byte, the OIDC issuer of a known
/// cluster (`--issuer`, the config file, or a cluster in the inputs such as `az aks show -o json`).
/// The message shows both strings and what differs — a missing trailing `/` above all.
pub struct FicIssuerMismatch;

impl Rule for FicIssuerMismatch {
    fn id(&self) -> &'static str {
        "AZ022"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let azure = ctx.model.azure_identities();
        // (issuer, where it comes from, location in the inputs)
        let mut known: Vec<KnownIssuer> = ctx
            .model
            .cluster_issuers
            .iter()
            .map(|i| (i.as_str(), "--issuer or config".to_string(), None))
            .collect();
        for c in &azure.cluster_issuers {
            known.push((
                c.issuer.text.as_str(),
                c.cluster.clone(),
                Some((c.issuer.file, c.issuer.span.clone())),
            ));
        }
        if known.is_empty() {
            return;
        }
        for fic in &azure.fics {
            let Some(Field::Known(issuer)) = &fic.issuer else {
                continue;
            };
            let text = issuer.text.as_str();
            if is_placeholder(text) || known.iter().any(|(k, ..)| *k == text) {
                continue;
            }
            let Some((nearest, from, at)) = known
                .iter()
                .min_by_key(|(k, ..)| strsim::levenshtein(k, text))
            else {
                continue;
            };
            let diff = difference(text, nearest);
            // A known issuer of the wrong shape (a `--issuer` typo) must not be copied.
            let suspect = super::fic_issuer_format::problem(nearest);
            let slash_only = suspect.is_none() && format!("{text}/") == **nearest;
            let mut f = at_value(
                self.id(),
                ctx,
                fic,
                issuer,
                format!(
                    "issuer of {} is not the cluster's issuer: {diff} — credential `{text}`, cluster `{nearest}` ({from})",
                    fic.display
                ),
            )
            .help(match &suspect {
                Some((why, _)) => format!(
                    "the cluster issuer `{nearest}` ({from}) itself {why}; check it with `az aks show --query oidcIssuerProfile.issuerUrl -o tsv`"
                ),
                None => format!(
                    "set the issuer to `{nearest}` exactly (Entra compares byte for byte: AADSTS700211 otherwise)"
                ),
            });
            if let Some((file, span)) = at {
                f = f.related(*file, span.clone(), "cluster issuer defined here");
            }
            // Only the trailing `/` differs: add it inside the value's quotes (crate::fix).
            if slash_only
                && let Some(edit) = crate::fix::yaml::append_to_string(
                    ctx.model.source(issuer.file).text.as_str(),
                    issuer.span.clone(),
                    text,
                    "/",
                )
            {
                f = f.with_fix("add the trailing `/`", vec![edit.in_file(issuer.file)]);
            }
            out.push(f);
        }
    }
}

/// The difference between a credential's issuer and the cluster's, in words.
pub fn difference(fic: &str, cluster: &str) -> String {
    if format!("{fic}/") == cluster {
        return "it lacks the trailing `/`".into();
    }
    if format!("{cluster}/") == fic {
        return "it has a trailing `/` that the cluster's issuer does not".into();
    }
    if fic.trim() == cluster {
        return "it has leading or trailing whitespace".into();
    }
    if fic.eq_ignore_ascii_case(cluster) {
        return "it differs only in case (issuers match case-sensitively)".into();
    }
    let host = |s: &str| {
        s.split_once("://")
            .map(|(_, r)| r.split('/').next().unwrap_or("").to_ascii_lowercase())
    };
    if host(fic).is_some() && host(fic) == host(cluster) {
        return "same host, different path: the credential was made for another cluster, or the cluster's issuer changed (enabling the OIDC issuer on an existing cluster changes it)".into();
    }
    if let (Some(a), Some(b)) = (host(fic), host(cluster))
        && a != b
    {
        return format!(
            "another host (`{a}` instead of `{b}`): the credential was made for another cluster or region"
        );
    }
    let at = fic
        .chars()
        .zip(cluster.chars())
        .take_while(|(a, b)| a == b)
        .count();
    format!("they differ from character {}", at + 1)
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn differences() {
        assert!(difference("https://a/x", "https://a/x/").contains("trailing"));
        assert!(difference("https://a/x/", "https://a/x").contains("trailing"));
        assert!(difference("https://A/x/", "https://a/x/").contains("case"));
        assert!(difference("https://a/y/", "https://a/x/").contains("another cluster"));
    }
}
