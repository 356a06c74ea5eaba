//! EKS Pod Identity and IRSA: trust policies narrowed to one ServiceAccount, the association
//! (aws CLI, eksctl, ACK, Terraform) and the IRSA ServiceAccount annotation. Shapes: research
//! aws-eks-pod-identity-irsa-gke.md §1.1 (trust policy, RequestTag conditions), §1.3, §2.3,
//! §7–8, and seed 004 (trust policy with `sts:AssumeRole` and `sts:TagSession`).

use serde_json::{Value, json};

use super::{Bundle, Output, Result, check_label, check_subdomain, hcl, ident, invalid, sh, y};

pub const POD_IDENTITY_PRINCIPAL: &str = "pods.eks.amazonaws.com";
pub const IRSA_ROLE_ARN: &str = "eks.amazonaws.com/role-arn";
pub const IRSA_AUDIENCE: &str = "sts.amazonaws.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PodIdentityFormat {
    /// The ServiceAccount (Pod Identity needs no annotation)
    Yaml,
    /// The role's trust policy, narrowed by session-tag conditions
    TrustPolicy,
    /// `aws iam update-assume-role-policy` + `aws eks create-pod-identity-association`
    AwsCli,
    /// eksctl ClusterConfig with iam.podIdentityAssociations (needs --region)
    Eksctl,
    /// ACK eks.services.k8s.aws PodIdentityAssociation
    Ack,
    /// Terraform aws_eks_pod_identity_association
    Terraform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IrsaFormat {
    /// The ServiceAccount with `eks.amazonaws.com/role-arn`
    Yaml,
    /// The role's trust policy for the cluster's OIDC provider
    TrustPolicy,
    /// `aws iam update-assume-role-policy`
    AwsCli,
    /// Terraform aws_iam_policy_document of the trust policy
    Terraform,
}

/// `arn:<partition>:iam::<account>:role/<path/>name` → (partition, account, role name).
pub fn parse_role_arn(arn: &str) -> Result<(String, String, String)> {
    let bad = || {
        invalid(format!(
            "--role-arn `{arn}` is not an IAM role ARN (arn:aws:iam::111122223333:role/name)"
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return bad();
    };
    let Some(path_name) = resource.strip_prefix("role/") else {
        return bad();
    };
    let name = path_name.rsplit('/').next().unwrap_or("");
    let ok = *prefix == "arn"
        && partition.starts_with("aws")
        && *service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !ok {
        return bad();
    }
    Ok((partition.to_string(), account.to_string(), name.to_string()))
}

fn check_cluster(c: &str) -> Result<()> {
    let ok = (1..=100).contains(&c.len())
        && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        invalid(format!("--cluster `{c}` is not an EKS cluster name"))
    }
}

#[derive(Debug, Clone)]
pub struct PodIdentityParams {
    pub cluster: String,
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
    pub region: Option<String>,
    pub formats: Vec<PodIdentityFormat>,
}

/// The Pod Identity trust policy of the EKS user guide, with the `aws:RequestTag` conditions
/// that limit it to one cluster, namespace and ServiceAccount (without them any cluster of the
/// account can use the role).
pub fn pod_identity_trust_policy(cluster: &str, namespace: &str, sa: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    "aws:RequestTag/eks-cluster-name": cluster,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": sa
                }
            }
        }]
    })
}

