use crate::input::Node;
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule, Scope};

const ENV: &str = "GOOGLE_APPLICATION_CREDENTIALS";

/// MIG003: `GOOGLE_APPLICATION_CREDENTIALS` pointing at a file mounted from a Secret: a
/// downloaded service account key, a long-lived credential. On GKE, Workload Identity gives the
/// pod short-lived tokens for a Google service account without any key. (Credential
/// configuration files for workload identity federation usually come from a ConfigMap and are
/// not reported.)
pub struct GoogleCredentialsKeyFile;

impl Rule for GoogleCredentialsKeyFile {
    fn id(&self) -> &'static str {
        "MIG003"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let volumes = pod.spec.get("volumes").map(Node::items).unwrap_or_default();
            for c in pod.containers() {
                for (name, env) in c.env() {
                    if name != ENV {
                        continue;
                    }
                    let Some(value) = env.get("value") else {
                        continue;
                    };
                    let Some(path) = value.as_str() else { continue };
                    let mount = c
                        .node
                        .get("volumeMounts")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|m| Some((m.get_str("name")?, m.get_str("mountPath")?)))
                        .find(|(_, dir)| {
                            let dir = dir.trim_end_matches('/');
                            !dir.is_empty()
                                && path
                                    .strip_prefix(dir)
                                    .is_some_and(|rest| rest.starts_with('/') || rest.is_empty())
                        });
                    let Some((volume, _)) = mount else { continue };
                    let Some(secret) = volumes
                        .iter()
                        .find(|v| v.get_str("name") == Some(volume))
                        .and_then(secret_of)
                    else {
                        continue;
                    };
                    out.push(
                        Finding::at(
                            self.id(),
                            o,
                            value.span(),
                            format!(
                                "{} of {} reads Google credentials from `{path}`, mounted from Secret `{secret}`: a service account key is a long-lived credential that must be rotated and can leak",
                                c.describe(),
                                pod_phrase(o)
                            ),
                        )
                        .help("on GKE, use Workload Identity: annotate the pod's ServiceAccount with `iam.gke.io/gcp-service-account: NAME@PROJECT_ID.iam.gserviceaccount.com`, grant `roles/iam.workloadIdentityUser` to `serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]`, then drop the env var, the mount and the key"),
                    );
                }
            }
        }
    }
}

/// The Secret a volume comes from (`secret.secretName`, or a projected `secret` source).
fn secret_of(volume: &Node) -> Option<String> {
    if let Some(s) = volume.get("secret") {
        return Some(s.get_str("secretName").unwrap_or("?").to_string());
    }
    volume
        .get_path(&["projected", "sources"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find_map(|s| {
            s.get("secret")
                .map(|s| s.get_str("name").unwrap_or("?").to_string())
        })
}
