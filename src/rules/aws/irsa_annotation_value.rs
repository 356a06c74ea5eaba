use crate::input::{Node, ScalarKind};
use crate::model::Object;
use crate::model::aws::{AUDIENCE, STS_REGIONAL_ENDPOINTS, TOKEN_EXPIRATION};
use crate::model::values::{go_parse_int, is_placeholder};
use crate::rules::{Context, Finding, Rule, Scope};

/// `MinTokenExpiration` / `MaxTokenExpiration` in the webhook's `pkg/constants.go`.
const MIN: i64 = 600;
const MAX: i64 = 86400;

/// IR003: IRSA annotation values the webhook silently replaces or ignores:
/// `token-expiration` that is not a base-10 integer (default 86400 used), below 600 (raised to
/// 600) or above 86400 (the EKS maximum); an empty `audience`; `sts-regional-endpoints` that Go's
/// `strconv.ParseBool` does not accept (ignored).
pub struct IrsaAnnotationValue;

impl Rule for IrsaAnnotationValue {
    fn id(&self) -> &'static str {
        "IR003"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            if o.is("ServiceAccount") && o.group().is_empty() {
                if let Some(a) = o.annotations {
                    self.annotations(o, a, true, out);
                }
            } else if let Some(pod) = &o.pod
                && let Some(a) = pod.annotations
            {
                self.annotations(o, a, false, out);
            }
        }
    }
}

fn text(node: &Node) -> Option<&str> {
    let s = node.scalar()?;
    Some(if s.kind == ScalarKind::Null {
        ""
    } else {
        s.text.as_str()
    })
}

impl IrsaAnnotationValue {
    fn annotations(
        &self,
        o: &Object<'_>,
        map: &Node,
        service_account: bool,
        out: &mut Vec<Finding>,
    ) {
        let owner = if service_account {
            o.display_name()
        } else {
            crate::rules::azure::pod_phrase(o)
        };
        if let Some(v) = map.get(TOKEN_EXPIRATION)
            && let Some(t) = text(v)
            && !t.is_empty()
            && !is_placeholder(t)
        {
            let problem = match go_parse_int(t, 64) {
                Err(e) => Some(format!(
                    "is not whole seconds (`strconv.ParseInt`: {e}), so the webhook ignores it and uses 86400"
                )),
                Ok(n) if n < MIN => Some(format!(
                    "is below {MIN}, so the webhook raises it to {MIN} (the API server's minimum)"
                )),
                Ok(n) if n > MAX => Some(format!(
                    "is above {MAX}, the longest token lifetime EKS issues"
                )),
                Ok(_) => None,
            };
            if let Some(p) = problem {
                out.push(
                    Finding::at(self.id(), o, v.span(), format!("`{TOKEN_EXPIRATION}: {t}` on {owner} {p}"))
                        .help(format!("write whole seconds between {MIN} and {MAX} as a quoted string, e.g. `\"86400\"`")),
                );
            }
        }
        if !service_account {
            return;
        }
        if let Some(v) = map.get(AUDIENCE)
            && let Some(t) = text(v)
            && t.trim().is_empty()
        {
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    map.entry(AUDIENCE).map_or(v.span(), |e| if v.span().is_empty() { e.key.span() } else { v.span() }),
                    format!("`{AUDIENCE}` on {owner} is empty: the projected token gets no usable audience and STS rejects it (`InvalidIdentityToken: Incorrect token audience`)"),
                )
                .help("remove the annotation (the default audience is `sts.amazonaws.com`) or set the audience the OIDC provider lists"),
            );
        }
        if let Some(v) = map.get(STS_REGIONAL_ENDPOINTS)
            && let Some(t) = text(v)
            && !t.is_empty()
            && !is_placeholder(t)
            && !matches!(
                t,
                "1" | "t"
                    | "T"
                    | "TRUE"
                    | "true"
                    | "True"
                    | "0"
                    | "f"
                    | "F"
                    | "FALSE"
                    | "false"
                    | "False"
            )
        {
            out.push(
                Finding::at(
                    self.id(),
                    o,
                    v.span(),
                    format!("`{STS_REGIONAL_ENDPOINTS}: {t}` on {owner} is not a boolean `strconv.ParseBool` accepts, so the webhook ignores it and `AWS_STS_REGIONAL_ENDPOINTS` is not injected"),
                )
                .help("write `\"true\"` (regional STS endpoint) or `\"false\"`"),
            );
        }
    }
}
