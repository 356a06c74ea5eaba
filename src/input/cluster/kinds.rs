//! Which kinds live mode reads, and why. Only what the enabled rules need is listed; cloud
//! operator kinds only when discovery says their API group is served. Secrets are never in
//! this table (and no code path builds a URL for them).

/// A kind the rules may need, with the API versions to try (first served wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    pub kind: &'static str,
    pub group: &'static str,
    /// Versions in order of preference. The dev cluster (1.20) serves CronJob only as
    /// `batch/v1beta1` and current clusters only as `batch/v1`, so discovery picks.
    pub versions: &'static [&'static str],
    pub plural: &'static str,
    pub namespaced: bool,
    pub need: Need,
}

/// Why a kind is listed; decides whether the enabled rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// ServiceAccounts and pod-owning workloads: nearly every rule.
    Workloads,
    /// Mutating webhook configurations: the live webhook rules.
    Webhooks,
    /// Operator resources of one cloud (only when the CRDs are installed).
    Operator(&'static str),
}

macro_rules! kind {
    ($kind:literal, $group:literal, [$($v:literal),+], $plural:literal, $ns:literal, $need:expr) => {
        KindSpec { kind: $kind, group: $group, versions: &[$($v),+], plural: $plural, namespaced: $ns, need: $need }
    };
}

pub const KINDS: &[KindSpec] = &[
    kind!(
        "ServiceAccount",
        "",
        ["v1"],
        "serviceaccounts",
        true,
        Need::Workloads
    ),
    kind!(
        "Deployment",
        "apps",
        ["v1"],
        "deployments",
        true,
        Need::Workloads
    ),
    kind!(
        "StatefulSet",
        "apps",
        ["v1"],
        "statefulsets",
        true,
        Need::Workloads
    ),
    kind!(
        "DaemonSet",
        "apps",
        ["v1"],
        "daemonsets",
        true,
        Need::Workloads
    ),
    kind!(
        "ReplicaSet",
        "apps",
        ["v1"],
        "replicasets",
        true,
        Need::Workloads
    ),
    kind!(
        "ReplicationController",
        "",
        ["v1"],
        "replicationcontrollers",
        true,
        Need::Workloads
    ),
    kind!("Job", "batch", ["v1"], "jobs", true, Need::Workloads),
    kind!(
        "CronJob",
        "batch",
        ["v1", "v1beta1"],
        "cronjobs",
        true,
        Need::Workloads
    ),
    kind!("Pod", "", ["v1"], "pods", true, Need::Workloads),
    kind!(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        ["v1", "v1beta1"],
        "mutatingwebhookconfigurations",
        false,
        Need::Webhooks
    ),
    // Azure Service Operator v2.
    kind!(
        "UserAssignedIdentity",
        "managedidentity.azure.com",
        ["v1api20230131", "v1api20181130", "v1beta20220131preview"],
        "userassignedidentities",
        true,
        Need::Operator("azure")
    ),
    kind!(
        "FederatedIdentityCredential",
        "managedidentity.azure.com",
        [
            "v1api20230131",
            "v1api20220131preview",
            "v1beta20220131preview"
        ],
        "federatedidentitycredentials",
        true,
        Need::Operator("azure")
    ),
    // AWS Controllers for Kubernetes (EKS controller).
    kind!(
        "PodIdentityAssociation",
        "eks.services.k8s.aws",
        ["v1alpha1"],
        "podidentityassociations",
        true,
        Need::Operator("aws")
    ),
    // Config Connector.
    kind!(
        "IAMServiceAccount",
        "iam.cnrm.cloud.google.com",
        ["v1beta1"],
        "iamserviceaccounts",
        true,
        Need::Operator("gcp")
    ),
    kind!(
        "IAMPolicyMember",
        "iam.cnrm.cloud.google.com",
        ["v1beta1"],
        "iampolicymembers",
        true,
        Need::Operator("gcp")
    ),
    kind!(
        "IAMPartialPolicy",
        "iam.cnrm.cloud.google.com",
        ["v1beta1"],
        "iampartialpolicies",
        true,
        Need::Operator("gcp")
    ),
    kind!(
        "IAMPolicy",
        "iam.cnrm.cloud.google.com",
        ["v1beta1"],
        "iampolicies",
        true,
        Need::Operator("gcp")
    ),
];

