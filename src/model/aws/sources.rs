//! Recognising AWS inputs by content (never by file name) and reading them into the typed model.

use crate::input::{FileId, Node};
use crate::model::{Model, Object};

use super::embedded::parse_embedded;
use super::{
    AUDIENCE, Association, AwsModel, Cluster, DEFAULT_AUDIENCE, Field, Form, IrsaBinding, NodeRef,
    ROLE_ARN, Role, TrustPolicy, arn,
};

pub(super) fn build<'a>(model: &Model<'a>) -> AwsModel<'a> {
    let mut aws = AwsModel {
        file_paths: model.files.iter().map(|f| f.source.path.as_str()).collect(),
        ..AwsModel::default()
    };
    for doc in &model.documents {
        let root = doc.root;
        if !root.is_map() || root.get("apiVersion").is_some() && root.get("kind").is_some() {
            continue;
        }
        let text = &model.source(doc.file).text;
        document(&mut aws, doc.file, text, root);
    }
    for o in &model.objects {
        let text = &model.source(o.file).text;
        let group = o.group();
        match o.kind {
            "ServiceAccount" if group.is_empty() => service_account(&mut aws, o),
            "ClusterConfig" if group == "eksctl.io" => eksctl(&mut aws, o),
            "PodIdentityAssociation" if group == "eks.services.k8s.aws" => {
                ack_association(&mut aws, o)
            }
            "Role" if group == "iam.services.k8s.aws" => ack_role(&mut aws, o, text),
            _ => {}
        }
    }
    super::terraform::build(&mut aws, model);
    aws
}

fn field<'a>(map: &'a Node, key: &str) -> Option<Field<'a>> {
    map.entry(key).map(|e| Field {
        key: e.key.span(),
        value: NodeRef::Input(&e.value),
    })
}

/// A document that is not a Kubernetes object: CLI output or a policy file.
fn document<'a>(aws: &mut AwsModel<'a>, file: FileId, text: &str, root: &'a Node) {
    // aws iam get-role / list-roles; `--query Role` prints the role itself.
    if let Some(role) = root.get("Role").filter(|r| r.is_map()) {
        iam_role(aws, file, text, role);
    } else if let Some(roles) = root.get("Roles") {
        for r in roles.items().iter().filter(|r| r.is_map()) {
            iam_role(aws, file, text, r);
        }
    } else if root.get("AssumeRolePolicyDocument").is_some() && root.get("Arn").is_some() {
        iam_role(aws, file, text, root);
    } else if super::Policy::of(root).is_some() {
        if super::Policy::of(root).is_some_and(|p| p.looks_like_trust_policy()) {
            let anchor = root
                .entry("Statement")
                .map_or(root.span(), |e| e.key.span());
            aws.roles.push(Role {
                form: Form::PolicyFile,
                file,
                object: None,
                arn: None,
                arn_span: None,
                name: None,
                path: "/".into(),
                anchor,
                trust: Some(TrustPolicy {
                    root: NodeRef::Input(root),
                    exact: true,
                    url_encoded: false,
                }),
                trust_error: None,
                address: None,
            });
        }
    } else if let Some(a) = root.get("association").filter(|a| a.is_map()) {
        association(aws, Form::Describe, file, a);
    } else if let Some(list) = root.get("associations") {
        for a in list.items().iter().filter(|a| a.is_map()) {
            association(aws, Form::List, file, a);
        }
    } else if root.get("clusterName").is_some()
        && root.get("serviceAccount").is_some()
        && root.get("namespace").is_some()
    {
        association(aws, Form::Describe, file, root);
    } else if let Some(c) = root.get("cluster").filter(|c| c.is_map()) {
        describe_cluster(aws, file, c);
    }
}

