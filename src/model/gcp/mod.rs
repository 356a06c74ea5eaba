//! The GCP side of the inputs, typed: IAM bindings that grant roles to members (Config Connector
//! `IAMPolicy`, `IAMPartialPolicy`, `IAMPolicyMember`; Terraform `google_service_account_iam_*`
//! and `google_project_iam_*`) and the Google service accounts they target (`IAMServiceAccount`,
//! `google_service_account`). Built once per run on first use ([`Model::gcp`]); a run without
//! GCP inputs pays one pass over the objects and the `.tf` blocks.
//!
//! Facts: research `aws-eks-pod-identity-irsa-gke.md` §5 (KCC CRD shapes, principal formats).

pub mod member;
mod terraform;

use std::ops::Range;

use crate::input::{FileId, Node, SourceFile};
use crate::model::{Model, Object, ObjectId};

pub use member::{
    GsaEmail, MemberError, Part, WorkloadMember, parse_gsa_email, parse_workload_member,
};

/// The KSA annotation that names the Google service account to impersonate.
pub const GSA_ANNOTATION: &str = "iam.gke.io/gcp-service-account";
/// The role a KSA needs on the Google service account.
pub const WORKLOAD_IDENTITY_USER: &str = "roles/iam.workloadIdentityUser";
/// Config Connector's IAM API group.
pub const KCC_IAM_GROUP: &str = "iam.cnrm.cloud.google.com";

/// A text value of the inputs with its place.
#[derive(Debug, Clone)]
pub struct Located {
    pub text: String,
    pub file: FileId,
    /// The whole value as written (quotes included).
    pub span: Range<usize>,
    /// Where `text` starts in the source when the source spells it out verbatim (no escapes);
    /// sub-ranges of the text can then be pointed at exactly.
    pub verbatim_at: Option<usize>,
}

impl Located {
    pub fn new(text: String, file: FileId, span: Range<usize>, source: &SourceFile) -> Self {
        let verbatim_at = [span.start, span.start + 1, span.start + 3]
            .into_iter()
            .find(|&at| source.text.get(at..at + text.len()) == Some(text.as_str()));
        Self {
            text,
            file,
            span,
            verbatim_at,
        }
    }

    pub fn of_node(node: &Node, file: FileId, source: &SourceFile) -> Option<Self> {
        Some(Self::new(
            node.as_str()?.to_string(),
            file,
            node.span(),
            source,
        ))
    }

    /// The source range of `range` (a range of `text`), else the whole value.
    pub fn sub_span(&self, range: &Range<usize>) -> Range<usize> {
        match self.verbatim_at {
            Some(at) if range.end <= self.text.len() && range.start < range.end => {
                at + range.start..at + range.end
            }
            _ => self.span.clone(),
        }
    }
}

/// What an IAM binding is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A Google service account; either part may be unknown.
    ServiceAccount {
        account_id: Option<String>,
        project: Option<String>,
    },
    /// A project (every service account in it).
    Project,
    Other,
    /// The inputs do not say (unresolved Terraform references and the like).
    Unknown,
}

/// Where a binding was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Kcc(ObjectId),
    Terraform,
}

/// One (role, member) grant on one resource.
#[derive(Debug, Clone)]
pub struct Binding {
    pub origin: Origin,
    /// `IAMPolicy`, `google_service_account_iam_member`, …
    pub kind: &'static str,
    /// KCC object display name or Terraform address.
    pub display: String,
    pub file: FileId,
    /// A one-line place for the binding as a whole.
    pub anchor: Range<usize>,
    pub role: Option<Located>,
    /// The literal member; `None` for `memberFrom` or members the inputs do not spell out.
    /// Terraform templates keep their literal parts, with `${…}` for each interpolation.
    pub member: Option<Located>,
    /// The member is a Terraform template (its text holds `${…}` placeholders).
    pub member_is_template: bool,
    pub target: Target,
    /// The resource as the inputs name it, to match resources across bindings.
    pub resource_key: Option<String>,
}

impl Binding {
    pub fn role_is(&self, role: &str) -> bool {
        self.role.as_ref().is_some_and(|r| r.text == role)
    }
}

/// A Google service account defined in the inputs.
#[derive(Debug, Clone)]
pub struct GoogleServiceAccount {
    pub account_id: String,
    pub project: Option<String>,
    pub file: FileId,
    pub anchor: Range<usize>,
    pub display: String,
}

