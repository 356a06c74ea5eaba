use crate::input::Node;
use crate::model::Object;
use crate::rules::azure::pod_phrase;
use crate::rules::{Context, Finding, Rule, Scope};

/// PI010: a workload whose ServiceAccount has a Pod Identity association but that runs where
/// Pod Identity does not work: Fargate (`eks.amazonaws.com/compute-type: fargate`), Windows
/// nodes (`kubernetes.io/os: windows`), or `hostNetwork: true` (aws/eks-pod-identity-agent#139:
/// "EKS does not have permissions to assume the associated role").
pub struct PodIdentityUnsupportedPod;

impl Rule for PodIdentityUnsupportedPod {
    fn id(&self) -> &'static str {
        "PI010"
    }

    fn scope(&self) -> Scope {
        Scope::Objects
    }

    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>) {
        let aws = ctx.model.aws();
        if aws.associations.is_empty() {
            return;
        }
        for w in ctx.workloads() {
            let Some(pod) = &w.pod else { continue };
            let name = pod.service_account.name;
            let Some(a) = aws.associations_for(&w.namespace, name).find(|a| {
                super::same_service_account(ctx.model, a.file, w.file, &w.namespace, name)
            }) else {
                continue;
            };
            for (span, why) in problems(w, pod.spec) {
                out.push(
                    Finding::at(
                        self.id(),
                        w,
                        span,
                        format!(
                            "{} runs as ServiceAccount `{}/{}`, which has a Pod Identity association, but {why}",
                            pod_phrase(w),
                            w.namespace,
                            pod.service_account.name
                        ),
                    )
                    .help("run the pod on Linux EC2 nodes without `hostNetwork`, or use IRSA (`eks.amazonaws.com/role-arn`) for it")
                    .related(a.file, a.anchor.clone(), format!("{} for this ServiceAccount", a.form.describe())),
                );
            }
        }
    }
}

fn problems(_w: &Object<'_>, spec: &Node) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut out = Vec::new();
    if let Some(h) = spec.get("hostNetwork").filter(|n| {
        matches!(
            n.scalar().map(|s| s.kind),
            Some(crate::input::ScalarKind::Bool(true))
        )
    }) {
        out.push((h.span(), "it sets `hostNetwork: true`; Pod Identity credentials fail for host-network pods (`Unauthorized Exception! EKS does not have permissions to assume the associated role`, eks-pod-identity-agent#139)"));
    }
    let selector = spec.get("nodeSelector");
    for e in selector.map(Node::entries).unwrap_or_default() {
        let (Some(k), Some(v)) = (e.key.text(), e.value.text()) else {
            continue;
        };
        if k == "eks.amazonaws.com/compute-type" && v.eq_ignore_ascii_case("fargate") {
            out.push((e.value.span(), "it is pinned to Fargate, where EKS Pod Identity is not supported (the agent DaemonSet does not run there)"));
        }
        if matches!(k, "kubernetes.io/os" | "beta.kubernetes.io/os")
            && v.eq_ignore_ascii_case("windows")
        {
            out.push((
                e.value.span(),
                "it is pinned to Windows nodes, where EKS Pod Identity is not supported",
            ));
        }
    }
    let terms = spec
        .get_path(&[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ])
        .map(Node::items)
        .unwrap_or_default();
    for term in terms {
        for expr in term
            .get("matchExpressions")
            .map(Node::items)
            .unwrap_or_default()
        {
            let key = expr.get_str("key").unwrap_or("");
            if expr.get_str("operator") != Some("In") {
                continue;
            }
            let values: Vec<&str> = expr
                .get("values")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::text)
                .collect();
            let only =
                |v: &str| !values.is_empty() && values.iter().all(|x| x.eq_ignore_ascii_case(v));
            if matches!(key, "kubernetes.io/os" | "beta.kubernetes.io/os") && only("windows") {
                out.push((expr.get("values").map_or(expr.span(), |n| n.span()), "its node affinity requires Windows nodes, where EKS Pod Identity is not supported"));
            }
            if key == "eks.amazonaws.com/compute-type" && only("fargate") {
                out.push((
                    expr.get("values").map_or(expr.span(), |n| n.span()),
                    "its node affinity requires Fargate, where EKS Pod Identity is not supported",
                ));
            }
        }
    }
    out
}
