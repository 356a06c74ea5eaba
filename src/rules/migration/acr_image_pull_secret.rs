use crate::input::Node;
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule, Scope};

/// ACR login server suffixes (public cloud, Azure China, Azure US Government).
const ACR_HOSTS: &[&str] = &[".azurecr.io", ".azurecr.cn", ".azurecr.us"];

/// MIG005: `imagePullSecrets` on a pod whose images all come from Azure Container Registry
/// (seeds 001 and 003): on AKS the kubelet identity with `AcrPull` on the registry pulls
/// them (`az aks update --attach-acr`), with no stored registry credential to rotate.
pub struct AcrImagePullSecret;

fn registry(image: &str) -> Option<&str> {
    let (host, _) = image.split_once('/')?;
    (host.contains('.') || host.contains(':') || host == "localhost").then_some(host)
}

impl Rule for AcrImagePullSecret {
    fn id(&self) -> &'static str {
        "MIG005"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(e) = pod.spec.entry("imagePullSecrets") else {
                continue;
            };
            if e.value.items().is_empty() {
                continue;
            }
            let images: Vec<&str> = pod
                .containers()
                .filter_map(|c| c.node.get_str("image"))
                .collect();
            let acr: Vec<&str> = images
                .iter()
                .filter_map(|i| registry(i))
                .filter(|h| {
                    ACR_HOSTS
                        .iter()
                        .any(|s| h.to_ascii_lowercase().ends_with(s))
                })
                .collect();
            // Another registry in the pod may be what the secret is for.
            if acr.is_empty() || acr.len() != images.len() {
                continue;
            }
            let secrets: Vec<&str> = e
                .value
                .items()
                .iter()
                .filter_map(|s| s.get("name").and_then(Node::as_str))
                .collect();
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    e.key.span(),
                    format!(
                        "{} pulls from `{}` with imagePullSecrets {}: on AKS the kubelet identity can pull from Azure Container Registry with `AcrPull`, with no stored registry credential",
                        pod_phrase(o),
                        acr.first().copied().unwrap_or(""),
                        secrets.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .help("attach the registry to the cluster (`az aks update --attach-acr <registry>` assigns `AcrPull` to the kubelet identity), then remove imagePullSecrets and the registry Secret"),
            );
        }
    }
}
