//! The AWS side of the inputs, typed: IAM roles with their trust policies, EKS Pod Identity
//! associations, IRSA ServiceAccount bindings and clusters, recognised by content from every
//! parsed document (CLI JSON output, policy files, eksctl and ACK manifests). Built once per run,
//! on first use ([`crate::model::Model::aws`]), so runs without AWS inputs pay one cheap scan.
//!
//! Facts: research `aws-eks-pod-identity-irsa-gke.md` §1–§3, §6 (CLI output shapes), §7
//! (eksctl), §8 (ACK); seed `004_0d9a322613ab50ac.txt`.

pub mod arn;
pub mod embedded;
mod lookup;
pub mod policy;
mod same_name;
mod sources;
mod terraform;

use std::ops::Range;

use crate::input::{FileId, Node};
use crate::model::ObjectId;

pub use arn::{OidcProviderArn, RoleArn};
pub use embedded::{Embedded, EmbeddedError};
pub use policy::{Condition, Policy, Statement};

/// IRSA annotation keys (`pkg/annotations.go`, prefix `eks.amazonaws.com`).
pub const IRSA_PREFIX: &str = "eks.amazonaws.com/";
pub const ROLE_ARN: &str = "eks.amazonaws.com/role-arn";
pub const AUDIENCE: &str = "eks.amazonaws.com/audience";
pub const STS_REGIONAL_ENDPOINTS: &str = "eks.amazonaws.com/sts-regional-endpoints";
pub const TOKEN_EXPIRATION: &str = "eks.amazonaws.com/token-expiration";
pub const SKIP_CONTAINERS: &str = "eks.amazonaws.com/skip-containers";
/// The webhook's default `--token-audience`.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// Where an AWS resource was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A policy document on its own (`Version` + `Statement`).
    PolicyFile,
    /// `aws iam get-role` (or `list-roles`) output.
    GetRole,
    /// ACK `iam.services.k8s.aws` `Role`.
    AckRole,
    /// `aws eks describe-pod-identity-association` (create/update/delete print the same shape).
    Describe,
    /// `aws eks list-pod-identity-associations`.
    List,
    /// eksctl `ClusterConfig`.
    Eksctl,
    /// ACK `eks.services.k8s.aws` `PodIdentityAssociation`.
    AckAssociation,
    /// Terraform resources.
    Terraform,
    /// A ServiceAccount manifest.
    ServiceAccount,
    /// `aws eks describe-cluster` output.
    DescribeCluster,
}

impl Form {
    pub fn describe(self) -> &'static str {
        match self {
            Form::PolicyFile => "policy document",
            Form::GetRole => "`aws iam get-role` output",
            Form::AckRole => "ACK IAM Role",
            Form::Describe => "`aws eks describe-pod-identity-association` output",
            Form::List => "`aws eks list-pod-identity-associations` output",
            Form::Eksctl => "eksctl ClusterConfig",
            Form::AckAssociation => "ACK PodIdentityAssociation",
            Form::Terraform => "Terraform configuration",
            Form::ServiceAccount => "ServiceAccount",
            Form::DescribeCluster => "`aws eks describe-cluster` output",
        }
    }

    /// Output of the live API (as opposed to configuration that creates things).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            Form::GetRole | Form::Describe | Form::List | Form::DescribeCluster
        )
    }
}

/// A node of the inputs: borrowed from a parsed document, or made for an input that is not one
/// (a policy inside a JSON string, Terraform). Borrowing keeps the AWS view from copying every
/// association field and trust policy tree of the inputs.
#[derive(Debug, Clone)]
pub enum NodeRef<'a> {
    Input(&'a Node),
    Made(Box<Node>),
}

impl std::ops::Deref for NodeRef<'_> {
    type Target = Node;

    fn deref(&self) -> &Node {
        match self {
            NodeRef::Input(n) => n,
            NodeRef::Made(n) => n,
        }
    }
}

impl NodeRef<'_> {
    /// The node itself, copied out of the input if it is borrowed.
    pub fn into_node(self) -> Node {
        match self {
            NodeRef::Input(n) => n.clone(),
            NodeRef::Made(n) => *n,
        }
    }
}