/// Controller kinds whose pods (and ReplicaSets / Jobs) are linted through the controller's
/// template, so the owned objects are not linted a second time.
pub const CONTROLLERS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// What the enabled rules need, from the catalog entries of the rules that will run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub workloads: bool,
    pub webhooks: bool,
    pub azure: bool,
    pub aws: bool,
    pub gcp: bool,
}

impl Needs {
    pub fn from_rules<'r>(rules: impl IntoIterator<Item = (&'r str, &'r str)>) -> Self {
        let mut n = Needs::default();
        for (id, provider) in rules {
            // Parse-level rules (K8S001–K8S004) never fire on rendered objects.
            if !matches!(id, "K8S001" | "K8S002" | "K8S003" | "K8S004") {
                n.workloads = true;
            }
            if id.starts_with("LIVE") {
                n.webhooks = true;
            }
            match provider {
                "azure" => n.azure = true,
                "aws" => n.aws = true,
                "gcp" => n.gcp = true,
                _ => {}
            }
        }
        n
    }

    pub fn wants(&self, k: &KindSpec) -> bool {
        match k.need {
            Need::Workloads => self.workloads,
            Need::Webhooks => self.webhooks,
            Need::Operator("azure") => self.azure,
            Need::Operator("aws") => self.aws,
            Need::Operator("gcp") => self.gcp,
            Need::Operator(_) => false,
        }
    }
}

/// A kind resolved against the server: the version it serves and the URL path to list it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub spec: KindSpec,
    pub version: &'static str,
}

impl Resolved {
    pub fn api_version(&self) -> String {
        if self.spec.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.spec.group, self.version)
        }
    }

    /// `/api/v1/namespaces/x/pods`, `/apis/apps/v1/deployments`, …
    pub fn list_path(&self, namespace: Option<&str>) -> String {
        let base = if self.spec.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.spec.group, self.version)
        };
        match namespace {
            Some(ns) if self.spec.namespaced => {
                format!("{base}/namespaces/{ns}/{}", self.spec.plural)
            }
            _ => format!("{base}/{}", self.spec.plural),
        }
    }

    /// `deployments.apps`, as kubectl and RBAC name a resource.
    pub fn resource_name(&self) -> String {
        if self.spec.group.is_empty() {
            self.spec.plural.to_string()
        } else {
            format!("{}.{}", self.spec.plural, self.spec.group)
        }
    }
}

/// Picks the served version of each wanted kind. `served(group, version, plural)` answers from
/// discovery of resources (a group version can be served without the resource: 1.20 serves
/// `batch/v1` but CronJobs only in `batch/v1beta1`).
pub fn resolve(needs: &Needs, served: impl Fn(&str, &str, &str) -> bool) -> Vec<Resolved> {
    KINDS
        .iter()
        .filter(|k| needs.wants(k))
        .filter_map(|k| {
            let version = k.versions.iter().find(|v| served(k.group, v, k.plural))?;
            Some(Resolved { spec: *k, version })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_listed() {
        assert!(
            KINDS
                .iter()
                .all(|k| k.plural != "secrets" && k.kind != "Secret")
        );
    }

    #[test]
    fn cronjob_falls_back_to_v1beta1_and_operators_need_discovery() {
        let needs = Needs::from_rules([("AZ001", "azure"), ("LIVE001", "azure")]);
        // Kubernetes 1.20: batch/v1 serves jobs only.
        let served = |g: &str, v: &str, p: &str| match (g, v) {
            ("", "v1") | ("apps", "v1") | ("admissionregistration.k8s.io", "v1") => true,
            ("batch", "v1") => p == "jobs",
            ("batch", "v1beta1") => p == "cronjobs",
            _ => false,
        };
        let r = resolve(&needs, served);
        let cron = r.iter().find(|r| r.spec.kind == "CronJob").unwrap();
        assert_eq!(cron.api_version(), "batch/v1beta1");
        assert_eq!(
            cron.list_path(Some("shop")),
            "/apis/batch/v1beta1/namespaces/shop/cronjobs"
        );
        assert!(r.iter().any(|r| r.spec.kind == "Job"));
        assert!(
            !r.iter()
                .any(|r| r.spec.group == "managedidentity.azure.com")
        );
        let mwc = r.iter().find(|r| !r.spec.namespaced).unwrap();
        assert_eq!(
            mwc.list_path(Some("shop")),
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"
        );
    }
}