/// A Terraform `kubernetes_service_account(_v1)` with literal name (and namespace).
#[derive(Debug, Clone)]
pub struct TerraformKsa {
    pub namespace: String,
    pub name: String,
    pub file: FileId,
    pub anchor: Range<usize>,
    pub display: String,
    /// The `iam.gke.io/gcp-service-account` annotation when it is a literal.
    pub gsa_literal: Option<Located>,
    /// The annotation as `google_service_account.<x>.email`: that account (ID, project), and
    /// the span of the reference.
    pub gsa_resource: Option<(GsaEmail, Range<usize>)>,
}

#[derive(Debug, Default)]
pub struct GcpModel {
    pub bindings: Vec<Binding>,
    pub service_accounts: Vec<GoogleServiceAccount>,
    /// Kubernetes ServiceAccounts defined in Terraform.
    pub terraform_ksas: Vec<TerraformKsa>,
    /// Target account ID → indices of bindings on it, ascending (rules ask per linked KSA,
    /// and a scan per question is quadratic on big inputs); for an account ID with many, also
    /// by project (every copy of a module names it in its own project).
    bindings_by_account: ByAccount,
    /// Google service accounts by account ID (and project), Terraform KSAs by (namespace,
    /// name) and by name: indices in input order. All these indexes are built with the view
    /// (`index`).
    accounts_by_id: ByAccount,
    terraform_ksa_by_key: foldhash::HashMap<String, foldhash::HashMap<String, usize>>,
    terraform_ksa_by_name: foldhash::HashMap<String, usize>,
}

impl Model<'_> {
    /// The GCP view of the inputs, built on first use.
    pub fn gcp(&self) -> &GcpModel {
        self.gcp.get_or_init(|| GcpModel::build(self))
    }
}

impl GcpModel {
    pub fn build(model: &Model<'_>) -> Self {
        let mut out = Self::default();
        let kcc: Vec<&Object<'_>> = model
            .objects
            .iter()
            .filter(|o| o.group() == KCC_IAM_GROUP)
            .collect();
        // IAMServiceAccount objects by (namespace, name), the first in input order: a
        // `resourceRef` by name resolves through it (a scan of all objects per policy before).
        let mut accounts: KccAccounts<'_> = Default::default();
        for o in kcc.iter().filter(|o| o.is("IAMServiceAccount")) {
            if let Some(name) = o.name {
                accounts.entry((o.namespace.as_str(), name)).or_insert(o);
            }
        }
        for o in kcc {
            if o.is("IAMServiceAccount") {
                out.service_accounts.extend(kcc_service_account(o));
            } else {
                kcc_bindings(model, &accounts, o, &mut out.bindings);
            }
        }
        terraform::collect(model, &mut out);
        out.index();
        out
    }

    /// Bindings attached to the Google service account `gsa` (matched by account ID, and by
    /// project when both sides name one that is not a placeholder).
    pub fn bindings_on<'s>(&'s self, gsa: &'s GsaEmail) -> impl Iterator<Item = &'s Binding> + 's {
        let candidates = self.bindings_by_account.matching(gsa);
        (0..candidates.len())
            .map(move |k| &self.bindings[candidates[k]])
            .filter(move |b| match &b.target {
                Target::ServiceAccount {
                    account_id: Some(id),
                    project,
                } => {
                    id == &gsa.account_id
                        && same_project(project.as_deref(), gsa.project.as_deref())
                }
                _ => false,
            })
    }

    pub fn terraform_ksa(&self, namespace: &str, name: &str) -> Option<&TerraformKsa> {
        self.terraform_ksa_by_key
            .get(namespace)
            .and_then(|names| names.get(name))
            .map(|&i| &self.terraform_ksas[i])
    }

    /// The first Terraform KSA named `name`, in any namespace.
    pub fn terraform_ksa_named(&self, name: &str) -> Option<&TerraformKsa> {
        self.terraform_ksa_by_name
            .get(name)
            .map(|&i| &self.terraform_ksas[i])
    }

    /// The Google service account `gsa` if the inputs define it.
    pub fn service_account(&self, gsa: &GsaEmail) -> Option<&GoogleServiceAccount> {
        self.accounts_by_id
            .matching(gsa)
            .iter()
            .map(|&i| &self.service_accounts[i])
            .find(|s| same_project(s.project.as_deref(), gsa.project.as_deref()))
    }

    /// Builds the lookups over the finished vectors (first in input order wins).
    fn index(&mut self) {
        for (i, b) in self.bindings.iter().enumerate() {
            if let Target::ServiceAccount {
                account_id: Some(id),
                ..
            } = &b.target
            {
                self.bindings_by_account.push(id, i);
            }
        }
        let bindings = &self.bindings;
        self.bindings_by_account
            .split_by(|i| match &bindings[i].target {
                Target::ServiceAccount { project, .. } => {
                    known_project(project.as_deref()).map(str::to_string)
                }
                _ => None,
            });
        for (i, s) in self.service_accounts.iter().enumerate() {
            self.accounts_by_id.push(&s.account_id, i);
        }
        let accounts = &self.service_accounts;
        self.accounts_by_id
            .split_by(|i| known_project(accounts[i].project.as_deref()).map(str::to_string));
        for (i, k) in self.terraform_ksas.iter().enumerate() {
            self.terraform_ksa_by_key
                .entry(k.namespace.clone())
                .or_default()
                .entry(k.name.clone())
                .or_insert(i);
            self.terraform_ksa_by_name
                .entry(k.name.clone())
                .or_insert(i);
        }
    }
}

