use crate::input::Node;
use crate::model::Object;
use crate::model::gcp::KCC_IAM_GROUP;
use crate::rules::{Context, Finding, Rule, Scope};

/// GK006: a Config Connector `IAMPolicyMember` (or an `IAMPartialPolicy` member entry) with
/// both or neither of `member` and `memberFrom`. The CRD says "Exactly one of 'member' or
/// 'memberFrom' must be used"; Config Connector rejects the resource.
pub struct PolicyMemberMemberFrom;

impl Rule for PolicyMemberMemberFrom {
    fn id(&self) -> &'static str {
        "GK006"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        for o in ctx.objects().iter().filter(|o| o.group() == KCC_IAM_GROUP) {
            let Some(spec) = o.node.get("spec").filter(|s| s.is_map()) else {
                continue;
            };
            match o.kind {
                "IAMPolicyMember" => {
                    let anchor = o
                        .node
                        .entry("spec")
                        .map_or_else(|| o.node.span(), |e| e.key.span());
                    self.check_entry(o, spec, anchor, "spec", out);
                }
                "IAMPartialPolicy" => {
                    for b in spec.get("bindings").map(Node::items).unwrap_or_default() {
                        for m in b.get("members").map(Node::items).unwrap_or_default() {
                            if m.is_map() {
                                let anchor = m
                                    .entries()
                                    .first()
                                    .map_or_else(|| m.span(), |e| e.key.span());
                                self.check_entry(o, m, anchor, "a member entry", out);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

impl PolicyMemberMemberFrom {
    fn check_entry(
        &self,
        o: &Object<'_>,
        map: &Node,
        anchor: std::ops::Range<usize>,
        what: &str,
        out: &mut Vec<Finding>,
    ) {
        let member = map.entry("member").filter(|e| !e.value.is_null());
        let from = map.entry("memberFrom").filter(|e| !e.value.is_null());
        match (member, from) {
            (Some(m), Some(f)) => out.push(
                Finding::at(
                    self.id(),
                    o,
                    f.key.span(),
                    format!(
                        "{what} of {} sets both `member` and `memberFrom`: Config Connector rejects it (\"Exactly one of 'member' or 'memberFrom' must be used\")",
                        o.display_name()
                    ),
                )
                .help("keep one: `member` for a literal principal (Workload Identity members are always literal), `memberFrom` for a reference")
                .related(o.file, m.key.span(), "`member` set here"),
            ),
            (None, None) => out.push(
                Finding::at(
                    self.id(),
                    o,
                    anchor,
                    format!(
                        "{what} of {} sets neither `member` nor `memberFrom`: Config Connector rejects it (\"Exactly one of 'member' or 'memberFrom' must be used\")",
                        o.display_name()
                    ),
                )
                .help("add `member: serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]` (or `memberFrom` with a reference)"),
            ),
            _ => {}
        }
    }
}