impl From<Node> for NodeRef<'_> {
    fn from(n: Node) -> Self {
        NodeRef::Made(Box::new(n))
    }
}

/// A value read from the inputs: its node and the span of the key that holds it.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub key: Range<usize>,
    pub value: NodeRef<'a>,
}

impl Field<'_> {
    pub fn text(&self) -> Option<&str> {
        self.value.text()
    }

    /// The string value, when it is a non-empty string that is not a placeholder.
    pub fn concrete(&self) -> Option<&str> {
        self.value
            .as_str()
            .filter(|t| !t.trim().is_empty() && !arn::is_placeholder(t))
    }

    pub fn span(&self) -> Range<usize> {
        if self.value.span().is_empty() {
            self.key.clone()
        } else {
            self.value.span()
        }
    }
}

/// A trust policy read from a role (or a policy file that is one).
#[derive(Debug, Clone)]
pub struct TrustPolicy<'a> {
    pub root: NodeRef<'a>,
    /// Whether spans inside are exact (false: they all point at the encoded string).
    pub exact: bool,
    pub url_encoded: bool,
}

impl TrustPolicy<'_> {
    pub fn policy(&self) -> Option<Policy<'_>> {
        Policy::of(&self.root)
    }
}

#[derive(Debug, Clone)]
pub struct Role<'a> {
    pub form: Form,
    pub file: FileId,
    pub object: Option<ObjectId>,
    /// The role's ARN as the input gives it (`Role.Arn`), parsed.
    pub arn: Option<RoleArn>,
    pub arn_span: Option<Range<usize>>,
    /// `RoleName` / ACK `spec.name` / Terraform `name`.
    pub name: Option<String>,
    /// `/` unless the input sets a path.
    pub path: String,
    /// Where to point for "this role": its ARN, else its name, else the trust policy.
    pub anchor: Range<usize>,
    pub trust: Option<TrustPolicy<'a>>,
    /// An embedded trust policy that could not be parsed.
    pub trust_error: Option<EmbeddedError>,
    /// Terraform address with its module directory (`infra/aws_iam_role.app`), for
    /// `aws_iam_role.app.arn` references from the same module.
    pub address: Option<String>,
}

impl Role<'_> {
    /// Whether `arn` names this role. A role known only by name (ACK, Terraform) matches any
    /// account; IAM role names are unique without regard to case.
    pub fn is(&self, arn: &RoleArn) -> bool {
        match &self.arn {
            Some(own) => {
                own.account == arn.account
                    && own.partition == arn.partition
                    && own.key() == arn.key()
            }
            None => self.name.as_ref().is_some_and(|n| {
                format!("{}{}", self.path, n)
                    .eq_ignore_ascii_case(&format!("{}{}", arn.path, arn.name))
            }),
        }
    }

    /// "role `app`" for messages.
    pub fn label(&self) -> String {
        match (&self.arn, &self.name) {
            (Some(a), _) => format!("role `{}`", a.name),
            (None, Some(n)) => format!("role `{n}`"),
            (None, None) => "this trust policy".to_string(),
        }
    }

    pub fn policy(&self) -> Option<Policy<'_>> {
        self.trust.as_ref().and_then(TrustPolicy::policy)
    }
}

/// An EKS Pod Identity association, from any form.
#[derive(Debug, Clone)]
pub struct Association<'a> {
    pub form: Form,
    pub file: FileId,
    pub object: Option<ObjectId>,
    /// Where to point for "this association" (its `serviceAccount` value, else its start).
    pub anchor: Range<usize>,
    pub cluster: Option<Field<'a>>,
    pub namespace: Option<Field<'a>>,
    pub service_account: Option<Field<'a>>,
    pub role_arn: Option<Field<'a>>,
    pub target_role_arn: Option<Field<'a>>,
    pub disable_session_tags: Option<Field<'a>>,
    pub policy: Option<Field<'a>>,
    pub association_arn: Option<Field<'a>>,
    pub association_id: Option<Field<'a>>,
    /// The `externalId` EKS passes when it assumes the target role (describe output, ACK
    /// `status.externalID`): only known once the association exists.
    pub external_id: Option<Field<'a>>,
    /// eksctl `createServiceAccount: true`: eksctl creates the ServiceAccount.
    pub creates_service_account: bool,
    /// Terraform `role_arn = aws_iam_role.<name>.arn`: the address of the role.
    pub role_address: Option<String>,
    pub target_role_address: Option<String>,
}

