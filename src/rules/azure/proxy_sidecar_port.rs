use crate::model::values::go_parse_int;
use std::ops::Range;

use crate::input::{FileId, ScalarKind, Style};
use crate::model::Container;
use crate::model::values::is_placeholder;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT, key_span, pod_phrase};

/// `DefaultProxySidecarPort` (`pkg/webhook/consts.go`).
const DEFAULT_PORT: i64 = 8000;
/// The webhook does not inject its sidecar when a container already has this name.
const PROXY_CONTAINER: &str = "azwi-proxy";

/// AZ012: the port of the IMDS proxy sidecar. With `inject-proxy-sidecar` present the webhook
/// parses `proxy-sidecar-port` with `strconv.ParseInt(v, 10, 32)` (failure: pod denied), does
/// not range-check it (the injected `containerPort` then fails pod validation), and the proxy
/// listens on it in the pod's shared network namespace (a container port there collides).
pub struct ProxySidecarPort;

impl Rule for ProxySidecarPort {
    fn id(&self) -> &'static str {
        "AZ012"
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
            // Without the inject annotation the webhook never reads the port.
            let Some(inject_key) = key_span(annotations, INJECT_PROXY_SIDECAR) else {
                continue;
            };

            let port_node = pod.annotation(PROXY_SIDECAR_PORT);
            let port = match port_node {
                None => DEFAULT_PORT,
                Some(node) => {
                    let Some(scalar) = node.scalar() else {
                        continue;
                    };
                    let text = if scalar.kind == ScalarKind::Null {
                        ""
                    } else {
                        scalar.text.as_str()
                    };
                    if is_placeholder(text) {
                        continue;
                    }
                    let shown = if scalar.style == Style::Plain {
                        text.to_string()
                    } else {
                        format!("{text:?}")
                    };
                    let span = if node.span().is_empty() {
                        annotations
                            .entry(PROXY_SIDECAR_PORT)
                            .map_or(node.span(), |e| e.key.span())
                    } else {
                        node.span()
                    };
                    match go_parse_int(text, 32) {
                        Err(e) => {
                            out.push(
                                Finding::at(
                                    self.id(),
                                    o,
                                    span,
                                    format!(
                                        "{} has `{PROXY_SIDECAR_PORT}: {}`, which is not a base-10 integer{}: the webhook denies the pod (`failed to parse proxy sidecar port: strconv.ParseInt: parsing {text:?}: {e}`)",
                                        pod_phrase(o),
                                        shown,
                                        if e == "value out of range" { " that fits in 32 bits" } else { "" }
                                    ),
                                )
                                .help(format!(
                                    "write the port as a quoted decimal number, e.g. `{PROXY_SIDECAR_PORT}: \"{}\"`",
                                    free_port(pod.containers(), meant_port(text).unwrap_or(DEFAULT_PORT))
                                )),
                            );
                            continue;
                        }
                        Ok(p) if !(1..=65535).contains(&p) => {
                            out.push(
                                Finding::at(
                                    self.id(),
                                    o,
                                    span,
                                    format!(
                                        "{} has `{PROXY_SIDECAR_PORT}: {}`, outside 1–65535: the webhook injects `azwi-proxy` with containerPort {p} and the API server rejects the pod (`containerPort: Invalid value: {p}: must be between 1 and 65535, inclusive`)",
                                        pod_phrase(o),
                                        shown
                                    ),
                                )
                                .help(format!(
                                    "use a free port between 1 and 65535, e.g. `{PROXY_SIDECAR_PORT}: \"{}\"`",
                                    free_port(pod.containers(), DEFAULT_PORT)
                                )),
                            );
                            continue;
                        }
                        Ok(p) => p,
                    }
                }
            };

            // A container named `azwi-proxy` makes the webhook skip its own sidecar.
            if pod.containers().any(|c| c.name == Some(PROXY_CONTAINER)) {
                continue;
            }
            let Some((c, port_span)) = colliding(pod.containers(), port) else {
                continue;
            };
            let who = c.describe();
            let runs_proxy = c.node.get_str("image").is_some_and(|i| {
                i.contains("workload-identity/proxy:") || i.ends_with("workload-identity/proxy")
            });
            let free = free_port(pod.containers(), port.max(DEFAULT_PORT) + 1);
            let (message, help) = if runs_proxy {
                (
                    format!(
                        "{} has `{INJECT_PROXY_SIDECAR}` and also runs the workload identity proxy itself in {who} on port {port}: the webhook still injects its own `azwi-proxy` on the same port (it only skips a container named `{PROXY_CONTAINER}`), and one of them fails to bind",
                        pod_phrase(o)
                    ),
                    format!(
                        "keep the annotation and remove the hand-written proxy containers (the webhook injects `azwi-proxy` and `azwi-proxy-init`), or remove `{INJECT_PROXY_SIDECAR}`"
                    ),
                )
            } else if port_node.is_some() {
                (
                    format!(
                        "{}: the proxy sidecar port {port} (`{PROXY_SIDECAR_PORT}`) is also a containerPort of {who}: both listen in the pod's network namespace, so one fails to bind and IMDS token requests may reach the application",
                        pod_phrase(o)
                    ),
                    format!(
                        "pick a port no container uses, e.g. `{PROXY_SIDECAR_PORT}: \"{free}\"`"
                    ),
                )
            } else {
                (
                    format!(
                        "{}: {who} uses port {port}, the default port of the proxy sidecar that `{INJECT_PROXY_SIDECAR}` injects: both listen in the pod's network namespace, so one fails to bind and IMDS token requests may reach the application",
                        pod_phrase(o)
                    ),
                    format!("move the proxy to a free port: `{PROXY_SIDECAR_PORT}: \"{free}\"`"),
                )
            };
            let (span, related): (Range<usize>, (FileId, Range<usize>, String)) = match port_node {
                Some(node) if !runs_proxy => (
                    node.span(),
                    (o.file, port_span, format!("containerPort {port} of {who}")),
                ),
                _ => (
                    port_span,
                    (
                        o.file,
                        inject_key,
                        format!("`{INJECT_PROXY_SIDECAR}` injects the proxy on port {port}"),
                    ),
                ),
            };
            out.push(
                Finding::at(self.id(), o, span, message)
                    .help(help)
                    .related(related.0, related.1, related.2),
            );
        }
    }
}

/// The first container (regular or init) that declares `containerPort: port`.
fn colliding<'a>(
    containers: impl Iterator<Item = Container<'a>>,
    port: i64,
) -> Option<(Container<'a>, Range<usize>)> {
    containers
        .filter(|c| c.list != "ephemeralContainers")
        .find_map(|c| {
            c.ports()
                .find(|p| p.text().and_then(|t| go_parse_int(t, 32).ok()) == Some(port))
                .map(|p| (c, p.span()))
        })
}

/// The number at the start of an unparsable port (`8001/TCP`, ` 8001`, `8001.0`), if it is one.
fn meant_port(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches(':');
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    t.get(..end)?
        .parse()
        .ok()
        .filter(|p| (1..=65535).contains(p))
}

/// The lowest port ≥ `from` that no container declares.
fn free_port<'a>(containers: impl Iterator<Item = Container<'a>>, from: i64) -> i64 {
    let used: Vec<i64> = containers
        .flat_map(|c| c.ports().collect::<Vec<_>>())
        .filter_map(|p| p.text().and_then(|t| go_parse_int(t, 32).ok()))
        .collect();
    (from..65535)
        .find(|p| !used.contains(p))
        .unwrap_or(DEFAULT_PORT)
}
