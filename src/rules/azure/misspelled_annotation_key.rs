use crate::input::Node;
use crate::model::Object;
use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{
    CLIENT_ID, INJECT_PROXY_SIDECAR, KNOWN_KEYS, PREFIX, PROXY_SIDECAR_PORT, SKIP_CONTAINERS,
    TENANT_ID, TOKEN_EXPIRATION, USE_LABEL,
};

/// AZ006: a label or annotation key that was meant for the webhook but that it does not read:
/// an unknown key under `azure.workload.identity/` (`client_id`, `clientId`, `skip-container`),
/// a near-miss prefix (`azure.workload.identity.io/client-id`, `azure-workload-identity/use`), or
/// the v0.1–v0.3 prefix `azure.pod.identity/` (renamed in v0.4.0). `use-<suffix>` keys are the
/// v1.6 custom token endpoint annotations (`use-identity-binding`) and are valid.
pub struct MisspelledAnnotationKey;

const PREFIX_NAME: &str = "azure.workload.identity";
const LEGACY_PREFIX: &str = "azure.pod.identity";

impl Rule for MisspelledAnnotationKey {
    fn id(&self) -> &'static str {
        "AZ006"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let text = ctx.model.source(o.file).text.as_str();
            let pod = o.pod.as_ref().filter(|_| !o.is("Pod"));
            let maps = [
                (o.labels, "labels"),
                (o.annotations, "annotations"),
                (pod.and_then(|p| p.labels), "pod template labels"),
                (pod.and_then(|p| p.annotations), "pod template annotations"),
            ];
            for (map, place) in maps {
                for e in map.map(Node::entries).unwrap_or_default() {
                    let Some(key) = e.key.text() else { continue };
                    if let Some(problem) = diagnose(key) {
                        let f = self.finding(o, &e.key, key, place, &problem);
                        out.push(with_rename(f, text, o, map, e, place, &problem));
                    }
                }
            }
        }
    }
}

impl MisspelledAnnotationKey {
    fn finding(
        &self,
        o: &Object<'_>,
        key_node: &Node,
        key: &str,
        place: &str,
        problem: &Problem,
    ) -> Finding {
        let at = format!("`{key}` in the {place} of {}", o.display_name());
        let (message, help) = match (problem.kind, problem.suggestion.as_deref()) {
            (Kind::Legacy, Some(s)) => (
                format!(
                    "{at} uses the pre-v0.4.0 prefix `{LEGACY_PREFIX}/`, which the webhook no longer reads ({}): \
                     did you mean `{s}`?",
                    effect(s)
                ),
                format!("rename the key to `{s}`"),
            ),
            (Kind::Legacy, None) => (
                format!(
                    "{at} uses the pre-v0.4.0 prefix `{LEGACY_PREFIX}/`, which the webhook no longer reads; \
                     the keys are now under `{PREFIX}`"
                ),
                format!("use one of {}", known_list()),
            ),
            (Kind::Prefix, Some(s)) => (
                format!(
                    "{at} has the wrong prefix, so the webhook ignores it ({}): did you mean `{s}`?",
                    effect(s)
                ),
                format!("rename the key to `{s}`"),
            ),
            (Kind::Unknown, Some(s)) => (
                format!(
                    "{at} is not a key the webhook reads ({}): did you mean `{s}`?",
                    effect(s)
                ),
                format!("rename the key to `{s}`"),
            ),
            (Kind::Unknown | Kind::Prefix, None) => (
                format!("{at} is not a key the webhook reads; it is ignored"),
                format!(
                    "use one of {}, or `{PREFIX}use-<suffix>` for a custom token endpoint",
                    known_list()
                ),
            ),
        };
        // `use` is a pod label: renaming it anywhere else would still not be read (AZ001).
        let on_pod = place.starts_with("pod template labels") || (o.is("Pod") && place == "labels");
        let (message, help) = if problem.suggestion.as_deref() == Some(USE_LABEL) && !on_pod {
            (
                message.replace(
                    &format!("did you mean `{USE_LABEL}`?"),
                    &format!("the webhook matches only the pod label `{USE_LABEL}: \"true\"`"),
                ),
                format!(
                    "remove this key; put `{USE_LABEL}: \"true\"` in the pod template's labels"
                ),
            )
        } else {
            (message, help)
        };
        Finding::at(self.id(), o, key_node.span(), message).help(help)
    }
}

/// The fix: rename the key to the suggestion, unless the map already has that key (a duplicate)
/// or the suggestion is the `use` label somewhere it would still not be read (AZ001's job).
/// Keys of the pre-v0.4.0 prefix are renamed only with `--unsafe-fixes`: those pods may still
/// rely on aad-pod-identity.
fn with_rename(
    f: Finding,
    text: &str,
    o: &Object<'_>,
    map: Option<&Node>,
    e: &crate::input::Entry,
    place: &str,
    problem: &Problem,
) -> Finding {
    let Some(s) = problem.suggestion.as_deref() else {
        return f;
    };
    let on_pod = place == "pod template labels" || (o.is("Pod") && place == "labels");
    if (s == USE_LABEL && !on_pod) || map.is_none_or(|m| m.get(s).is_some()) {
        return f;
    }
    let edit = crate::fix::yaml::rename_key(text, &e.key, s).map(|edit| match problem.kind {
        Kind::Legacy => vec![edit.unsafe_only()],
        _ => vec![edit],
    });
    f.with_fix_opt(format!("rename the key to `{s}`"), edit)
}