impl Association<'_> {
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_ref().and_then(Field::concrete)
    }

    pub fn service_account(&self) -> Option<&str> {
        self.service_account.as_ref().and_then(Field::concrete)
    }

    pub fn cluster(&self) -> Option<&str> {
        self.cluster.as_ref().and_then(Field::concrete)
    }

    pub fn session_tags_disabled(&self) -> bool {
        self.disable_session_tags.as_ref().is_some_and(|f| {
            matches!(
                f.value.scalar().map(|s| s.kind),
                Some(crate::input::ScalarKind::Bool(true))
            ) || f.text() == Some("true")
        })
    }

    pub fn role(&self) -> Option<RoleArn> {
        self.role_arn
            .as_ref()
            .and_then(Field::concrete)
            .and_then(|t| arn::parse_role_arn(t).ok())
    }

    pub fn target_role(&self) -> Option<RoleArn> {
        self.target_role_arn
            .as_ref()
            .and_then(Field::concrete)
            .and_then(|t| arn::parse_role_arn(t).ok())
    }

    /// The account of the cluster, when the input shows it (`associationArn`).
    pub fn cluster_account(&self) -> Option<(&str, Range<usize>)> {
        let f = self.association_arn.as_ref()?;
        let account = f.concrete()?.split(':').nth(4)?;
        arn::is_account_id(account).then(|| (account, f.span()))
    }

    /// "association default/s3-reader (cluster `prod`)" for messages.
    pub fn label(&self) -> String {
        let ns = self.namespace().unwrap_or("?");
        let sa = self.service_account().unwrap_or("?");
        match self.cluster() {
            Some(c) => format!("the Pod Identity association for `{ns}/{sa}` in cluster `{c}`"),
            None => format!("the Pod Identity association for `{ns}/{sa}`"),
        }
    }
}

/// A ServiceAccount set up for IRSA: `eks.amazonaws.com/role-arn` on a ServiceAccount, or an
/// eksctl `iam.serviceAccounts[]` entry.
#[derive(Debug, Clone)]
pub struct IrsaBinding<'a> {
    pub form: Form,
    pub file: FileId,
    pub object: Option<ObjectId>,
    pub namespace: String,
    pub name: String,
    /// Span of the ServiceAccount's name (or the eksctl entry's `metadata.name`).
    pub name_span: Range<usize>,
    /// The `role-arn` annotation (or eksctl `attachRoleARN`); `None` when eksctl creates the role.
    pub role_arn: Option<Field<'a>>,
    /// The token audience: the `audience` annotation, else `sts.amazonaws.com`.
    pub audience: String,
    pub audience_field: Option<Field<'a>>,
}

impl IrsaBinding<'_> {
    pub fn role(&self) -> Option<RoleArn> {
        self.role_arn
            .as_ref()
            .and_then(Field::concrete)
            .and_then(|t| arn::parse_role_arn(t).ok())
    }

    /// `system:serviceaccount:<ns>:<name>`, the token's `sub`.
    pub fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }
}

/// A cluster from `aws eks describe-cluster` output.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub file: FileId,
    pub name: String,
    pub account: Option<String>,
    pub arn_span: Range<usize>,
}

#[derive(Debug, Default)]
pub struct AwsModel<'a> {
    pub roles: Vec<Role<'a>>,
    pub associations: Vec<Association<'a>>,
    pub bindings: Vec<IrsaBinding<'a>>,
    pub clusters: Vec<Cluster>,
    /// Values that are decided at apply time (Terraform variables, computed attributes).
    pub not_static: Vec<NotStatic>,
    /// Path of each input file (by `FileId`): which role of a name is nearest a user.
    pub(super) file_paths: Vec<&'a str>,
    /// Built on first query, after the vectors above are complete.
    lookup: std::sync::OnceLock<lookup::Lookup>,
}