fn iam_role<'a>(aws: &mut AwsModel<'a>, file: FileId, text: &str, role: &'a Node) {
    let arn_node = role.get("Arn");
    let arn = arn_node
        .and_then(Node::as_str)
        .and_then(|t| arn::parse_role_arn(t).ok());
    let name = role.get_str("RoleName").map(str::to_string);
    let path = role.get_str("Path").unwrap_or("/").to_string();
    let anchor = arn_node
        .or_else(|| role.get("RoleName"))
        .map_or(role.span(), |n| n.span());
    let (trust, trust_error) = trust_of(text, role.get("AssumeRolePolicyDocument"));
    aws.roles.push(Role {
        form: Form::GetRole,
        file,
        object: None,
        arn_span: arn_node.map(|n| n.span()),
        arn,
        name: name.or_else(|| {
            arn_node
                .and_then(Node::as_str)
                .and_then(|t| t.rsplit('/').next())
                .map(str::to_string)
        }),
        path,
        anchor,
        trust,
        trust_error,
        address: None,
    });
}

/// A trust policy written as an object, a JSON string or a URL-encoded JSON string.
fn trust_of<'a>(
    text: &str,
    node: Option<&'a Node>,
) -> (Option<TrustPolicy<'a>>, Option<super::EmbeddedError>) {
    let Some(node) = node else {
        return (None, None);
    };
    if node.is_map() {
        return (
            Some(TrustPolicy {
                root: NodeRef::Input(node),
                exact: true,
                url_encoded: false,
            }),
            None,
        );
    }
    match parse_embedded(text, node) {
        Ok(Some(e)) if e.root.is_map() => (
            Some(TrustPolicy {
                root: e.root.into(),
                exact: e.exact,
                url_encoded: e.url_encoded,
            }),
            None,
        ),
        Ok(_) => (None, None),
        Err(e) => (None, Some(e)),
    }
}

fn association<'a>(aws: &mut AwsModel<'a>, form: Form, file: FileId, a: &'a Node) {
    let service_account = field(a, "serviceAccount");
    let anchor = service_account.as_ref().map_or(a.span(), Field::span);
    aws.associations.push(Association {
        form,
        file,
        object: None,
        anchor,
        cluster: field(a, "clusterName"),
        namespace: field(a, "namespace"),
        service_account,
        role_arn: field(a, "roleArn"),
        target_role_arn: field(a, "targetRoleArn"),
        disable_session_tags: field(a, "disableSessionTags"),
        policy: field(a, "policy"),
        association_arn: field(a, "associationArn"),
        association_id: field(a, "associationId"),
        external_id: field(a, "externalId"),
        creates_service_account: false,
        role_address: None,
        target_role_address: None,
    });
}

fn describe_cluster(aws: &mut AwsModel<'_>, file: FileId, c: &Node) {
    let Some(name) = c.get_str("name") else {
        return;
    };
    let arn_node = c.get("arn");
    let account = arn_node
        .and_then(Node::as_str)
        .and_then(|t| t.split(':').nth(4))
        .filter(|a| arn::is_account_id(a))
        .map(str::to_string);
    aws.clusters.push(Cluster {
        file,
        name: name.to_string(),
        account,
        arn_span: arn_node.map_or(c.span(), |n| n.span()),
    });
}

fn service_account<'a>(aws: &mut AwsModel<'a>, o: &Object<'a>) {
    let Some(annotations) = o.annotations else {
        return;
    };
    let role_arn = field(annotations, ROLE_ARN);
    if role_arn.is_none() {
        return;
    }
    let Some(name) = o.name else { return };
    let audience_field = field(annotations, AUDIENCE);
    let audience = audience_field
        .as_ref()
        .and_then(|f| f.value.as_str())
        .unwrap_or(DEFAULT_AUDIENCE)
        .to_string();
    aws.bindings.push(IrsaBinding {
        form: Form::ServiceAccount,
        file: o.file,
        object: Some(o.id),
        namespace: o.namespace.to_string(),
        name: name.to_string(),
        name_span: o
            .metadata
            .and_then(|m| m.get("name"))
            .map_or(o.node.span(), |n| n.span()),
        role_arn,
        audience,
        audience_field,
    });
}

