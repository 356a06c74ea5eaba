//! Rules layer: one rule per file, metadata in the catalog, run over the whole model at once.

pub mod aws;
pub mod azure;
pub mod catalog;
pub mod finding;
pub mod gcp;
pub mod kubernetes;
pub mod live;
pub mod migration;
pub mod terraform;

use rayon::prelude::*;

use crate::model::{Model, Object, Views};

pub use catalog::{Provider, RuleMeta, Severity, catalog, lookup};
pub use finding::{Finding, ObjectRef, Related};

/// What a rule sees: every input at once, and the objects it is asked to look at.
pub struct Context<'m, 'a> {
    pub model: &'m Model<'a>,
    /// All objects for a `Scope::Model` rule; one slice of them for a `Scope::Objects` rule.
    objects: &'m [Object<'a>],
    /// Whether this run also checks what is not an object (see `whole_model_part`).
    whole_model: bool,
}

impl<'m, 'a> Context<'m, 'a> {
    pub fn new(model: &'m Model<'a>) -> Self {
        Self {
            model,
            objects: &model.objects,
            whole_model: true,
        }
    }

    /// Whether this run of the rule also checks the inputs that are not objects (documents
    /// that are not Kubernetes objects, Terraform): always for a `Scope::Model` rule, and for
    /// exactly one slice of a `Scope::Objects` rule, so that a rule judging objects one by one
    /// can check those too without reporting them once per slice.
    pub fn whole_model_part(&self) -> bool {
        self.whole_model
    }

    /// The objects this run of the rule reports on (lookups go through `model`).
    pub fn objects(&self) -> &'m [Object<'a>] {
        self.objects
    }

    /// Of `objects()`, those with a pod template (as `Model::workloads`).
    pub fn workloads(&self) -> impl Iterator<Item = &'m Object<'a>> + use<'m, 'a> {
        self.objects.iter().filter(|o| o.pod.is_some())
    }

    /// Of `objects()`, the core ServiceAccounts (as `Model::service_accounts`).
    pub fn service_accounts(&self) -> impl Iterator<Item = &'m Object<'a>> + use<'m, 'a> {
        self.objects.iter().filter(|o| o.is_core_service_account())
    }
}

/// What a rule's `check` reads, which decides how the runner may split the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anything in the model, once per run.
    Model,
    /// Each object of `Context::objects` (or its `workloads`/`service_accounts`) on its own:
    /// findings about one object never depend on which other objects are in the same slice
    /// (lookups through `ctx.model` are fine). The runner hands such rules the objects in
    /// slices, so both cores share the work and each slice stays in cache across the rules.
    Objects,
}

pub trait Rule: Sync + Send {
    /// The catalog id (`AZ001`); everything else about the rule is in the catalog.
    fn id(&self) -> &'static str;
    fn scope(&self) -> Scope {
        Scope::Model
    }
    fn check(&self, ctx: &Context<'_, '_>, out: &mut Vec<Finding>);
}

