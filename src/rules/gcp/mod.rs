//! GKE Workload Identity rules (`GK…`) over ServiceAccounts, workloads and the typed GCP model
//! ([`crate::model::Model::gcp`]: Config Connector IAM objects and Terraform IAM resources).
//! Facts: research `aws-eks-pod-identity-irsa-gke.md` §5, §9 (#24–#28), §11 (GK rules).

pub mod gke_annotation_key;
pub mod gsa_annotation_format;
pub mod gsa_without_workload_identity_user;
pub mod host_network;
pub mod iam_policy_conflict;
pub mod member_format;
pub mod member_service_account_not_found;
pub mod metadata_server_node_selector;
pub mod policy_member_member_from;
pub mod project_level_workload_identity_user;

use std::ops::Range;

use crate::input::Node;
use crate::model::gcp::{Binding, GSA_ANNOTATION, GsaEmail, Origin, parse_gsa_email};
use crate::model::{Model, Object};
use crate::rules::{Finding, ObjectRef};

/// The node label GKE sets on nodes that run the GKE metadata server.
pub const METADATA_SERVER_LABEL: &str = "iam.gke.io/gke-metadata-server-enabled";

/// A finding about a binding, naming its KCC object when it has one.
pub fn binding_finding(
    model: &Model<'_>,
    id: &str,
    b: &Binding,
    span: Range<usize>,
    message: impl Into<String>,
) -> Finding {
    let mut f = Finding::new(id, b.file, span, message);
    if let Origin::Kcc(o) = b.origin {
        f.object = Some(ObjectRef::of(model.object(o)));
    }
    f
}

/// The GSA annotation of a ServiceAccount: its value node and the parsed email, when it is one.
pub fn gsa_of<'a>(sa: &Object<'a>) -> Option<(&'a Node, GsaEmail)> {
    let node = sa.annotation(GSA_ANNOTATION)?;
    let email = parse_gsa_email(node.as_str()?).ok()?;
    Some((node, email))
}

/// Whether a ServiceAccount links a Google service account (any non-empty value).
pub fn is_linked(sa: &Object<'_>) -> bool {
    sa.annotation(GSA_ANNOTATION)
        .and_then(Node::text)
        .is_some_and(|t| !t.trim().is_empty())
}
