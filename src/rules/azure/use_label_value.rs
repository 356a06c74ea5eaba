use crate::input::{Entry, Node, ScalarKind};
use crate::model::Object;
use crate::rules::{Context, Finding, Rule, Scope};

use super::{USE_LABEL, pod_phrase};

/// AZ002: the label `azure.workload.identity/use` whose value is not exactly the string `"true"`.
///
/// On the pod template every wrong value matters: a YAML 1.1 boolean or number makes the API
/// server reject the object, and any string other than `true` (`True`, `yes`, `1`, empty) is not
/// matched by the webhook's objectSelector, so the pod is silently not mutated. On an object's own
/// `metadata.labels` (a Deployment, a ServiceAccount, …) only the non-string case is reported here
/// (K8S005 leaves this label to AZ002); that the label sits on the wrong object is AZ001's business.
pub struct UseLabelValue;

impl Rule for UseLabelValue {
    fn id(&self) -> &'static str {
        "AZ002"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects() {
            let text = ctx.model.source(o.file).text.as_str();
            // A Pod's own labels are its pod labels: checked once, as pod labels.
            if !o.is("Pod")
                && let Some(e) = o.labels.and_then(|l| l.entry(USE_LABEL))
                && let Some(f) = self.object_label(o, e, text)
            {
                out.push(f);
            }
            if let Some(e) = o
                .pod
                .as_ref()
                .and_then(|p| p.labels)
                .and_then(|l| l.entry(USE_LABEL))
                && let Some(f) = self.pod_label(o, e, text)
            {
                out.push(f);
            }
        }
    }
}

impl UseLabelValue {
    /// The label on the pod (template): anything but the string `true` is a problem.
    fn pod_label(&self, o: &Object<'_>, e: &Entry, text: &str) -> Option<Finding> {
        let where_ = if o.is("Pod") {
            format!("label `{USE_LABEL}` of {}", o.display_name())
        } else {
            format!("label `{USE_LABEL}` on the {}", pod_phrase(o))
        };
        let message = match value_shape(&e.value) {
            Shape::True => return None,
            Shape::NotString { type_name, text } => format!(
                "{where_} is `{text}` unquoted, which YAML reads as {}, not the string \"true\": the API server \
                 rejects the object (`json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.labels of type string`)",
                article(type_name),
                go_type(type_name)
            ),
            Shape::Empty => format!(
                "{where_} has no value: the webhook only mutates pods labelled exactly \"true\", \
                 so this pod gets no token and no AZURE_* variables"
            ),
            Shape::OtherString(v) => format!(
                "{where_} is \"{}\", not \"true\": the webhook's label selector matches only the exact, \
                 case-sensitive string \"true\", so this pod is silently not mutated (no token, no AZURE_* variables)",
                v.escape_debug()
            ),
        };
        Some(
            Finding::at(self.id(), o, e.value.span(), message)
                .help(format!("write exactly `{}`", corrected_line(text, e)))
                .with_fix_opt(
                    "set the label to \"true\"",
                    crate::fix::yaml::set_value(text, e, "true").map(|e| vec![e]),
                ),
        )
    }

    /// The label on an object's own metadata: only a non-string value (the object is rejected).
    fn object_label(&self, o: &Object<'_>, e: &Entry, text: &str) -> Option<Finding> {
        let Shape::NotString {
            type_name,
            text: value,
        } = value_shape(&e.value)
        else {
            return None;
        };
        Some(
            Finding::at(
                self.id(),
                o,
                e.value.span(),
                format!(
                    "label `{USE_LABEL}` of {} is `{value}` unquoted, which YAML reads as {}, not a string: the API \
                     server rejects the object (`json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.labels of type string`)",
                    o.display_name(),
                    article(type_name),
                    go_type(type_name)
                ),
            )
            .help(format!("quote the value: `{}`", corrected_line(text, e)))
            .with_fix_opt(
                "quote the value",
                crate::fix::yaml::replace_scalar(text, &e.value, value).map(|e| vec![e]),
            ),
        )
    }
}

enum Shape<'n> {
    True,
    NotString {
        type_name: &'static str,
        text: &'n str,
    },
    Empty,
    OtherString(&'n str),
}

fn value_shape(value: &Node) -> Shape<'_> {
    let Some(s) = value.scalar() else {
        return if value.is_map() {
            Shape::NotString {
                type_name: "mapping",
                text: "{…}",
            }
        } else {
            Shape::NotString {
                type_name: "list",
                text: "[…]",
            }
        };
    };
    match s.kind {
        ScalarKind::String if s.text == "true" => Shape::True,
        ScalarKind::String if s.text.is_empty() => Shape::Empty,
        ScalarKind::String => Shape::OtherString(&s.text),
        ScalarKind::Null => Shape::Empty,
        kind => Shape::NotString {
            type_name: kind.type_name(),
            text: &s.text,
        },
    }
}

fn article(type_name: &str) -> String {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {type_name}")
    } else {
        format!("a {type_name}")
    }
}

/// The Go type name in the unmarshal error the API server returns.
fn go_type(type_name: &str) -> &'static str {
    match type_name {
        "boolean" => "bool",
        "integer" | "number" => "number",
        "mapping" => "object",
        _ => "array",
    }
}

/// The source line of the entry with its value replaced by `"true"` (the exact fix), or the
/// bare `key: "true"` when the value does not sit on one line.
fn corrected_line(text: &str, e: &Entry) -> String {
    let fallback = format!("{USE_LABEL}: \"true\"");
    let span = &e.value.span();
    let (Some(before), Some(value), Some(after)) = (
        text.get(..span.start),
        text.get(span.clone()),
        text.get(span.end..),
    ) else {
        return fallback;
    };
    if value.is_empty() || value.contains('\n') {
        return fallback;
    }
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').unwrap_or(after.len());
    let (Some(head), Some(tail)) = (before.get(line_start..), after.get(..line_end)) else {
        return fallback;
    };
    // A trailing comment is not part of the fix.
    let tail = tail.trim_end_matches('\r');
    let tail = if tail.trim_start().starts_with('#') {
        ""
    } else {
        tail
    };
    let line = format!("{head}\"true\"{tail}");
    let line = line.trim();
    if line.is_empty() {
        fallback
    } else {
        line.to_string()
    }
}