/// Indices (ascending) of bindings or accounts by account ID; for an account ID with more
/// than `SPLIT_FROM`, also by the project they name.
#[derive(Debug, Default)]
struct ByAccount {
    all: foldhash::HashMap<String, Vec<usize>>,
    big: foldhash::HashMap<String, ByProject>,
}

/// Entries of one account ID past which a question looks them up by project.
const SPLIT_FROM: usize = 16;

#[derive(Debug, Default)]
struct ByProject {
    /// Under a project that is known and not a placeholder.
    known: foldhash::HashMap<String, Vec<usize>>,
    /// Without such a project (it matches every project, `same_project`).
    any: Vec<usize>,
}

/// A project that names one project (not unknown, not a placeholder).
fn known_project(project: Option<&str>) -> Option<&str> {
    project.filter(|p| !member::is_placeholder(p))
}

impl ByAccount {
    fn push(&mut self, account_id: &str, i: usize) {
        if let Some(v) = self.all.get_mut(account_id) {
            v.push(i);
        } else {
            self.all.insert(account_id.to_string(), vec![i]);
        }
    }

    /// Splits the account IDs with many entries by project (`project_of` an entry's).
    fn split_by(&mut self, project_of: impl Fn(usize) -> Option<String>) {
        for (id, entries) in self.all.iter().filter(|(_, v)| v.len() > SPLIT_FROM) {
            let mut by = ByProject::default();
            for &i in entries {
                match project_of(i) {
                    Some(p) => by.known.entry(p).or_default().push(i),
                    None => by.any.push(i),
                }
            }
            self.big.insert(id.clone(), by);
        }
    }

    /// The indices that may be `gsa`'s (same account ID, `same_project`), ascending: a
    /// superset the caller still filters exactly.
    fn matching(&self, gsa: &GsaEmail) -> std::borrow::Cow<'_, [usize]> {
        if !self.big.is_empty()
            && let Some(by) = self.big.get(&gsa.account_id)
            && let Some(p) = known_project(gsa.project.as_deref())
        {
            let known = by.known.get(p).map_or(&[][..], Vec::as_slice);
            let mut out = [known, &by.any].concat();
            out.sort_unstable();
            return out.into();
        }
        self.all
            .get(&gsa.account_id)
            .map_or(&[][..], Vec::as_slice)
            .into()
    }
}

/// Two project references that may be the same project (unknown or placeholder matches any).
pub fn same_project(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if !member::is_placeholder(a) && !member::is_placeholder(b) => a == b,
        _ => true,
    }
}

/// KCC project of an object: its `cnrm.cloud.google.com/project-id` annotation (the namespace's
/// annotation is not among the inputs in general, so it stays unknown).
fn kcc_project(o: &Object<'_>) -> Option<String> {
    o.annotation("cnrm.cloud.google.com/project-id")
        .and_then(Node::as_str)
        .map(str::to_string)
}

fn kcc_service_account(o: &Object<'_>) -> Option<GoogleServiceAccount> {
    let name = o.name?;
    // "When unset, the value of `metadata.name` is used as the default."
    let account_id = o
        .node
        .get_path(&["spec", "resourceID"])
        .and_then(Node::as_str)
        .unwrap_or(name);
    let anchor = o
        .metadata
        .and_then(|m| m.get("name"))
        .map_or_else(|| o.node.span(), |n| n.span());
    Some(GoogleServiceAccount {
        account_id: account_id.to_string(),
        project: kcc_project(o),
        file: o.file,
        anchor,
        display: o.display_name(),
    })
}

