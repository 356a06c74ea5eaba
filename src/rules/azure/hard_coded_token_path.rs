use crate::input::{Node, Value};
use crate::model::{Container, Object};
use crate::rules::azure::{mutated_by_webhook, skipped_containers};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{INJECTED_ENV, pod_phrase, uses_workload_identity};

/// Token file paths the webhook has used, matched without the leading `/var` (`/run` is the
/// same directory in most images): (path, webhook versions).
const TOKEN_PATHS: &[(&str, &str)] = &[
    ("/run/secrets/azure/wi/token/azure-identity-token", "v1.6"),
    (
        "/run/secrets/azure/tokens/azure-identity-token",
        "v0.8–v1.5",
    ),
    (
        "/run/secrets/tokens/azure-identity-token",
        "v0.7 and earlier",
    ),
];
/// Where the webhook mounts its token volume: (mount path, volume name it uses there, versions).
const MOUNT_PATHS: &[(&str, &str, &str)] = &[
    ("/var/run/secrets/azure/wi", RESERVED_PREFIX, "v1.6"),
    ("/var/run/secrets/azure/tokens", LEGACY_VOLUME, "v0.8–v1.5"),
];
/// Volume name of webhook v0.8–v1.5.
const LEGACY_VOLUME: &str = "azure-identity-token";
/// Volume name prefix of webhook v1.6 (`azure-workload-identity-reserved-<sha256 of pod name>`).
const RESERVED_PREFIX: &str = "azure-workload-identity-reserved-";

/// AZ017: a workload-identity pod that hard-codes where the webhook puts the token, or
/// defines volumes and mounts the webhook owns. The path changed in v0.8.0 and again in v1.6.0
/// (`/var/run/secrets/azure/wi/token/azure-identity-token`); `AZURE_FEDERATED_TOKEN_FILE` is
/// always right.
pub struct HardCodedTokenPath;

impl Rule for HardCodedTokenPath {
    fn id(&self) -> &'static str {
        "AZ017"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            // A stored pod the webhook mutated carries the webhook's own env and volumes.
            if crate::rules::live::mutated_in_cluster(ctx.model, o) {
                continue;
            }
            if !uses_workload_identity(ctx.model, o) {
                continue;
            }
            let skipped = skipped_containers(pod);

            let source = ctx.model.source(o.file).text.as_str();
            for c in pod.containers() {
                let mutated = mutated_by_webhook(&c, &skipped);
                self.token_paths(o, c, mutated, source, out);
                if mutated {
                    self.mount_paths(o, c, out);
                }
            }
            self.volumes(o, pod.spec, out);
        }
    }
}

