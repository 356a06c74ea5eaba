use std::ops::Range;

use crate::input::Node;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{INJECT_PROXY_SIDECAR, key_span, pod_phrase};

/// Node labels that pin a pod to an operating system.
const OS_LABELS: &[&str] = &["kubernetes.io/os", "beta.kubernetes.io/os"];

/// AZ010: the IMDS proxy sidecar requested where it cannot run. With `spec.hostNetwork: true`
/// the webhook (v1.2.0+, #1090) denies the pod, since proxy-init's iptables rules would rewrite
/// the node's network stack. The proxy images are Linux-only, so a pod pinned to Windows nodes
/// cannot start the injected containers.
pub struct ProxySidecarHostNetwork;

impl Rule for ProxySidecarHostNetwork {
    fn id(&self) -> &'static str {
        "AZ010"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(annotations) = pod.annotations else {
                continue;
            };
            let Some(anchor) = key_span(annotations, INJECT_PROXY_SIDECAR) else {
                continue;
            };

            if pod.host_network().is_some() {
                let line = entry_line(pod.spec, "hostNetwork").unwrap_or_else(|| anchor.clone());
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        anchor.clone(),
                        format!(
                            "{} has `{INJECT_PROXY_SIDECAR}` and `hostNetwork: true`: the webhook denies the pod (`hostNetwork is set to true, cannot inject proxy sidecar`)",
                            pod_phrase(o)
                        ),
                    )
                    .help(format!(
                        "remove `{INJECT_PROXY_SIDECAR}` (use an Azure Identity SDK that supports workload identity instead of IMDS), or run the pod without `hostNetwork`"
                    ))
                    .related(o.file, line, "hostNetwork set here"),
                );
            }

            if let Some((label, line)) = windows_selector(pod.spec) {
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        anchor,
                        format!(
                            "{} has `{INJECT_PROXY_SIDECAR}` but is scheduled on Windows nodes (`{label}: windows`): the injected proxy and proxy-init containers are Linux-only and cannot run there",
                            pod_phrase(o)
                        ),
                    )
                    .help(format!(
                        "remove `{INJECT_PROXY_SIDECAR}` and use an Azure Identity SDK that supports workload identity (the migration sidecar is for Linux pods only)"
                    ))
                    .related(o.file, line, "Windows node selector here"),
                );
            }
        }
    }
}

/// From the start of `key` to the end of its value: the whole `key: value` line.
fn entry_line(map: &Node, key: &str) -> Option<Range<usize>> {
    map.entry(key)
        .map(|e| e.key.span().start..e.value.span().end.max(e.key.span().end))
}

/// A `nodeSelector` entry that pins the pod to Windows: (label key, span of the entry).
fn windows_selector(spec: &Node) -> Option<(&str, Range<usize>)> {
    let selector = spec.get("nodeSelector")?;
    selector.entries().iter().find_map(|e| {
        let key = e.key.text()?;
        let windows = OS_LABELS.contains(&key) && e.value.text() == Some("windows");
        windows.then(|| {
            (
                key,
                e.key.span().start..e.value.span().end.max(e.key.span().end),
            )
        })
    })
}