/// The target of a KCC `spec.resourceRef`, and a key naming the resource.
/// KCC `IAMServiceAccount` objects by (namespace, name).
type KccAccounts<'m> = foldhash::HashMap<(&'m str, &'m str), &'m Object<'m>>;

fn kcc_target(o: &Object<'_>, accounts: &KccAccounts<'_>) -> (Target, Option<String>) {
    let Some(r) = o.node.get_path(&["spec", "resourceRef"]) else {
        return (Target::Unknown, None);
    };
    let kind = r.get_str("kind").unwrap_or("");
    let namespace = r.get_str("namespace").unwrap_or(&o.namespace);
    let key = match (r.get_str("name"), r.get_str("external")) {
        (Some(name), _) => Some(format!("{kind}/{namespace}/{name}")),
        (None, Some(ext)) => Some(format!("{kind}/external/{ext}")),
        _ => None,
    };
    let target = match kind {
        "IAMServiceAccount" => {
            if let Some(name) = r.get_str("name") {
                let defined = accounts.get(&(namespace, name));
                match defined.and_then(|x| kcc_service_account(x)) {
                    Some(sa) => Target::ServiceAccount {
                        account_id: Some(sa.account_id),
                        project: sa.project,
                    },
                    // Not among the inputs: KCC's default resourceID is the object name.
                    None => Target::ServiceAccount {
                        account_id: Some(name.to_string()),
                        project: None,
                    },
                }
            } else if let Some(ext) = r.get_str("external") {
                external_service_account(ext)
            } else {
                Target::Unknown
            }
        }
        "Project" => Target::Project,
        "" => Target::Unknown,
        _ => Target::Other,
    };
    (target, key)
}

/// `projects/P/serviceAccounts/EMAIL`, or the email itself.
pub fn external_service_account(ext: &str) -> Target {
    let email = ext.rsplit('/').next().unwrap_or(ext);
    let project_from_path = ext
        .strip_prefix("projects/")
        .and_then(|r| r.split('/').next())
        .filter(|p| *p != "-");
    match email.split_once('@') {
        Some((id, domain)) => Target::ServiceAccount {
            account_id: Some(id.to_string()),
            project: domain
                .strip_suffix(".iam.gserviceaccount.com")
                .map(str::to_string)
                .or_else(|| project_from_path.map(str::to_string)),
        },
        None if !email.is_empty() => Target::ServiceAccount {
            // A bare account ID (`projects/p/serviceAccounts/ID` is accepted by the API).
            account_id: Some(email.to_string()),
            project: project_from_path.map(str::to_string),
        },
        None => Target::Unknown,
    }
}

fn kcc_bindings(
    model: &Model<'_>,
    accounts: &KccAccounts<'_>,
    o: &Object<'_>,
    out: &mut Vec<Binding>,
) {
    let source = model.source(o.file);
    let Some(spec) = o.node.get("spec") else {
        return;
    };
    let (target, resource_key) = kcc_target(o, accounts);
    let kind: &'static str = match o.kind {
        "IAMPolicy" => "IAMPolicy",
        "IAMPartialPolicy" => "IAMPartialPolicy",
        "IAMPolicyMember" => "IAMPolicyMember",
        _ => return,
    };
    let anchor = o
        .node
        .get("kind")
        .map_or_else(|| o.node.span(), |k| k.span());
    let base = |role: Option<Located>, member: Option<Located>, anchor: Range<usize>| Binding {
        origin: Origin::Kcc(o.id),
        kind,
        display: o.display_name(),
        file: o.file,
        anchor,
        role,
        member,
        member_is_template: false,
        target: target.clone(),
        resource_key: resource_key.clone(),
    };
    let located = |n: &Node| Located::of_node(n, o.file, source);
    if kind == "IAMPolicyMember" {
        let role = spec.get("role").and_then(located);
        let member = spec.get("member").and_then(located);
        out.push(base(role, member, anchor));
        return;
    }
    for b in spec.get("bindings").map(Node::items).unwrap_or_default() {
        let role = b.get("role").and_then(located);
        let anchor = b.entry("role").map_or_else(|| b.span(), |e| e.key.span());
        let members = b.get("members").map(Node::items).unwrap_or_default();
        if members.is_empty() {
            out.push(base(role.clone(), None, anchor.clone()));
        }
        for m in members {
            // IAMPolicy lists strings; IAMPartialPolicy lists `{member}` / `{memberFrom}`.
            let member = if m.is_map() {
                m.get("member").and_then(located)
            } else {
                located(m)
            };
            out.push(base(role.clone(), member, anchor.clone()));
        }
    }
}
