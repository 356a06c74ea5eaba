use crate::input::{Node, ScalarKind, Style};
use crate::model::Object;
use crate::model::values::go_parse_int;
use crate::model::values::is_placeholder;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{TOKEN_EXPIRATION, key_span, pod_phrase};

const MIN: i64 = 3600;
const MAX: i64 = 86400;

/// AZ008: `azure.workload.identity/service-account-token-expiration` (pod or ServiceAccount
/// annotation) that the webhook cannot use. It reads the pod's value, else the ServiceAccount's
/// (an empty string counts as unset), with `strconv.ParseInt(v, 10, 64)` and requires
/// 3600 ≤ v ≤ 86400; otherwise it answers the admission request with an error and, with
/// `failurePolicy: Fail`, the pod is not created.
pub struct TokenExpirationRange;

impl Rule for TokenExpirationRange {
    fn id(&self) -> &'static str {
        "AZ008"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.workloads() {
            let Some(pod) = o.pod.as_ref() else { continue };
            let Some(value) = pod.annotation(TOKEN_EXPIRATION) else {
                continue;
            };
            let Some(problem) = Problem::of(value) else {
                continue;
            };
            let mut finding = Finding::at(
                self.id(),
                o,
                value.span(),
                format!(
                    "{} has `{TOKEN_EXPIRATION}: {}`, {}: the webhook denies the pod ({})",
                    pod_phrase(o),
                    problem.shown(),
                    problem.what(),
                    problem.webhook_error()
                ),
            )
            .help(problem.help())
            .with_fix_opt(
                "write the duration as whole seconds",
                problem.fix(ctx.model.source(o.file).text.as_str(), value),
            );
            // The pod annotation wins over the ServiceAccount's: say so when both are set.
            let sa_value = super::service_account_of(ctx.model, o).and_then(|sa| {
                sa.annotation(TOKEN_EXPIRATION)
                    .filter(|v| value_text(v).is_some_and(|t| !t.is_empty()))
                    .and_then(|_| sa.annotations.and_then(|a| key_span(a, TOKEN_EXPIRATION)))
                    .map(|span| (sa.file, span))
            });
            if let Some((file, span)) = sa_value {
                finding = finding.related(
                    file,
                    span,
                    "ServiceAccount's value, ignored because the pod annotation wins",
                );
            }
            out.push(finding);
        }

        for sa in ctx.service_accounts() {
            let Some(value) = sa.annotation(TOKEN_EXPIRATION) else {
                continue;
            };
            let Some(problem) = Problem::of(value) else {
                continue;
            };
            let mut finding = Finding::at(
                self.id(),
                sa,
                value.span(),
                format!(
                    "{} has `{TOKEN_EXPIRATION}: {}`, {}: the webhook denies every labelled pod that runs as it and does not set its own value ({})",
                    sa.display_name(),
                    problem.shown(),
                    problem.what(),
                    problem.webhook_error()
                ),
            )
            .help(problem.help())
            .with_fix_opt(
                "write the duration as whole seconds",
                problem.fix(ctx.model.source(sa.file).text.as_str(), value),
            );
            if let Some(w) = first_affected_workload(ctx, sa) {
                let span = w
                    .pod
                    .as_ref()
                    .and_then(|p| p.service_account.node)
                    .map_or_else(|| super::pod_labels_anchor(w), |n| n.span());
                finding = finding.related(
                    w.file,
                    span,
                    format!("{} runs as this ServiceAccount", w.display_name()),
                );
            }
            out.push(finding);
        }
    }
}

/// A workload that runs as `sa` and takes the expiration from it (no non-empty pod annotation).
fn first_affected_workload<'m, 'a>(
    ctx: &Context<'m, 'a>,
    sa: &Object<'a>,
) -> Option<&'m Object<'a>> {
    sa.name?;
    ctx.model.workloads_running_as_account(sa).find(|w| {
        w.pod
            .as_ref()
            .and_then(|p| p.annotation(TOKEN_EXPIRATION))
            .and_then(value_text)
            .is_none_or(str::is_empty)
    })
}

/// The text Kubernetes stores for an annotation value (`~`/empty plain scalar: ""); `None` for
/// maps and sequences (the API server rejects those; other rules report them).
fn value_text(node: &Node) -> Option<&str> {
    let s = node.scalar()?;
    Some(if s.kind == ScalarKind::Null {
        ""
    } else {
        s.text.as_str()
    })
}

enum Kind {
    /// `strconv.ParseInt` fails: the Go error text.
    Syntax(&'static str),
    OutOfRange(i64),
}

struct Problem<'a> {
    text: &'a str,
    plain: bool,
    kind: Kind,
}

impl<'a> Problem<'a> {
    fn of(value: &'a Node) -> Option<Self> {
        let text = value_text(value)?;
        if text.is_empty() || is_placeholder(text) {
            return None;
        }
        let kind = match go_parse_int(text, 64) {
            Ok(v) if (MIN..=MAX).contains(&v) => return None,
            Ok(v) => Kind::OutOfRange(v),
            Err(e) => Kind::Syntax(e),
        };
        let plain = value.scalar().is_some_and(|s| s.style == Style::Plain);
        Some(Self { text, plain, kind })
    }