/// Every rule the binary has. A test checks this list against the catalog both ways.
pub fn registry() -> &'static [&'static dyn Rule] {
    &[
        &kubernetes::yaml_syntax_error::YamlSyntaxError,
        &kubernetes::duplicate_key::DuplicateKey,
        &kubernetes::alias_expansion_limit::AliasExpansionLimit,
        &kubernetes::unrendered_template::UnrenderedTemplate,
        &kubernetes::non_string_metadata_value::NonStringMetadataValue,
        &azure::missing_use_label::MissingUseLabel,
        &azure::use_label_value::UseLabelValue,
        &azure::client_id_format::ClientIdFormat,
        &azure::tenant_id_format::TenantIdFormat,
        &azure::identity_annotation_on_wrong_object::IdentityAnnotationOnWrongObject,
        &azure::misspelled_annotation_key::MisspelledAnnotationKey,
        &azure::labelled_without_client_id::LabelledWithoutClientId,
        &azure::token_expiration_range::TokenExpirationRange,
        &azure::skip_containers_format::SkipContainersFormat,
        &azure::proxy_sidecar_host_network::ProxySidecarHostNetwork,
        &azure::inject_proxy_sidecar_false::InjectProxySidecarFalse,
        &azure::proxy_sidecar_port::ProxySidecarPort,
        &azure::service_account_other_namespace::ServiceAccountOtherNamespace,
        &azure::service_account_not_found::ServiceAccountNotFound,
        &azure::default_service_account::DefaultServiceAccount,
        &azure::env_shadows_injected::EnvShadowsInjected,
        &azure::hard_coded_token_path::HardCodedTokenPath,
        &azure::fic_subject_format::FicSubjectFormat,
        &azure::fic_subject_service_account::FicSubjectServiceAccount,
        &azure::service_account_without_fic::ServiceAccountWithoutFic,
        &azure::fic_issuer_format::FicIssuerFormat,
        &azure::fic_issuer_mismatch::FicIssuerMismatch,
        &azure::fic_audience::FicAudience,
        &azure::fic_name_format::FicNameFormat,
        &azure::fic_limit_per_identity::FicLimitPerIdentity,
        &azure::fic_duplicate::FicDuplicate,
        &azure::fic_subject_and_claims_expression::FicSubjectAndClaimsExpression,
        &azure::client_id_not_identity_client_id::ClientIdNotIdentityClientId,
        &azure::key_vault_name::KeyVaultName,
        &azure::fic_value_not_static::FicValueNotStatic,
        &terraform::terraform_syntax_error::TerraformSyntaxError,
        &aws::pod_identity_trust_principal::PodIdentityTrustPrincipal,
        &aws::pod_identity_trust_actions::PodIdentityTrustActions,
        &aws::pod_identity_trust_unrestricted::PodIdentityTrustUnrestricted,
        &aws::pod_identity_condition_never_matches::PodIdentityConditionNeverMatches,
        &aws::association_policy_session_tags::AssociationPolicySessionTags,
        &aws::duplicate_association::DuplicateAssociation,
        &aws::association_role_arn::AssociationRoleArn,
        &aws::target_role_trust::TargetRoleTrust,
        &aws::pod_identity_and_irsa::PodIdentityAndIrsa,
        &aws::pod_identity_unsupported_pod::PodIdentityUnsupportedPod,
        &aws::association_service_account_not_found::AssociationServiceAccountNotFound,
        &aws::irsa_annotation_key::IrsaAnnotationKey,
        &aws::irsa_role_arn_format::IrsaRoleArnFormat,
        &aws::irsa_annotation_value::IrsaAnnotationValue,
        &aws::irsa_trust_principal::IrsaTrustPrincipal,
        &aws::oidc_provider_arn_format::OidcProviderArnFormat,
        &aws::irsa_condition_key_prefix::IrsaConditionKeyPrefix,
        &aws::irsa_subject_mismatch::IrsaSubjectMismatch,
        &aws::irsa_audience_mismatch::IrsaAudienceMismatch,
        &aws::irsa_trust_without_subject::IrsaTrustWithoutSubject,
        &aws::irsa_for_all_values::IrsaForAllValues,
        &aws::irsa_role_provider_account::IrsaRoleProviderAccount,
        &aws::trust_policy_resource::TrustPolicyResource,
        &aws::irsa_annotation_on_wrong_object::IrsaAnnotationOnWrongObject,
        &aws::irsa_trust_too_broad::IrsaTrustTooBroad,
        &aws::aws_value_not_static::AwsValueNotStatic,
        &aws::trust_policy_syntax::TrustPolicySyntax,
        &live::pod_not_mutated::PodNotMutated,
        &live::azure_webhook_missing::AzureWebhookMissing,
        &live::eks_webhook_missing::EksWebhookMissing,
        &live::pod_identity_agent_missing::PodIdentityAgentMissing,
        &live::webhook_object_selector::WebhookObjectSelector,
        &crate::suppress::rules::SuppressionWithoutReason,
        &crate::suppress::rules::UnusedSuppression,
        &gcp::gsa_annotation_format::GsaAnnotationFormat,
        &gcp::gke_annotation_key::GkeAnnotationKey,
        &gcp::member_format::MemberFormat,
        &gcp::member_service_account_not_found::MemberServiceAccountNotFound,
        &gcp::gsa_without_workload_identity_user::GsaWithoutWorkloadIdentityUser,
        &gcp::policy_member_member_from::PolicyMemberMemberFrom,
        &gcp::iam_policy_conflict::IamPolicyConflict,
        &gcp::host_network::HostNetwork,
        &gcp::metadata_server_node_selector::MetadataServerNodeSelector,
        &gcp::project_level_workload_identity_user::ProjectLevelWorkloadIdentityUser,
        &migration::aad_pod_identity::AadPodIdentity,
        &migration::literal_cloud_secret::LiteralCloudSecret,
        &migration::google_credentials_key_file::GoogleCredentialsKeyFile,
        &migration::imds_token_endpoint::ImdsTokenEndpoint,
        &migration::acr_image_pull_secret::AcrImagePullSecret,
    ]
}

