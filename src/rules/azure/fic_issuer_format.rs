use crate::model::azure_identity::Field;
use crate::model::values::is_guid;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, is_placeholder};

/// AZ021: a federated credential's issuer cannot be a reachable AKS (or any) OIDC issuer: not
/// https, a query or fragment, whitespace, an in-cluster or private host (AADSTS90061), or an
/// AKS issuer URL of the wrong shape — above all without its trailing `/` (AADSTS700211).
pub struct FicIssuerFormat;

impl Rule for FicIssuerFormat {
    fn id(&self) -> &'static str {
        "AZ021"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for fic in &ctx.model.azure_identities().fics {
            let Some(Field::Known(issuer)) = &fic.issuer else {
                continue;
            };
            if is_placeholder(&issuer.text) {
                continue;
            }
            let Some((message, help)) = problem(&issuer.text) else {
                continue;
            };
            out.push(
                at_value(
                    self.id(),
                    ctx,
                    fic,
                    issuer,
                    format!(
                        "issuer `{}` of {}: {message}",
                        issuer.text.escape_debug(),
                        fic.display
                    ),
                )
                .help(help),
            );
        }
    }
}

const AKS_HOST_SUFFIXES: &[&str] = &[
    ".oic.prod-aks.azure.com",
    ".oic.prod-aks.azure.us",
    ".oic.prod-aks.azure.cn",
];
const LEGACY_AKS_HOST: &str = "oidc.prod-aks.azure.com";
const HOW_TO_GET: &str = "use the cluster's issuer exactly: `az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`";

/// What is wrong with an issuer URL, and how to fix it.
pub fn problem(issuer: &str) -> Option<(String, String)> {
    if issuer.trim() != issuer {
        return Some((
            "has leading or trailing whitespace, which blocks the token exchange".into(),
            format!("remove the whitespace: `{}`", issuer.trim()),
        ));
    }
    if issuer.is_empty() {
        return Some(("is empty".into(), HOW_TO_GET.into()));
    }
    let Some(rest) = issuer.strip_prefix("https://") else {
        let fixed = issuer
            .strip_prefix("http://")
            .map(|r| format!("https://{r}"));
        return Some((
            "is not an https URL: Entra only fetches OIDC discovery documents over https".into(),
            fixed.map_or_else(
                || HOW_TO_GET.to_string(),
                |f| format!("did you mean `{f}`? {HOW_TO_GET}"),
            ),
        ));
    };
    if issuer.contains('?') || issuer.contains('#') {
        return Some((
            "contains a query or fragment, which an OIDC issuer never has".into(),
            HOW_TO_GET.into(),
        ));
    }
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let host_l = host.to_ascii_lowercase();
    let bare = host_l.split(':').next().unwrap_or("");
    if bare.starts_with("kubernetes.default")
        || bare.ends_with(".svc")
        || bare.contains(".svc.")
        || bare.ends_with(".cluster.local")
        || bare.ends_with(".local")
        || bare == "localhost"
        || is_private_ip(bare)
    {
        return Some((
            "is an in-cluster or private address that Entra cannot reach: the token exchange fails with AADSTS90061 (`Request to External OIDC endpoint failed`); enable the cluster's OIDC issuer (`az aks update --enable-oidc-issuer`) and use its public URL".into(),
            HOW_TO_GET.into(),
        ));
    }
    let segments: Vec<&str> = path.split('/').collect();
    let aks_regional =
        AKS_HOST_SUFFIXES.iter().any(|s| bare.ends_with(s)) && !bare.starts_with("ib.");
    let legacy = bare == LEGACY_AKS_HOST;
    if !(aks_regional || legacy) {
        return None;
    }
    let expected = if legacy { 1 } else { 2 };
    let shape = if legacy {
        "https://oidc.prod-aks.azure.com/{uuid}/"
    } else {
        "https://{region}.oic.prod-aks.azure.com/{tenant}/{uuid}/"
    };
    let parts: Vec<&str> = segments.iter().copied().filter(|s| !s.is_empty()).collect();
    if parts.len() != expected {
        return Some((
            format!("does not have the AKS issuer form `{shape}`"),
            HOW_TO_GET.into(),
        ));
    }
    if let Some(bad) = parts
        .iter()
        .find(|p| !is_guid(p) && !is_placeholder(p) && !looks_redacted(p))
    {
        return Some((
            format!("`{bad}` is not a GUID; AKS issuers have the form `{shape}`"),
            HOW_TO_GET.into(),
        ));
    }
    if !issuer.ends_with('/') {
        return Some((
            "is an AKS issuer without its trailing `/`: the token's `iss` ends with `/` and Entra compares byte for byte, so the exchange fails with AADSTS70021/AADSTS700211".into(),
            format!("add the trailing slash: `{issuer}/`"),
        ));
    }
    if path.contains("//") {
        return Some(("has an empty path segment (`//`)".into(), HOW_TO_GET.into()));
    }
    None
}

/// Documentation GUIDs with `x` or too few digits are placeholders, not errors.
fn looks_redacted(s: &str) -> bool {
    crate::model::values::is_redacted_guid(s)
        || (s.len() >= 30
            && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && s.bytes().filter(|&b| b == b'-').count() == 4)
}

fn is_private_ip(host: &str) -> bool {
    match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_private() || ip.is_loopback() || ip.is_link_local(),
        Err(_) => host.starts_with('[') || host == "::1",
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn issuers() {
        let ok = "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/";
        assert!(problem(ok).is_none());
        assert!(problem(&ok[..ok.len() - 1]).unwrap().1.ends_with("/`"));
        assert!(
            problem("https://oidc.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/")
                .is_none()
        );
        assert!(problem("https://token.actions.githubusercontent.com").is_none());
        assert!(problem("https://kubernetes.default.svc.cluster.local").is_some());
        assert!(problem("http://example.com/").is_some());
        assert!(problem("https://example.com/?a=b").is_some());
        assert!(problem("https://10.0.0.1/").is_some());
        assert!(problem(" https://example.com/").is_some());
    }
}
