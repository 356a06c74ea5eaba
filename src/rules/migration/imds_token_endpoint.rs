use crate::input::Node;
use crate::rules::azure::{INJECT_PROXY_SIDECAR, pod_phrase};
use crate::rules::{Context, Finding, Rule, Scope};

use super::scalars;

const IMDS: &str = "169.254.169.254";
const TOKEN_PATH: &str = "/metadata/identity/oauth2/token";

/// MIG004: a container (command, args, env, probes, lifecycle hooks) that calls the Azure VM
/// instance metadata token endpoint `http://169.254.169.254/metadata/identity/oauth2/token`
/// (seed 002). On AKS that is the node's (kubelet's) managed identity, shared by every pod on
/// the node, or aad-pod-identity's NMI; workload identity gives the pod its own identity.
pub struct ImdsTokenEndpoint;

impl Rule for ImdsTokenEndpoint {
    fn id(&self) -> &'static str {
        "MIG004"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            // The workload identity proxy sidecar serves exactly this endpoint (a migration step).
            if pod
                .annotation(INJECT_PROXY_SIDECAR)
                .and_then(Node::text)
                .is_some_and(|t| t == "true")
            {
                continue;
            }
            let source = ctx.model.source(o.file).text.as_str();
            for c in pod.containers() {
                let mut nodes = Vec::new();
                for e in c.node.entries() {
                    if !matches!(e.key.text(), Some("name" | "image" | "volumeMounts")) {
                        scalars(&e.value, &mut nodes);
                    }
                }
                for n in nodes {
                    let Some(text) = n.text() else { continue };
                    // Most values are short: skip building a substring searcher for them.
                    if text.len() < TOKEN_PATH.len() {
                        continue;
                    }
                    let Some(at) = text.find(TOKEN_PATH) else {
                        continue;
                    };
                    if !text[..at].ends_with(IMDS) && !text[..at].ends_with(&format!("{IMDS}:80")) {
                        continue;
                    }
                    let span = source
                        .get(n.span())
                        .and_then(|raw| raw.find(IMDS))
                        .map_or_else(
                            || n.span(),
                            |i| {
                                let start = n.span().start + i;
                                let len = source[start..]
                                    .find(TOKEN_PATH)
                                    .map_or(IMDS.len(), |j| j + TOKEN_PATH.len());
                                start..start + len
                            },
                        );
                    out.push(
                        Finding::at(
                            self.id(),
                            o,
                            span,
                            format!(
                                "{} of {} requests tokens from the VM instance metadata endpoint `{IMDS}{TOKEN_PATH}`: on AKS that is the node's managed identity, shared by every pod on the node",
                                c.describe(),
                                pod_phrase(o)
                            ),
                        )
                        .help("on AKS use Microsoft Entra Workload ID: an Azure Identity SDK credential (`WorkloadIdentityCredential` / `DefaultAzureCredential`) with a ServiceAccount annotated `azure.workload.identity/client-id` and the pod label `azure.workload.identity/use: \"true\"`; as a temporary bridge, `azure.workload.identity/inject-proxy-sidecar: \"true\"` serves this endpoint from the pod's own identity"),
                    );
                }
            }
        }
    }
}
