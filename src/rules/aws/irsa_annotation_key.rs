use crate::input::Node;
use crate::model::aws::{
    AUDIENCE, ROLE_ARN, SKIP_CONTAINERS, STS_REGIONAL_ENDPOINTS, TOKEN_EXPIRATION,
};
use crate::model::values::closest;
use crate::rules::{Context, Finding, Rule, Scope};

const PREFIX: &str = "eks.amazonaws.com";
/// Keys the webhook reads (`pkg/annotations.go`), without the prefix.
const KNOWN: &[&str] = &[
    "role-arn",
    "audience",
    "sts-regional-endpoints",
    "token-expiration",
    "skip-containers",
];
/// Other `eks.amazonaws.com/` keys EKS itself uses; never near-misses.
const OTHER_EKS_KEYS: &[&str] = &[
    "compute-type",
    "fargate-profile",
    "pod-identity",
    "nodegroup",
    "nodegroup-image",
    "capacityType",
    "sourceLaunchTemplateId",
    "sourceLaunchTemplateVersion",
    "component",
];

/// IR001: an annotation key meant for the IRSA webhook that it does not read: an unknown key
/// under `eks.amazonaws.com/` close to one it reads (`role_arn`, `sts-regional-endpoint`,
/// webhook#110), or a near-miss prefix (`eks.amazon.com/role-arn`, webhook#200).
pub struct IrsaAnnotationKey;

impl Rule for IrsaAnnotationKey {
    fn id(&self) -> &'static str {
        "IR001"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let pod = o.pod.as_ref().filter(|_| !o.is("Pod"));
            for (map, place) in [
                (o.annotations, "annotations"),
                (pod.and_then(|p| p.annotations), "pod template annotations"),
            ] {
                for e in map.map(Node::entries).unwrap_or_default() {
                    let Some(key) = e.key.text() else { continue };
                    let Some(fixed) = diagnose(key) else { continue };
                    out.push(
                        Finding::at(
                            self.id(),
                            o,
                            e.key.span(),
                            format!(
                                "`{key}` in the {place} of {} is not a key the EKS Pod Identity webhook reads, so it is ignored ({}): did you mean `{fixed}`?",
                                o.display_name(),
                                effect(&fixed)
                            ),
                        )
                        .help(format!("rename the key to `{fixed}`")),
                    );
                }
            }
        }
    }
}

fn effect(key: &str) -> &'static str {
    match key {
        ROLE_ARN => "pods get no IRSA credentials and fall back to the node role",
        AUDIENCE => "the token audience stays `sts.amazonaws.com`",
        STS_REGIONAL_ENDPOINTS => "`AWS_STS_REGIONAL_ENDPOINTS` is not injected",
        TOKEN_EXPIRATION => "the token lifetime stays 86400 seconds",
        SKIP_CONTAINERS => "every container is injected",
        _ => "it has no effect",
    }
}

/// The key the user meant, if `key` is a near-miss of one the webhook reads.
fn diagnose(key: &str) -> Option<String> {
    let (prefix, suffix) = key.split_once('/')?;
    if KNOWN.contains(&suffix) && prefix == PREFIX {
        return None;
    }
    // Checked first (it was last) because it rejects most keys cheaply; no effects either way.
    let prefix_ok = prefix == PREFIX || closest(prefix, [PREFIX]).is_some();
    if !prefix_ok {
        return None;
    }
    let suffix_fixed = if KNOWN.contains(&suffix) {
        Some(suffix)
    } else if OTHER_EKS_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(suffix))
    {
        None
    } else {
        closest(suffix, KNOWN.iter().copied()).or_else(|| {
            // `roleArn`, `role_arn`, `RoleARN`: compare without separators and case.
            let norm = |s: &str| {
                s.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase()
            };
            KNOWN.iter().copied().find(|k| norm(k) == norm(suffix))
        })
    }
    .or_else(|| {
        // Under the exact prefix, `token-expiry` or `sts-regional` still name a known key.
        let head = suffix
            .split(['-', '_'])
            .next()
            .unwrap_or(suffix)
            .to_ascii_lowercase();
        (prefix == PREFIX && head.len() >= 3)
            .then(|| {
                KNOWN
                    .iter()
                    .copied()
                    .find(|k| k.split('-').next() == Some(head.as_str()))
            })
            .flatten()
    })?;
    Some(format!("{PREFIX}/{suffix_fixed}"))
}

#[cfg(test)]
mod tests {
    use super::diagnose;

    #[test]
    fn near_misses() {
        assert_eq!(
            diagnose("eks.amazon.com/role-arn").as_deref(),
            Some("eks.amazonaws.com/role-arn")
        );
        assert_eq!(
            diagnose("eks.amazonaws.com/role_arn").as_deref(),
            Some("eks.amazonaws.com/role-arn")
        );
        assert_eq!(
            diagnose("eks.amazonaws.com/roleArn").as_deref(),
            Some("eks.amazonaws.com/role-arn")
        );
        assert_eq!(
            diagnose("eks.amazonaws.com/sts-regional-endpoint").as_deref(),
            Some("eks.amazonaws.com/sts-regional-endpoints")
        );
        assert_eq!(diagnose("eks.amazonaws.com/role-arn"), None);
        assert_eq!(diagnose("eks.amazonaws.com/compute-type"), None);
        assert_eq!(diagnose("iam.amazonaws.com/role"), None);
        assert_eq!(
            diagnose("eks.amazonaws.com/token-expiry").as_deref(),
            Some("eks.amazonaws.com/token-expiration")
        );
        assert_eq!(diagnose("example.com/audience"), None);
    }
}