impl HardCodedTokenPath {
    /// Scalars of the container (command, args, env values, probes, lifecycle hooks…) that
    /// contain a token path the webhook used, unless the container mounts its own volume there.
    /// In a container the webhook mutates, an `env` entry named like one it injects (say
    /// `AZURE_FEDERATED_TOKEN_FILE`) is AZ016's finding: removing it fixes both, so it is not
    /// reported twice.
    fn token_paths(
        &self,
        o: &Object<'_>,
        c: Container<'_>,
        mutated: bool,
        source: &str,
        out: &mut Vec<Finding>,
    ) {
        let own_mounts: Vec<&str> = c
            .node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|m| !m.get_str("name").is_some_and(is_webhook_volume))
            .filter_map(|m| m.get_str("mountPath"))
            .map(|p| p.trim_end_matches('/'))
            .filter(|p| !p.is_empty() && !MOUNT_PATHS.iter().any(|(w, _, _)| w == p))
            .collect();
        let mut scalars = Vec::new();
        for (key, value) in c
            .node
            .entries()
            .iter()
            .filter_map(|e| Some((e.key.text()?, &e.value)))
        {
            // Mounts are checked by `mount_paths`; names and images cannot hold a path.
            if key == "env" && mutated {
                for entry in value.items() {
                    if !entry
                        .get_str("name")
                        .is_some_and(|n| INJECTED_ENV.contains(&n))
                    {
                        collect_scalars(entry, &mut scalars);
                    }
                }
            } else if !matches!(key, "name" | "image" | "volumeMounts" | "volumeDevices") {
                collect_scalars(value, &mut scalars);
            }
        }
        for node in scalars {
            let Some(text) = node.text() else { continue };
            let Some((path, versions)) = TOKEN_PATHS.iter().find(|(p, _)| text.contains(p)) else {
                continue;
            };
            let full = if text.contains(&format!("/var{path}")) {
                format!("/var{path}")
            } else {
                (*path).to_string()
            };
            if own_mounts
                .iter()
                .any(|m| full.starts_with(&format!("{m}/")))
            {
                continue;
            }
            // Point at the path itself when the source spells it out (always, unless escaped).
            let span = source
                .get(node.span())
                .and_then(|raw| raw.find(&full))
                .map_or_else(
                    || node.span(),
                    |i| node.span().start + i..node.span().start + i + full.len(),
                );
            // Formatted only for a finding, not for every container.
            let who = c.describe();
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{who} of {} hard-codes `{full}`, where webhook {versions} puts the token; the path changed in v0.8.0 and again in v1.6.0, so the file is missing under any other webhook version",
                        pod_phrase(o)
                    ),
                )
                .help("read the path from `AZURE_FEDERATED_TOKEN_FILE` (e.g. `$(AZURE_FEDERATED_TOKEN_FILE)` in command/args, `$AZURE_FEDERATED_TOKEN_FILE` in a shell) instead of hard-coding it"),
            );
        }
    }

    /// A container mount at the directory where the webhook mounts the token.
    fn mount_paths(&self, o: &Object<'_>, c: Container<'_>, out: &mut Vec<Finding>) {
        for m in c
            .node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
        {
            let Some(path_node) = m.get("mountPath") else {
                continue;
            };
            let Some(path) = path_node.text() else {
                continue;
            };
            let name = m.get_str("name").unwrap_or("");
            let Some((dir, _, versions)) = MOUNT_PATHS.iter().find(|(dir, webhook_name, _)| {
                path.trim_end_matches('/') == *dir
                    && !(*webhook_name == LEGACY_VOLUME && name == LEGACY_VOLUME)
                    && !(*webhook_name == RESERVED_PREFIX && name.starts_with(RESERVED_PREFIX))
            }) else {
                continue;
            };
            // Formatted only for a finding, not for every mount.
            let who = c.describe();
            let volume = if name.is_empty() {
                "a volume".to_string()
            } else {
                format!("volume `{name}`")
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    path_node.span(),
                    format!(
                        "{who} of {} mounts {volume} at `{dir}`, where webhook {versions} mounts the identity token: the API server rejects the mutated pod (`mountPath: Invalid value: \"{dir}\": must be unique`)",
                        pod_phrase(o)
                    ),
                )
                .help(format!("mount the volume elsewhere; `{dir}` belongs to the workload identity webhook")),
            );
        }
    }

    /// Pod volumes with the names the webhook gives its own token volume.
    fn volumes(&self, o: &Object<'_>, spec: &Node, out: &mut Vec<Finding>) {
        for v in spec.get("volumes").map(Node::items).unwrap_or_default() {
            let Some(name_node) = v.get("name") else {
                continue;
            };
            let Some(name) = name_node.text() else {
                continue;
            };
            let message = if name == LEGACY_VOLUME {
                if projects_legacy_token(v) {
                    format!(
                        "{} defines its own token volume `{LEGACY_VOLUME}`: webhook v0.8–v1.5 then skips injecting its volume and mount and uses this one (with its audience and expiration), while v1.6 mounts a new one at `/var/run/secrets/azure/wi` and leaves this one unused",
                        pod_phrase(o)
                    )
                } else {
                    format!(
                        "{} defines a volume named `{LEGACY_VOLUME}`, the name webhook v0.8–v1.5 gives its token volume: those versions add a second volume of that name (the API server rejects the pod: `Duplicate value: \"{LEGACY_VOLUME}\"`) and skip their mount in containers that already mount `{LEGACY_VOLUME}`",
                        pod_phrase(o)
                    )
                }
            } else if name.starts_with(RESERVED_PREFIX) {
                format!(
                    "{} defines volume `{name}`, a name reserved for the webhook's token volume (v1.6: `{RESERVED_PREFIX}<hash of the pod name>`): copied from an already-mutated pod, it is replaced only if the hash matches this pod's name; otherwise the webhook adds its own volume and mount next to it, and a second mount at `/var/run/secrets/azure/wi` is rejected (`must be unique`)",
                    pod_phrase(o)
                )
            } else {
                continue;
            };
            out.push(
                Finding::at(self.id(), o, name_node.span(), message).help(
                    "remove the volume and its volumeMounts; the webhook injects the token volume itself and sets `AZURE_FEDERATED_TOKEN_FILE` to its path",
                ),
            );
        }
    }
}

fn is_webhook_volume(name: &str) -> bool {
    name == LEGACY_VOLUME || name.starts_with(RESERVED_PREFIX)
}

/// Whether a volume is a projected service account token at `azure-identity-token`, the
/// condition under which webhook v0.8–v1.5 keeps it instead of adding its own.
fn projects_legacy_token(volume: &Node) -> bool {
    volume
        .get_path(&["projected", "sources"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|s| {
            s.get_path(&["serviceAccountToken", "path"])
                .and_then(Node::text)
                == Some(LEGACY_VOLUME)
        })
}

fn collect_scalars<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    match &node.value {
        Value::Scalar(_) => out.push(node),
        Value::Seq(items) => items.iter().for_each(|n| collect_scalars(n, out)),
        Value::Map(entries) => entries.iter().for_each(|e| collect_scalars(&e.value, out)),
    }
}
