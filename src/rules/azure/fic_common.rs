//! Shared by the federated identity credential rules (AZ018–AZ030): findings at a credential's
//! values in whichever form it came from, and value helpers.

use std::ops::Range;

use crate::input::FileId;
use crate::model::azure_identity::{Fic, Located};
use crate::rules::{Context, Finding, ObjectRef};

/// A finding at `span` of `file`, about credential `fic` (its ASO object named for JSON output).
pub fn fic_finding(
    rule: &str,
    ctx: &Context<'_, '_>,
    fic: &Fic,
    file: FileId,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    let mut f = Finding::new(rule, file, span, message);
    if let Some(id) = fic.object {
        f.object = Some(ObjectRef::of(ctx.model.object(id)));
    }
    f
}

/// A finding at a value, with "referenced here" when it was reached through a reference.
pub fn at_value(
    rule: &str,
    ctx: &Context<'_, '_>,
    fic: &Fic,
    value: &Located,
    message: impl Into<String>,
) -> Finding {
    let mut f = fic_finding(rule, ctx, fic, value.file, value.span.clone(), message);
    if let Some((file, span)) = &value.via {
        f = f.related(*file, span.clone(), format!("used by {} here", fic.display));
    }
    f
}

/// Text that someone still has to fill in (`${VAR}`, `<issuer>`); checks skip it.
pub fn is_placeholder(s: &str) -> bool {
    crate::model::values::is_placeholder(s)
}

/// `system:serviceaccount:<ns>:<name>`.
pub fn subject_for(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}