    /// The value as written: unquoted stays unquoted.
    fn shown(&self) -> String {
        if self.plain {
            self.text.to_string()
        } else {
            format!("{:?}", self.text)
        }
    }

    fn what(&self) -> String {
        match self.kind {
            Kind::Syntax(RANGE) => "which does not fit in a 64-bit integer".to_string(),
            Kind::Syntax(_) => "which is not a base-10 integer of seconds".to_string(),
            Kind::OutOfRange(_) => format!("outside {MIN}–{MAX} seconds"),
        }
    }

    fn webhook_error(&self) -> String {
        match self.kind {
            Kind::Syntax(e) => format!("`strconv.ParseInt: parsing {:?}: {e}`", self.text),
            Kind::OutOfRange(v) => {
                format!(
                    "`token expiration {v} not valid. Expected value to be between {MIN} and {MAX}`"
                )
            }
        }
    }

    /// A value that does not parse but clearly means seconds in range (`"1h"`, `"3600s"`,
    /// `" 3600"`, `"1e4"`) becomes those seconds; an out-of-range value is left to the user.
    fn fix(&self, text: &str, value: &Node) -> Option<Vec<crate::fix::Edit>> {
        let Kind::Syntax(_) = self.kind else {
            return None;
        };
        let s = seconds_meant(self.text).filter(|s| (MIN..=MAX).contains(s))?;
        crate::fix::yaml::replace_scalar(text, value, &s.to_string()).map(|e| vec![e])
    }

    fn help(&self) -> String {
        let seconds = match self.kind {
            Kind::OutOfRange(v) => Some(v),
            Kind::Syntax(_) => seconds_meant(self.text),
        };
        match seconds {
            Some(s) if (MIN..=MAX).contains(&s) => format!(
                "write whole seconds as a quoted decimal string: `{TOKEN_EXPIRATION}: \"{s}\"`"
            ),
            Some(s) => format!(
                "use a value between \"{MIN}\" (1 hour, the default) and \"{MAX}\" (24 hours), e.g. `{TOKEN_EXPIRATION}: \"{}\"`",
                s.clamp(MIN, MAX)
            ),
            None => format!(
                "use whole seconds between \"{MIN}\" (1 hour, the default) and \"{MAX}\" (24 hours), e.g. `{TOKEN_EXPIRATION}: \"{MIN}\"`"
            ),
        }
    }
}

/// Go's `strconv.ErrRange` text.
const RANGE: &str = "value out of range";

/// What a human probably meant by an unparsable value, in seconds: ` 3600 ` (spaces),
/// `1e4` / `3600.0` (floats), `1h`, `90m`, `3600s`, `1h30m`, `1d` (durations).
fn seconds_meant(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(v) = go_parse_int(t, 64) {
        return Some(v);
    }
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && f.fract() == 0.0
        && f.abs() < 1e15
    {
        return Some(f as i64);
    }
    duration_seconds(t)
}

/// A Go-style duration (`1h30m`, `45m`, `3600s`, plus `d`), rounded down to whole seconds.
fn duration_seconds(t: &str) -> Option<i64> {
    let mut total = 0f64;
    let mut rest = t;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..num_len)?.parse().ok()?;
        rest = rest.get(num_len..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match rest.get(..unit_len)? {
            "d" => 86400.0,
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            _ => return None,
        };
        rest = rest.get(unit_len..)?;
        total += number * factor;
    }
    (total.is_finite() && total < 1e15).then_some(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_like_go() {
        assert_eq!(go_parse_int("3600", 64), Ok(3600));
        assert_eq!(go_parse_int("+3600", 64), Ok(3600));
        assert_eq!(go_parse_int("-1", 64), Ok(-1));
        for bad in [
            "", " 3600", "3600 ", "1h", "3600s", "1e4", "1_000", "0x10", "+", "3600.0",
        ] {
            assert_eq!(go_parse_int(bad, 64), Err("invalid syntax"), "{bad:?}");
        }
        assert_eq!(
            go_parse_int("99999999999999999999", 64),
            Err("value out of range")
        );
        assert_eq!(go_parse_int("2147483648", 32), Err("value out of range"));
        assert_eq!(go_parse_int("-2147483648", 32), Ok(-2147483648));
    }

    #[test]
    fn meant_seconds() {
        assert_eq!(seconds_meant("1h"), Some(3600));
        assert_eq!(seconds_meant("1h30m"), Some(5400));
        assert_eq!(seconds_meant("3600s"), Some(3600));
        assert_eq!(seconds_meant("1e4"), Some(10000));
        assert_eq!(seconds_meant(" 3600"), Some(3600));
        assert_eq!(seconds_meant("1d"), Some(86400));
        assert_eq!(seconds_meant("soon"), None);
        assert_eq!(seconds_meant("h"), None);
    }
}