pub fn pod_identity(p: &PodIdentityParams) -> Result<Bundle> {
    check_cluster(&p.cluster)?;
    check_label("namespace", &p.namespace)?;
    check_subdomain("service account", &p.service_account)?;
    let (_, _, role) = parse_role_arn(&p.role_arn)?;
    let (ns, sa) = (&p.namespace, &p.service_account);
    let policy_file = format!("trust-policy-{role}.json");
    let mut b = Bundle::default();
    let creators = p
        .formats
        .iter()
        .filter(|f| !matches!(f, PodIdentityFormat::Yaml | PodIdentityFormat::TrustPolicy))
        .count();
    if creators > 1 {
        b.notes.push(format!(
            "{creators} of the formats create the same association (aws CLI, eksctl, ACK, Terraform): choose one, a second fails with `ResourceInUseException: Association already exists`"
        ));
    }
    for f in &p.formats {
        b.outputs.push(match f {
            PodIdentityFormat::Yaml => Output {
                file: format!("serviceaccount-{sa}.yaml"),
                content: format!(
                    "# EKS Pod Identity: the association, not an annotation, gives this ServiceAccount its role.\n{}",
                    super::service_account(ns, sa, &[])
                ),
                what: format!("ServiceAccount {ns}/{sa}"),
            },
            PodIdentityFormat::TrustPolicy => Output {
                file: policy_file.clone(),
                content: super::json(&pod_identity_trust_policy(&p.cluster, ns, sa)),
                what: format!("trust policy of role {role} for EKS Pod Identity"),
            },
            PodIdentityFormat::AwsCli => Output {
                file: format!("pod-identity-{sa}.sh"),
                content: format!(
                    "#!/bin/sh\n# Lets ServiceAccount {ns}/{sa} of cluster {cluster} assume role {role} through EKS Pod Identity.\nset -eu\naws iam update-assume-role-policy \\\n  --role-name {role_q} \\\n  --policy-document file://{policy_file}\naws eks create-pod-identity-association \\\n  --cluster-name {cluster_q} \\\n  --namespace {ns_q} \\\n  --service-account {sa_q} \\\n  --role-arn {arn}\n",
                    cluster = p.cluster,
                    role_q = sh(&role),
                    cluster_q = sh(&p.cluster),
                    ns_q = sh(ns),
                    sa_q = sh(sa),
                    arn = sh(&p.role_arn),
                ),
                what: format!("aws CLI script: trust policy of {role} and the association"),
            },
            PodIdentityFormat::Eksctl => {
                let Some(region) = &p.region else {
                    return invalid("the eksctl format needs --region (ClusterConfig metadata.region)");
                };
                Output {
                    file: format!("eksctl-pod-identity-{sa}.yaml"),
                    content: format!(
                        "# eksctl create podidentityassociation -f eksctl-pod-identity-{sa}.yaml\napiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {}\n  region: {}\niam:\n  podIdentityAssociations:\n    - namespace: {}\n      serviceAccountName: {}\n      roleARN: {}\n",
                        y(&p.cluster),
                        y(region),
                        y(ns),
                        y(sa),
                        y(&p.role_arn)
                    ),
                    what: format!("eksctl ClusterConfig with the association of {ns}/{sa}"),
                }
            }
            PodIdentityFormat::Ack => Output {
                file: format!("podidentityassociation-{sa}.yaml"),
                content: format!(
                    "apiVersion: eks.services.k8s.aws/v1alpha1\nkind: PodIdentityAssociation\nmetadata:\n  name: {name}\n  namespace: {ns_y}\nspec:\n  clusterName: {cluster}\n  namespace: {ns_y}\n  serviceAccount: {sa_y}\n  roleARN: {arn}\n",
                    name = y(sa),
                    ns_y = y(ns),
                    sa_y = y(sa),
                    cluster = y(&p.cluster),
                    arn = y(&p.role_arn),
                ),
                what: format!("ACK PodIdentityAssociation for {ns}/{sa}"),
            },
            PodIdentityFormat::Terraform => Output {
                file: format!("pod-identity-{sa}.tf"),
                content: format!(
                    "resource \"aws_eks_pod_identity_association\" \"{id}\" {{\n  cluster_name    = {cluster}\n  namespace       = {ns_h}\n  service_account = {sa_h}\n  role_arn        = {arn}\n}}\n",
                    id = ident(&format!("{ns}_{sa}")),
                    cluster = hcl(&p.cluster),
                    ns_h = hcl(ns),
                    sa_h = hcl(sa),
                    arn = hcl(&p.role_arn),
                ),
                what: format!("Terraform aws_eks_pod_identity_association for {ns}/{sa}"),
            },
        });
    }
    Ok(b)
}

#[derive(Debug, Clone)]
pub struct IrsaParams {
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
    /// The cluster's OIDC issuer (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`).
    pub issuer: String,
    pub audience: String,
    pub formats: Vec<IrsaFormat>,
}