/// Which rules run: `select` (empty = all) minus `ignore`, each matching an id, a name,
/// a provider or an id prefix (`AZ`).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn matches(pattern: &str, meta: &RuleMeta) -> bool {
        pattern.eq_ignore_ascii_case(&meta.id)
            || pattern.eq_ignore_ascii_case(&meta.name)
            || pattern.eq_ignore_ascii_case(meta.provider.as_str())
            || (pattern.len() < meta.id.len()
                && meta
                    .id
                    .to_ascii_uppercase()
                    .starts_with(&pattern.to_ascii_uppercase()))
    }

    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, meta)))
            && !self.ignore.iter().any(|p| Self::matches(p, meta))
    }

    /// Patterns that match no rule at all (a usage error: a typo would silently disable nothing).
    pub fn unknown_patterns(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !catalog().iter().any(|m| Self::matches(p, m)))
            .map(String::as_str)
            .collect()
    }
}

/// Objects per slice handed to `Scope::Objects` rules: small enough that a slice's documents
/// stay in cache while every such rule looks at them, large enough that a task is not
/// dominated by scheduling.
const SLICE: usize = 512;

/// Runs the selected rules in parallel and returns their findings in a deterministic order.
pub fn run(model: &Model<'_>, selection: &Selection) -> Vec<Finding> {
    let timings = crate::timing::per_rule();
    let enabled: Vec<&dyn Rule> = registry()
        .iter()
        .copied()
        .filter(|r| lookup(r.id()).is_some_and(|m| selection.enabled(m)))
        .collect();
    if enabled.is_empty() {
        return Vec::new();
    }
    // The provider views are built on first use; build them side by side up front rather
    // than inside whichever rule comes first while the other core waits on it.
    let mut timer = crate::timing::Timer::from_env();
    // Each view is read by its own provider's rules only.
    let wants = |p: Provider| {
        enabled
            .iter()
            .any(|r| lookup(r.id()).is_some_and(|m| m.provider == p))
    };
    model.prepare_views(Views {
        aws: wants(Provider::Aws),
        azure: wants(Provider::Azure),
        gcp: wants(Provider::Gcp),
    });
    timer.lap("    views");
    let (per_object, whole): (Vec<&dyn Rule>, Vec<&dyn Rule>) =
        enabled.iter().partition(|r| r.scope() == Scope::Objects);
    // One task per whole-model rule, then one per slice of objects (all per-object rules).
    // At least one (empty) slice: per-object rules check the non-object inputs in the first.
    let mut slices = model.objects.chunks(SLICE).collect::<Vec<_>>();
    if slices.is_empty() {
        slices.push(&[]);
    }
    let tasks = whole.len()
        + if per_object.is_empty() {
            0
        } else {
            slices.len()
        };
    let per_rule_ms = timings.then(|| std::sync::Mutex::new(std::collections::BTreeMap::new()));
    let mut findings: Vec<Finding> = (0..tasks)
        .into_par_iter()
        .flat_map_iter(|task| {
            let mut out = Vec::new();
            let (rules, ctx) = match task.checked_sub(whole.len()) {
                None => (&whole[task..=task], Context::new(model)),
                Some(slice) => (
                    &per_object[..],
                    Context {
                        model,
                        objects: slices[slice],
                        whole_model: slice == 0,
                    },
                ),
            };
            for rule in rules {
                let start = timings.then(std::time::Instant::now);
                rule.check(&ctx, &mut out);
                if let (Some(start), Some(ms)) = (start, &per_rule_ms) {
                    let mut ms = ms.lock().unwrap_or_else(|e| e.into_inner());
                    *ms.entry(rule.id()).or_insert(0.0) += start.elapsed().as_secs_f64() * 1e3;
                }
            }
            out
        })
        .collect();
    if let Some(ms) = per_rule_ms {
        for (id, ms) in ms.into_inner().unwrap_or_else(|e| e.into_inner()) {
            eprintln!("timing rule {id} {ms:8.2} ms");
        }
    }
    timer.lap("    checks");
    // Each file's rank in path order, worked out once: comparing paths in every comparison of
    // the sort was most of its time (long shared prefixes, tens of thousands of findings).
    let mut by_path: Vec<usize> = (0..model.files.len()).collect();
    by_path.par_sort_by(|&a, &b| model.files[a].source.path.cmp(&model.files[b].source.path));
    let mut rank = vec![0; by_path.len()];
    for (r, pair) in by_path.windows(2).enumerate() {
        // Equal paths share a rank, so their findings still interleave by position.
        let same = model.files[pair[0]].source.path == model.files[pair[1]].source.path;
        rank[pair[1]] = if same { rank[pair[0]] } else { r + 1 };
    }
    findings.par_sort_by(|a, b| {
        (
            rank[a.file.0],
            a.span.start,
            a.span.end,
            &a.rule.id,
            &a.message,
        )
            .cmp(&(
                rank[b.file.0],
                b.span.start,
                b.span.end,
                &b.rule.id,
                &b.message,
            ))
    });
    findings.dedup_by(|a, b| {
        a.rule.id == b.rule.id && a.file == b.file && a.span == b.span && a.message == b.message
    });
    timer.lap("    order");
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract of `Scope::Objects`: a rule's findings do not depend on how the objects
    /// are sliced. Checked one object at a time against all at once, on every example and
    /// fixture linted together.
    #[test]
    fn per_object_rules_find_the_same_in_any_slicing() {
        let dirs = ["examples".to_string(), "tests/fixtures".to_string()];
        let (paths, _) = crate::input::load::discover(&dirs);
        let inputs = crate::input::load::load(&paths, None);
        let model = Model::build(&inputs.files, "default");
        let key = |f: &Finding| (f.file.0, f.span.start, f.span.end, f.message.clone());
        let mut with_findings = 0;
        for rule in registry().iter().filter(|r| r.scope() == Scope::Objects) {
            let mut whole = Vec::new();
            rule.check(&Context::new(&model), &mut whole);
            let mut sliced = Vec::new();
            for (i, one) in model.objects.chunks(1).enumerate() {
                let ctx = Context {
                    model: &model,
                    objects: one,
                    whole_model: i == 0,
                };
                rule.check(&ctx, &mut sliced);
            }
            let mut whole: Vec<_> = whole.iter().map(key).collect();
            let mut sliced: Vec<_> = sliced.iter().map(key).collect();
            whole.sort();
            sliced.sort();
            assert_eq!(whole, sliced, "{}", rule.id());
            with_findings += usize::from(!whole.is_empty());
        }
        // Every per-object rule has a failing fixture, so each one must have been exercised.
        let per_object = registry()
            .iter()
            .filter(|r| r.scope() == Scope::Objects)
            .count();
        assert_eq!(with_findings, per_object, "a per-object rule found nothing");
    }

    #[test]
    fn registry_and_catalog_match() {
        let ids: Vec<&str> = registry().iter().map(|r| r.id()).collect();
        for meta in catalog() {
            assert!(
                ids.contains(&meta.id.as_str()),
                "{} has no rule logic",
                meta.id
            );
        }
        for id in &ids {
            assert!(lookup(id).is_some(), "{id} has no catalog entry");
        }
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "a rule is registered twice");
    }

    /// Findings are ordered by path, then position; two inputs with one path (a file named
    /// twice) interleave by position as one would.
    #[test]
    fn findings_are_ordered_by_path_then_position() {
        let (inputs, outcome) = crate::engine::lint_texts(
            &[
                ("b.yaml", "x: [\n"),
                ("a.yaml", "a: 1\nb: 2\nc: [\n"),
                ("a.yaml", "[\n"),
            ],
            &crate::engine::Options::default(),
        );
        let order: Vec<(&str, usize, usize)> = outcome
            .findings
            .iter()
            .map(|f| {
                (
                    inputs.files[f.file.0].source.path.as_str(),
                    f.file.0,
                    f.span.start,
                )
            })
            .collect();
        // The third input's error comes first: it is earlier in the text than the second's.
        let files: Vec<(&str, usize)> = order.iter().map(|&(p, f, _)| (p, f)).collect();
        assert_eq!(
            files,
            [("a.yaml", 2), ("a.yaml", 1), ("b.yaml", 0)],
            "{order:?}"
        );
    }
}