fn eksctl<'a>(aws: &mut AwsModel<'a>, o: &Object<'a>) {
    let cluster = o.metadata.and_then(|m| field(m, "name"));
    let Some(iam) = o.node.get("iam") else { return };
    for a in iam
        .get("podIdentityAssociations")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|a| a.is_map())
    {
        let service_account = field(a, "serviceAccountName");
        aws.associations.push(Association {
            form: Form::Eksctl,
            file: o.file,
            object: Some(o.id),
            anchor: service_account.as_ref().map_or(a.span(), Field::span),
            cluster: cluster.clone(),
            namespace: field(a, "namespace"),
            service_account,
            role_arn: field(a, "roleARN"),
            target_role_arn: field(a, "targetRoleARN"),
            disable_session_tags: field(a, "disableSessionTags"),
            policy: field(a, "policy"),
            association_arn: None,
            association_id: None,
            external_id: None,
            creates_service_account: a
                .get("createServiceAccount")
                .and_then(Node::text)
                .is_some_and(|t| t == "true"),
            role_address: None,
            target_role_address: None,
        });
    }
    for sa in iam
        .get("serviceAccounts")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|a| a.is_map())
    {
        let Some(meta) = sa.get("metadata") else {
            continue;
        };
        let Some(name_node) = meta.get("name") else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        let annotations = meta.get("annotations");
        let role_arn =
            field(sa, "attachRoleARN").or_else(|| annotations.and_then(|a| field(a, ROLE_ARN)));
        let audience_field = annotations.and_then(|a| field(a, AUDIENCE));
        aws.bindings.push(IrsaBinding {
            form: Form::Eksctl,
            file: o.file,
            object: Some(o.id),
            namespace: meta.get_str("namespace").unwrap_or("default").to_string(),
            name: name.to_string(),
            name_span: name_node.span(),
            role_arn,
            audience: audience_field
                .as_ref()
                .and_then(|f| f.value.as_str())
                .unwrap_or(DEFAULT_AUDIENCE)
                .to_string(),
            audience_field,
        });
    }
}

fn ack_association<'a>(aws: &mut AwsModel<'a>, o: &Object<'a>) {
    let Some(spec) = o.node.get("spec").filter(|s| s.is_map()) else {
        return;
    };
    let cluster = field(spec, "clusterName").or_else(|| {
        spec.get_path(&["clusterRef", "from"])
            .and_then(|f| field(f, "name"))
    });
    let service_account = field(spec, "serviceAccount");
    let status = o.node.get("status");
    let status_arn = status.and_then(|s| field(s, "associationARN"));
    aws.associations.push(Association {
        form: Form::AckAssociation,
        file: o.file,
        object: Some(o.id),
        anchor: service_account.as_ref().map_or(o.node.span(), Field::span),
        cluster,
        namespace: field(spec, "namespace"),
        service_account,
        role_arn: field(spec, "roleARN"),
        target_role_arn: field(spec, "targetRoleARN"),
        disable_session_tags: field(spec, "disableSessionTags"),
        policy: field(spec, "policy"),
        association_arn: status_arn,
        association_id: None,
        external_id: status.and_then(|s| field(s, "externalID")),
        creates_service_account: false,
        role_address: None,
        target_role_address: None,
    });
}

fn ack_role<'a>(aws: &mut AwsModel<'a>, o: &Object<'a>, text: &str) {
    let Some(spec) = o.node.get("spec").filter(|s| s.is_map()) else {
        return;
    };
    let name_node = spec.get("name");
    let status_arn = o
        .node
        .get_path(&["status", "ackResourceMetadata", "arn"])
        .and_then(Node::as_str)
        .and_then(|t| arn::parse_role_arn(t).ok());
    let (trust, trust_error) = trust_of(text, spec.get("assumeRolePolicyDocument"));
    aws.roles.push(Role {
        form: Form::AckRole,
        file: o.file,
        object: Some(o.id),
        arn: status_arn,
        arn_span: None,
        name: name_node.and_then(Node::as_str).map(str::to_string),
        path: spec.get_str("path").unwrap_or("/").to_string(),
        anchor: name_node.map_or(o.node.span(), |n| n.span()),
        trust,
        trust_error,
        address: None,
    });
}