/// The IRSA trust policy: the account's OIDC provider for the issuer, `sts:AssumeRoleWithWebIdentity`,
/// `:sub` for exactly this ServiceAccount and `:aud` for the token audience.
pub fn irsa_trust_policy(
    partition: &str,
    account: &str,
    provider: &str,
    sub: &str,
    aud: &str,
) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {
                "Federated": format!("arn:{partition}:iam::{account}:oidc-provider/{provider}")
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    format!("{provider}:sub"): sub,
                    format!("{provider}:aud"): aud
                }
            }
        }]
    })
}

pub fn irsa(p: &IrsaParams) -> Result<Bundle> {
    check_label("namespace", &p.namespace)?;
    check_subdomain("service account", &p.service_account)?;
    let (partition, account, role) = parse_role_arn(&p.role_arn)?;
    // The condition-key prefix is the issuer without its scheme (and without a trailing `/`).
    let Some(provider) = p
        .issuer
        .strip_prefix("https://")
        .map(|s| s.trim_end_matches('/'))
    else {
        return invalid(format!(
            "--issuer `{}` must be the cluster's https OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`)",
            p.issuer
        ));
    };
    if provider.is_empty() || provider.contains(char::is_whitespace) {
        return invalid(format!("--issuer `{}` is not a URL", p.issuer));
    }
    let (ns, sa) = (&p.namespace, &p.service_account);
    let sub = super::subject(ns, sa);
    let policy = irsa_trust_policy(&partition, &account, provider, &sub, &p.audience);
    let policy_file = format!("trust-policy-{role}.json");
    let mut b = Bundle::default();
    for f in &p.formats {
        b.outputs.push(match f {
            IrsaFormat::Yaml => {
                let mut ann = vec![(IRSA_ROLE_ARN, p.role_arn.clone())];
                if p.audience != IRSA_AUDIENCE {
                    ann.push(("eks.amazonaws.com/audience", p.audience.clone()));
                }
                Output {
                    file: format!("serviceaccount-{sa}.yaml"),
                    content: super::service_account(ns, sa, &ann),
                    what: format!("ServiceAccount {ns}/{sa} annotated with role {role}"),
                }
            }
            IrsaFormat::TrustPolicy => Output {
                file: policy_file.clone(),
                content: super::json(&policy),
                what: format!("IRSA trust policy of role {role}"),
            },
            IrsaFormat::AwsCli => Output {
                file: format!("irsa-{sa}.sh"),
                content: format!(
                    "#!/bin/sh\n# Lets ServiceAccount {ns}/{sa} assume role {role} through the cluster's OIDC provider.\nset -eu\naws iam update-assume-role-policy \\\n  --role-name {role_q} \\\n  --policy-document file://{policy_file}\n",
                    role_q = sh(&role),
                ),
                what: format!("aws CLI script setting the trust policy of {role}"),
            },
            IrsaFormat::Terraform => Output {
                file: format!("irsa-{sa}.tf"),
                content: format!(
                    "# Use as assume_role_policy = data.aws_iam_policy_document.{id}.json on role {role}.\ndata \"aws_iam_policy_document\" \"{id}\" {{\n  statement {{\n    effect  = \"Allow\"\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n\n    principals {{\n      type        = \"Federated\"\n      identifiers = [{fed}]\n    }}\n\n    condition {{\n      test     = \"StringEquals\"\n      variable = {sub_key}\n      values   = [{sub}]\n    }}\n\n    condition {{\n      test     = \"StringEquals\"\n      variable = {aud_key}\n      values   = [{aud}]\n    }}\n  }}\n}}\n",
                    id = ident(&format!("{ns}_{sa}_trust")),
                    fed = hcl(&format!("arn:{partition}:iam::{account}:oidc-provider/{provider}")),
                    sub_key = hcl(&format!("{provider}:sub")),
                    sub = hcl(&sub),
                    aud_key = hcl(&format!("{provider}:aud")),
                    aud = hcl(&p.audience),
                ),
                what: format!("Terraform trust policy document for role {role}"),
            },
        });
    }
    Ok(b)
}
