use crate::input::{ScalarKind, Style};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{INJECT_PROXY_SIDECAR, pod_phrase};

/// Values people write to mean "off".
const FALSE_LIKE: &[&str] = &[
    "false", "no", "off", "n", "0", "disabled", "disable", "none",
];

/// AZ011: `azure.workload.identity/inject-proxy-sidecar: "false"`. The webhook only checks that
/// the key exists (`_, ok := pod.Annotations[InjectProxySidecarAnnotation]`), so any value,
/// `"false"` included, injects the proxy-init container and the proxy sidecar.
pub struct InjectProxySidecarFalse;

impl Rule for InjectProxySidecarFalse {
    fn id(&self) -> &'static str {
        "AZ011"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(entry) = pod.annotations.and_then(|a| a.entry(INJECT_PROXY_SIDECAR)) else {
                continue;
            };
            let Some(scalar) = entry.value.scalar() else {
                continue;
            };
            let text = if scalar.kind == ScalarKind::Null {
                ""
            } else {
                scalar.text.trim()
            };
            let false_like =
                text.is_empty() || FALSE_LIKE.iter().any(|f| f.eq_ignore_ascii_case(text));
            if !false_like {
                continue;
            }
            // A null value has an empty (or `~`) span: point at the key instead.
            let span = if entry.value.span().is_empty() || scalar.kind == ScalarKind::Null {
                entry.key.span()
            } else {
                entry.value.span()
            };
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    span,
                    format!(
                        "{} has `{INJECT_PROXY_SIDECAR}: {}`, but the webhook ignores the value: its mere presence injects the proxy-init container (privileged, NET_ADMIN) and the `azwi-proxy` sidecar",
                        pod_phrase(o),
                        if scalar.style == Style::Plain { scalar.text.to_string() } else { format!("{:?}", scalar.text) },
                    ),
                )
                .help(format!(
                    "remove the `{INJECT_PROXY_SIDECAR}` annotation to run without the proxy sidecar"
                ))
                .with_fix_opt(
                    format!("remove the `{INJECT_PROXY_SIDECAR}` annotation"),
                    pod.annotations.and_then(|a| {
                        crate::fix::yaml::remove_entry(
                            ctx.model.source(o.file).text.as_str(),
                            a,
                            INJECT_PROXY_SIDECAR,
                            pod.metadata.and_then(|m| m.entry("annotations")),
                        )
                        .map(|e| vec![e])
                    }),
                ),
            );
        }
    }
}
