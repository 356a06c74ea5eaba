use std::collections::BTreeMap;
use std::ops::Range;

use crate::input::FileId;
use crate::model::gcp::{Binding, Origin};
use crate::rules::{Context, Finding, Rule};

use super::binding_finding;

/// GK007: an authoritative IAM policy (`IAMPolicy`, `google_service_account_iam_policy`) and
/// another IAM resource on the same resource. Config Connector: "`IAMPolicyMember` should not
/// be used in conjunction with `IAMPolicy` for the same resource"; the authoritative policy
/// removes the other grants on every reconcile, so the Workload Identity binding flaps.
pub struct IamPolicyConflict;

fn authoritative(kind: &str) -> bool {
    matches!(kind, "IAMPolicy" | "google_service_account_iam_policy")
}

/// One IAM resource (a KCC object or a Terraform block) and where to point at it.
struct Resource<'b> {
    first: &'b Binding,
    file: FileId,
    anchor: Range<usize>,
}

impl Rule for IamPolicyConflict {
    fn id(&self) -> &'static str {
        "GK007"
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        // resource key → IAM resources on it, in input order, one entry per KCC object / block.
        let mut by_target: BTreeMap<&str, Vec<Resource<'_>>> = BTreeMap::new();
        let mut seen: foldhash::HashSet<(&str, &str, &str)> = Default::default();
        for b in &model.gcp().bindings {
            let Some(key) = b.resource_key.as_deref() else {
                continue;
            };
            // One entry per (target, resource): a set, not a scan of the target's list (3,000
            // members on one project made that quadratic).
            if !seen.insert((key, b.display.as_str(), b.kind)) {
                continue;
            }
            let list = by_target.entry(key).or_default();
            let anchor = match b.origin {
                Origin::Kcc(id) => {
                    let o = model.object(id);
                    o.node
                        .get("spec")
                        .and_then(|s| s.entry("resourceRef"))
                        .map_or_else(|| b.anchor.clone(), |e| e.key.span())
                }
                Origin::Terraform => b.anchor.clone(),
            };
            list.push(Resource {
                first: b,
                file: b.file,
                anchor,
            });
        }
        for resources in by_target.values() {
            let Some(policy) = resources.iter().find(|r| authoritative(r.first.kind)) else {
                continue;
            };
            for r in resources {
                if std::ptr::eq(r.first, policy.first) {
                    continue;
                }
                let what = if authoritative(r.first.kind) {
                    "a second authoritative policy"
                } else {
                    "a non-authoritative grant"
                };
                out.push(
                    binding_finding(
                        model,
                        self.id(),
                        r.first,
                        r.anchor.clone(),
                        format!(
                            "{} is {what} on the same resource as {}: the authoritative policy replaces the resource's whole IAM policy on every apply, so this grant is removed again and the Workload Identity binding flaps",
                            r.first.display, policy.first.display
                        ),
                    )
                    .help("manage the resource's IAM with one authoritative policy that lists every binding, or only with IAMPolicyMember / IAMPartialPolicy (google_service_account_iam_member / _binding)")
                    .related(policy.file, policy.anchor.clone(), format!("{} here", policy.first.kind)),
                );
            }
        }
    }
}
