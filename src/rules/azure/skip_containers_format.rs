use crate::input::{Scalar, ScalarKind, Style};
use crate::model::values::{closest, is_placeholder};
use crate::rules::{Context, Finding, Rule, Scope};

use super::{INJECT_PROXY_SIDECAR, SKIP_CONTAINERS, pod_phrase};

/// Containers the proxy injection adds (`pkg/webhook/consts.go`); `skip-containers` sees them.
const PROXY_CONTAINERS: &[&str] = &["azwi-proxy", "azwi-proxy-init"];

/// Sidecars other mutating webhooks add after the manifest is written. The AWI webhook has
/// `reinvocationPolicy: IfNeeded`, so listing them in `skip-containers` is meaningful even
/// though the manifest does not define them.
const INJECTED_ELSEWHERE: &[&str] = &[
    "istio-proxy",
    "istio-init",
    "istio-validation",
    "linkerd-proxy",
    "linkerd-init",
    "linkerd-network-validator",
    "daprd",
    "vault-agent",
    "vault-agent-init",
    "consul-dataplane",
    "consul-connect-inject-init",
    "cloud-sql-proxy",
    "otc-container",
];

/// AZ009: `azure.workload.identity/skip-containers` written with `,` or naming containers the
/// pod does not have. The webhook does `strings.Split(v, ";")` + `TrimSpace` and skips the
/// containers whose name is in that set; everything else is mutated, silently.
pub struct SkipContainersFormat;

impl Rule for SkipContainersFormat {
    fn id(&self) -> &'static str {
        "AZ009"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(value) = pod.annotation(SKIP_CONTAINERS) else {
                continue;
            };
            let Some(scalar) = value.scalar() else {
                continue;
            };
            if scalar.kind == ScalarKind::Null || is_placeholder(&scalar.text) {
                continue;
            }
            let text = scalar.text.as_str();

            // What the webhook reads, and what the author meant (`,` as a separator too).
            let read: Vec<&str> = text
                .split(';')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            let meant: Vec<&str> = text
                .split([';', ','])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();

            let containers: Vec<&str> = pod
                .containers()
                .filter(|c| c.list != "ephemeralContainers")
                .filter_map(|c| c.name)
                .collect();
            let proxy = pod.annotation(INJECT_PROXY_SIDECAR).is_some();
            let known = |n: &str| {
                containers.contains(&n)
                    || INJECTED_ELSEWHERE.contains(&n)
                    || (proxy && PROXY_CONTAINERS.contains(&n))
            };

            // Groups glued with `,` that hold at least one name (`","` alone names nothing).
            let glued: Vec<&str> = read
                .iter()
                .copied()
                .filter(|n| n.contains(',') && n.split(',').any(|p| !p.trim().is_empty()))
                .collect();
            if !glued.is_empty() {
                let as_one = glued
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let names = glued
                    .iter()
                    .flat_map(|n| n.split(','))
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>();
                let names = match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => names.join(""),
                };
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        value.span(),
                        format!(
                            "{} has `{SKIP_CONTAINERS}: {}`, but the webhook splits the list on `;` only: {as_one} is read as one container name, so {names} are not skipped and get the identity env vars and token",
                            pod_phrase(o),
                            shown(scalar),
                        ),
                    )
                    .help(format!(
                        "separate container names with `;`: `{SKIP_CONTAINERS}: \"{}\"`",
                        meant.join(";")
                    ))
                    .with_fix_opt(
                        "separate the container names with `;`",
                        crate::fix::yaml::replace_scalar(
                            ctx.model.source(o.file).text.as_str(),
                            value,
                            &text.replace(',', ";"),
                        )
                        .map(|e| vec![e]),
                    ),
                );
            }

            // Unknown names (only meaningful when the manifest lists the pod's containers).
            if containers.is_empty() {
                continue;
            }
            for name in meant.iter().copied().filter(|n| !known(n)) {
                let suggestion = closest(name, containers.iter().copied());
                let fixed: Vec<&str> = meant
                    .iter()
                    .filter_map(|n| if *n == name { suggestion } else { Some(*n) })
                    .collect();
                let hint =
                    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
                let help = if fixed.is_empty() {
                    format!("name a container of the pod, or remove `{SKIP_CONTAINERS}`")
                } else {
                    format!(
                        "name containers of the pod: `{SKIP_CONTAINERS}: \"{}\"`",
                        fixed.join(";")
                    )
                };
                out.push(
                    Finding::at(
                        self.id(),
                        o,
                        value.span(),
                        format!(
                            "{}: `{SKIP_CONTAINERS}` names `{name}`, which is not a container or init container of the pod{hint}; the webhook ignores unknown names, so the container meant to be skipped is still mutated",
                            pod_phrase(o),
                        ),
                    )
                    .help(help),
                );
            }
        }
    }
}

/// The value as written: unquoted stays unquoted.
fn shown(s: &Scalar) -> String {
    if s.style == Style::Plain {
        s.text.to_string()
    } else {
        format!("{:?}", s.text)
    }
}
