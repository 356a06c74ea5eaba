use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt as _, HashSet};

use crate::model::Object;
use crate::model::azure_identity::{Field, parse_subject};
use crate::model::values::ascii_lowercase;
use crate::rules::{Context, Finding, Rule};

use super::fic_common::{at_value, is_placeholder};

fn has_upper(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
}

/// A (namespace, name) pair with ASCII letters lowercased.
type Folded<'a> = (Cow<'a, str>, Cow<'a, str>);

/// AZ019: a federated credential's subject names a ServiceAccount that no input defines. Checked
/// only when the inputs define ServiceAccounts at all (else there is nothing to compare with).
/// Suggests the nearest ServiceAccount: wrong namespace, a typo, or a case-only difference
/// (subjects match case-sensitively: AADSTS7002138).
pub struct FicSubjectServiceAccount;

impl Rule for FicSubjectServiceAccount {
    fn id(&self) -> &'static str {
        "AZ019"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        let tf_names = terraform_service_accounts(ctx);
        let tf: HashSet<(&str, &str)> = tf_names
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
            .collect();
        if model.service_accounts().next().is_none() && tf.is_empty() {
            return;
        }
        // For the case-only hint, the first ServiceAccount (in input order) whose namespace and
        // name, ASCII-lowercased, are the subject's. All-lowercase ones are found through the
        // model's index under the lowercased key; the few with an uppercase letter get a map of
        // their own, built on first need.
        let mut mixed_case: Option<HashMap<Folded<'_>, &Object<'_>>> = None;
        for fic in &model.azure_identities().fics {
            let Some(Field::Known(s)) = &fic.subject else {
                continue;
            };
            let Ok((ns, name)) = parse_subject(&s.text) else {
                continue;
            };
            if is_placeholder(ns) || is_placeholder(name) {
                continue;
            }
            // An explicit namespace only: a ServiceAccount without one goes wherever it is applied.
            // (An exact `namespace/name` match is the first case of `service_account`.)
            if model.service_account(ns, name).is_some() || tf.contains(&(ns, name)) {
                continue;
            }
            let folded = (ascii_lowercase(ns), ascii_lowercase(name));
            let lower = model.service_account_exact(&folded.0, &folded.1);
            let mixed = mixed_case
                .get_or_insert_with(|| {
                    let mut map = HashMap::new();
                    for sa in model.service_accounts() {
                        if let Some(n) = sa.name
                            && (has_upper(&sa.namespace) || has_upper(n))
                        {
                            map.entry((ascii_lowercase(&sa.namespace), ascii_lowercase(n)))
                                .or_insert(sa);
                        }
                    }
                    map
                })
                .get(&folded)
                .copied();
            let case_only = match (lower, mixed) {
                (Some(a), Some(b)) => Some(if a.id.0 <= b.id.0 { a } else { b }),
                (a, b) => a.or(b),
            };
            let other_ns: Vec<_> = model.service_accounts_named(name).collect();
            let typo = model
                .service_account_names_near(ns)
                .and_then(|near| near.closest(name))
                .and_then(|n| model.service_account(ns, n));
            let (hint, suggestion) = if let Some(sa) = case_only {
                (
                    format!(
                        "; ServiceAccount `{}/{}` differs only in case, and subjects match case-sensitively (AADSTS7002138)",
                        sa.namespace,
                        sa.name.unwrap_or("")
                    ),
                    Some(sa),
                )
            } else if let Some(sa) = other_ns.first() {
                (
                    format!(
                        "; did you mean namespace `{}`? ServiceAccount `{name}` is defined there",
                        sa.namespace
                    ),
                    Some(*sa),
                )
            } else if let Some(sa) = typo {
                (
                    format!("; did you mean `{}`?", sa.name.unwrap_or("")),
                    Some(sa),
                )
            } else {
                (String::new(), None)
            };
            let mut f = at_value(
                self.id(),
                ctx,
                fic,
                s,
                format!(
                    "subject `{}` of {} names ServiceAccount `{ns}/{name}`, which no input defines{hint}",
                    s.text, fic.display
                ),
            );
            f = match suggestion {
                Some(sa) => {
                    let at = sa
                        .metadata
                        .and_then(|m| m.get("name"))
                        .map_or(sa.node.span(), |n| n.span());
                    f.help(format!(
                        "set the subject to `system:serviceaccount:{}:{}` (exactly, case-sensitive), or fix the ServiceAccount",
                        sa.namespace,
                        sa.name.unwrap_or("")
                    ))
                    .related(sa.file, at, "nearest ServiceAccount defined here")
                }
                None => f.help(format!(
                    "define ServiceAccount `{name}` in namespace `{ns}` (with `azure.workload.identity/client-id`), fix the subject, or lint together with the manifests that define it"
                )),
            };
            out.push(f);
        }
    }
}

/// `(namespace, name)` of Terraform `kubernetes_service_account(_v1)` blocks with literal names
/// (a namespace left out is `default`, as the provider does).
fn terraform_service_accounts(ctx: &Context<'_, '_>) -> Vec<(String, String)> {
    let tf = ctx.model.terraform();
    let mut out = Vec::new();
    for ty in [
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
    ] {
        for (file, b) in tf.resources(ty) {
            let Some(meta) = b.body.block("metadata") else {
                continue;
            };
            let literal = |k: &str| {
                meta.body
                    .attr(k)
                    .and_then(|a| match tf.resolve(file, &a.value) {
                        crate::input::terraform::Resolved::Literal { expr, .. } => {
                            expr.as_str().map(str::to_string)
                        }
                        crate::input::terraform::Resolved::Unresolved { .. } => None,
                    })
            };
            if let Some(name) = literal("name") {
                out.push((
                    literal("namespace").unwrap_or_else(|| "default".into()),
                    name,
                ));
            }
        }
    }
    out
}
