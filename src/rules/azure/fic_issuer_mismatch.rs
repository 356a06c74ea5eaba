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
        // Asked per credential: a table of the known issuers (first index of each), and the
        // nearest one once per distinct wrong text, not a scan of every cluster each time.
        let mut first: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
        for (i, (k, ..)) in known.iter().enumerate() {
            first.entry(*k).or_insert(i);
        }
        let mut nearest_of: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
        for fic in &azure.fics {
            let Some(Field::Known(issuer)) = &fic.issuer else {
                continue;
            };
            let text = issuer.text.as_str();
            if is_placeholder(text) || first.contains_key(text) {
                continue;
            }
            let nearest = *nearest_of
                .entry(text)
                .or_insert_with(|| nearest(&known, &first, text));
            let (nearest, from, at) = &known[nearest];
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

/// Index of the known issuer nearest to `text`: the one that differs only by the trailing `/`
/// (the documented mistake), looked up in `first`; else the least edit distance, then the
/// first. Asked once per distinct wrong issuer: a distance to every known issuer for each of
/// thousands of credentials was quadratic (`scripts/scale` case many-clusters).
fn nearest(known: &[KnownIssuer], first: &foldhash::HashMap<&str, usize>, text: &str) -> usize {
    let twin = match text.strip_suffix('/') {
        Some(bare) => first.get(bare),
        None => first.get(format!("{text}/").as_str()),
    };
    if let Some(&i) = twin {
        return i;
    }
    let len = text.chars().count();
    let mut best = (usize::MAX, 0);
    for (i, (k, ..)) in known.iter().enumerate() {
        // The distance is at least the difference in length.
        if k.chars().count().abs_diff(len) >= best.0 {
            continue;
        }
        let d = strsim::levenshtein(k, text);
        if d < best.0 {
            best = (d, i);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences() {
        assert!(difference("https://a/x", "https://a/x/").contains("trailing"));
        assert!(difference("https://a/x/", "https://a/x").contains("trailing"));
        assert!(difference("https://A/x/", "https://a/x/").contains("case"));
        assert!(difference("https://a/y/", "https://a/x/").contains("another cluster"));
    }

    fn known(
        issuers: &[&'static str],
    ) -> (
        Vec<KnownIssuer<'static>>,
        foldhash::HashMap<&'static str, usize>,
    ) {
        let known: Vec<KnownIssuer> = issuers.iter().map(|i| (*i, String::new(), None)).collect();
        let mut first = foldhash::HashMap::default();
        for (i, k) in issuers.iter().enumerate() {
            first.entry(*k).or_insert(i);
        }
        (known, first)
    }

    #[test]
    fn the_trailing_slash_twin_is_the_nearest() {
        let (k, first) = known(&["https://a/x1/", "https://a/x2/", "https://a/x2/"]);
        // `https://a/x1/` is one edit away too, but the twin is the documented mistake.
        assert_eq!(nearest(&k, &first, "https://a/x2"), 1);
        let (k, first) = known(&["https://a/x1", "https://a/x2"]);
        assert_eq!(nearest(&k, &first, "https://a/x2/"), 1);
    }

    #[test]
    fn otherwise_the_least_distance_then_the_first() {
        let (k, first) = known(&[
            "https://far.example/zzzz/",
            "https://a/x1/",
            "https://a/x3/",
        ]);
        assert_eq!(nearest(&k, &first, "https://a/x9/"), 1);
        assert_eq!(nearest(&k, &first, "https://far.example/zzzy/"), 0);
    }
}