/// A value that was not checked because it is not known without running Terraform.
#[derive(Debug, Clone)]
pub struct NotStatic {
    pub file: FileId,
    pub span: Range<usize>,
    /// `role_arn of aws_eks_pod_identity_association.app`.
    pub what: String,
    pub reason: String,
}

impl<'a> AwsModel<'a> {
    /// The path of an input file.
    fn path(&self, file: FileId) -> &'a str {
        self.file_paths.get(file.0).copied().unwrap_or("")
    }

    /// Builds the lookup index now (with the views, on whichever core is free) rather than
    /// inside the first rule that asks, while the other rules wait on it.
    pub fn prepare(&self) {
        self.lookup();
    }

    fn lookup(&self) -> &lookup::Lookup {
        self.lookup.get_or_init(|| lookup::Lookup::build(self))
    }

    /// Associations whose `roleArn` names `role`.
    pub fn associations_using(&self, role: &Role<'_>) -> impl Iterator<Item = &Association<'a>> {
        let lookup = self.lookup();
        self.associations_naming(
            role,
            lookup.associations_using(role),
            &lookup.association_roles,
            &lookup.association_role_names,
            |a| &a.role_address,
        )
    }

    /// Associations whose `targetRoleArn` names `role`.
    pub fn associations_targeting(
        &self,
        role: &Role<'_>,
    ) -> impl Iterator<Item = &Association<'a>> {
        let lookup = self.lookup();
        self.associations_naming(
            role,
            lookup.associations_targeting(role),
            &lookup.association_targets,
            &lookup.association_target_names,
            |a| &a.target_role_address,
        )
    }

    /// Of the `candidates` the index gives, the associations whose ARN (per association in
    /// `arns`, admitting the roles `names` gives) or Terraform address names `role`.
    fn associations_naming<'s, 'r>(
        &'s self,
        role: &'r Role<'_>,
        candidates: Vec<usize>,
        arns: &'s [Option<RoleArn>],
        names: &'s [same_name::NameOnly],
        address: for<'x> fn(&'x Association<'a>) -> &'x Option<String>,
    ) -> impl Iterator<Item = &'s Association<'a>> + use<'a, 's, 'r> {
        let index = self.lookup().same_name.shared_index(role);
        candidates
            .into_iter()
            .filter(move |&i| {
                let a = &self.associations[i];
                arns[i]
                    .as_ref()
                    .is_some_and(|arn| role.is(arn) && names[i].admits(role, index))
                    || (address(a).is_some() && *address(a) == role.address)
            })
            .map(|i| &self.associations[i])
    }

    /// IRSA bindings whose role ARN names `role`.
    pub fn bindings_using(&self, role: &Role<'_>) -> impl Iterator<Item = &IrsaBinding<'a>> {
        let lookup = self.lookup();
        let index = lookup.same_name.shared_index(role);
        lookup
            .bindings_using(role)
            .iter()
            .filter(move |&&i| {
                lookup.binding_roles[i].as_ref().is_some_and(|arn| {
                    role.is(arn) && lookup.binding_role_names[i].admits(role, index)
                })
            })
            .map(|&i| &self.bindings[i])
    }

    /// Associations for a ServiceAccount `namespace/name` (any cluster).
    pub fn associations_for(
        &self,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Association<'a>> {
        self.lookup()
            .associations_for(namespace, name)
            .iter()
            .map(|&i| &self.associations[i])
    }

    /// The first cluster named `name` (asked per association: a table, not a scan).
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        let &i = self.lookup().cluster_by_name.get(name)?;
        Some(&self.clusters[i])
    }
}

impl<'a> crate::model::Model<'a> {
    /// The typed AWS view of the inputs, built on first use and shared by every rule.
    pub fn aws(&self) -> &AwsModel<'a> {
        self.aws.get_or_init(|| sources::build(self))
    }
}