#[derive(Clone, Copy)]
enum Kind {
    /// Under `azure.workload.identity/` but not a key the webhook reads.
    Unknown,
    /// A near-miss of the prefix itself.
    Prefix,
    /// `azure.pod.identity/` (v0.1–v0.3).
    Legacy,
}

struct Problem {
    kind: Kind,
    suggestion: Option<String>,
}

/// What is wrong with a key, if it was meant for the webhook and the webhook will not read it.
fn diagnose(key: &str) -> Option<Problem> {
    if let Some(suffix) = key.strip_prefix(PREFIX) {
        if KNOWN_KEYS.contains(&key) || suffix.strip_prefix("use-").is_some_and(|s| !s.is_empty()) {
            return None;
        }
        return Some(Problem {
            kind: Kind::Unknown,
            suggestion: custom_endpoint_case(suffix)
                .or_else(|| suggest(suffix).map(str::to_string)),
        });
    }
    let (prefix, suffix) = match key.split_once('/') {
        Some(parts) => parts,
        // `azure.workload.identity.client-id`: the slash itself went missing.
        None => {
            let n = normalize(key);
            let rest = n.strip_prefix("azureworkloadidentity")?;
            return Some(Problem {
                kind: Kind::Prefix,
                suggestion: Some(suggest(rest)?.to_string()),
            });
        }
    };
    if prefix.eq_ignore_ascii_case(LEGACY_PREFIX) {
        return Some(Problem {
            kind: Kind::Legacy,
            suggestion: suggest(suffix).map(str::to_string),
        });
    }
    let n = normalize(prefix);
    let looks_like_prefix = (n.contains("azure") && n.contains("workloadidentit"))
        || closest(prefix, [PREFIX_NAME]).is_some();
    if !looks_like_prefix {
        return None;
    }
    // Only keys whose name is a webhook key: `azure-workload-identity.io/system` is the
    // webhook's own label, not a typo.
    Some(Problem {
        kind: Kind::Prefix,
        suggestion: Some(suggest(suffix)?.to_string()),
    })
}

/// `Use-identity-binding`: a custom token endpoint key in the wrong case (keys are case-sensitive).
fn custom_endpoint_case(suffix: &str) -> Option<String> {
    let lower = suffix.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("use-")
        .or_else(|| lower.strip_prefix("use_"))?;
    (!rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| format!("{PREFIX}use-{}", rest.replace('_', "-")))
}

/// The known key a name after the prefix was meant to be.
fn suggest(suffix: &str) -> Option<&'static str> {
    let known = || {
        KNOWN_KEYS
            .iter()
            .map(|k| (*k, k.strip_prefix(PREFIX).unwrap_or(k)))
    };
    let n = normalize(suffix);
    if n.is_empty() {
        return None;
    }
    // Case, `_` and camelCase: `client_id`, `clientId`, `tenantID`, `Skip-Containers`.
    if let Some((k, _)) = known().find(|(_, s)| normalize(s) == n) {
        return Some(k);
    }
    // Typos: `skip-container`, `inject-proxy-sidecars`, `tenat-id`.
    if let Some(s) = closest(suffix, known().map(|(_, s)| s)) {
        return known().find(|(_, k)| *k == s).map(|(k, _)| k);
    }
    // Shortened or reworded: `token-expiration`, `service-account-token-expiry`, `proxy-port`.
    let given = words(suffix);
    let matches: Vec<&'static str> = known()
        .filter(|(_, s)| {
            let kn = normalize(s);
            (n.len() >= 6 && (kn.starts_with(&n) || kn.ends_with(&n)))
                || common_prefix(&n, &kn) >= 12
                || (!given.is_empty()
                    && given.iter().all(|w| {
                        words(s)
                            .iter()
                            .any(|kw| common_prefix(w, kw) >= 4.min(w.len().max(3)))
                    }))
        })
        .map(|(k, _)| k)
        .collect();
    match matches.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Lowercase letters and digits only.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Lowercase words split at `-`, `_`, `.` and camelCase humps; words of at least 3 letters.
fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if (!c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower)) && !cur.is_empty()
        {
            out.push(std::mem::take(&mut cur));
        }
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|w| w.len() >= 3);
    out
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// What happens at runtime while the key is not recognised.
fn effect(key: &str) -> &'static str {
    match key {
        USE_LABEL => "the pod is not mutated",
        CLIENT_ID => "AZURE_CLIENT_ID is not injected",
        TENANT_ID => "the cluster's tenant is used instead",
        TOKEN_EXPIRATION => "the default token expiration of 3600 s applies",
        SKIP_CONTAINERS => "every container is mutated",
        INJECT_PROXY_SIDECAR => "no proxy sidecar is injected",
        PROXY_SIDECAR_PORT => "the proxy listens on the default port 8000",
        k if k.starts_with(PREFIX) => "the custom token endpoint is not used",
        _ => "it is ignored",
    }
}

fn known_list() -> String {
    KNOWN_KEYS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
