//! `kubectl wid generate`: argument parsing and writing only; the rendering is `crate::generate`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use crate::generate::{Bundle, aws, azure, from_findings, gke};
use crate::input::load::{self, InputPath};

use super::{EXIT_CLEAN, EXIT_ERROR};

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  kubectl wid generate azure -n shop --service-account web --client-id <GUID> --issuer <URL> --identity web-id --resource-group rg --format yaml,az\n  kubectl wid generate eks-pod-identity --cluster prod -n shop --service-account web --role-arn arn:aws:iam::111122223333:role/web --out deploy/\n  kubectl wid generate --from-findings manifests/ --issuer <URL> --identity web-id --resource-group rg"
)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub target: Option<Target>,
    /// Lint these files/directories and write what the findings say is missing
    #[arg(long, num_args = 1.., value_name = "PATHS")]
    pub from_findings: Vec<String>,
    /// With --from-findings: client id for ServiceAccounts that have none to copy
    #[arg(long)]
    pub client_id: Option<String>,
    /// With --from-findings: tenant id for new ServiceAccounts
    #[arg(long)]
    pub tenant_id: Option<String>,
    /// With --from-findings: the cluster's OIDC issuer URL, for federated credentials
    #[arg(long)]
    pub issuer: Option<String>,
    /// With --from-findings: the managed identity of the federated credentials
    #[arg(long)]
    pub identity: Option<String>,
    /// With --from-findings: the identity's resource group
    #[arg(long)]
    pub resource_group: Option<String>,
    /// With --from-findings: namespace of objects without metadata.namespace
    #[arg(short = 'n', long, default_value = "default")]
    pub namespace: String,
    /// With --from-findings: forms of the federated credentials (default az)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<azure::Format>,
    /// With --from-findings: largest file (or stdin) to read, as for `lint`
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = load::parse_size)]
    pub max_file_size: u64,
    /// With --from-findings: most input to read in all, as for `lint` (auto: 1/12 of the
    /// memory available)
    #[arg(long, value_name = "SIZE|auto|none", default_value = "auto", value_parser = crate::input::limits::InputLimit::parse)]
    pub max_input_size: crate::input::limits::InputLimit,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Write one file per resource into this directory (created if needed) instead of stdout
    #[arg(long, global = true, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: overwrite existing files
    #[arg(long, global = true)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum Target {
    /// Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch
    Azure(AzureArgs),
    /// EKS Pod Identity: ServiceAccount, trust policy, association
    EksPodIdentity(PodIdentityArgs),
    /// IRSA: annotated ServiceAccount and the trust policy for the cluster's OIDC provider
    Irsa(IrsaArgs),
    /// GKE Workload Identity: KSA annotation and the workloadIdentityUser grant
    Gke(GkeArgs),
}

#[derive(Debug, Args)]
pub struct AzureArgs {
    /// Namespace of the ServiceAccount (and of the workload)
    #[arg(short = 'n', long)]
    pub namespace: String,
    /// Name of the Kubernetes ServiceAccount
    #[arg(long)]
    pub service_account: String,
    /// The managed identity's clientId (a GUID)
    #[arg(long)]
    pub client_id: String,
    /// Tenant of the identity, when it is not the cluster's (a GUID)
    #[arg(long)]
    pub tenant_id: Option<String>,
    /// The cluster's OIDC issuer, exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it
    #[arg(long)]
    pub issuer: String,
    /// The user-assigned managed identity's name
    #[arg(long)]
    pub identity: String,
    /// Resource group of the managed identity
    #[arg(long)]
    pub resource_group: String,
    /// Name of the federated credential [default: <namespace>-<service-account>]
    #[arg(long)]
    pub fic_name: Option<String>,
    /// KIND/NAME of the workload whose pods get the label (writes a patch)
    #[arg(long)]
    pub workload: Option<String>,
    /// Forms to write (comma-separated or repeated)
    #[arg(long, value_enum, value_delimiter = ',', default_value = "yaml,az")]
    pub format: Vec<azure::Format>,
}

#[derive(Debug, Args)]
pub struct PodIdentityArgs {
    /// EKS cluster name
    #[arg(long)]
    pub cluster: String,
    /// Namespace of the ServiceAccount (and of the workload)
    #[arg(short = 'n', long)]
    pub namespace: String,
    /// Name of the Kubernetes ServiceAccount
    #[arg(long)]
    pub service_account: String,
    /// ARN of the IAM role the ServiceAccount assumes
    #[arg(long)]
    pub role_arn: String,
    /// AWS region (the eksctl format needs it)
    #[arg(long)]
    pub region: Option<String>,
    /// Forms to write (comma-separated or repeated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "yaml,trust-policy,aws-cli"
    )]
    pub format: Vec<aws::PodIdentityFormat>,
}

#[derive(Debug, Args)]
pub struct IrsaArgs {
    /// Namespace of the ServiceAccount (and of the workload)
    #[arg(short = 'n', long)]
    pub namespace: String,
    /// Name of the Kubernetes ServiceAccount
    #[arg(long)]
    pub service_account: String,
    /// ARN of the IAM role the ServiceAccount assumes
    #[arg(long)]
    pub role_arn: String,
    /// The cluster's OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`)
    #[arg(long)]
    pub issuer: String,
    /// Token audience (`eks.amazonaws.com/audience`; the OIDC provider's client id)
    #[arg(long, default_value = aws::IRSA_AUDIENCE)]
    pub audience: String,
    /// Forms to write (comma-separated or repeated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "yaml,trust-policy"
    )]
    pub format: Vec<aws::IrsaFormat>,
}

#[derive(Debug, Args)]
pub struct GkeArgs {
    /// The cluster's project ID (its workload pool is <project-id>.svc.id.goog)
    #[arg(long)]
    pub project_id: String,
    /// The project's number (prints the principal:// form for direct resource access)
    #[arg(long)]
    pub project_number: Option<String>,
    /// Namespace of the ServiceAccount (and of the workload)
    #[arg(short = 'n', long)]
    pub namespace: String,
    /// Name of the Kubernetes ServiceAccount
    #[arg(long)]
    pub service_account: String,
    /// The Google service account (email, or account id in --project-id)
    #[arg(long)]
    pub gsa: String,
    /// Forms to write (comma-separated or repeated)
    #[arg(long, value_enum, value_delimiter = ',', default_value = "yaml,gcloud")]
    pub format: Vec<gke::Format>,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    let bundle = match (&args.target, args.from_findings.is_empty()) {
        (Some(t), _) => target(t)?,
        (None, false) => findings(&args)?,
        (None, true) => {
            bail!("name a target (azure, eks-pod-identity, irsa, gke) or --from-findings PATHS")
        }
    };
    emit(&bundle, &args.out)
}

fn target(t: &Target) -> anyhow::Result<Bundle> {
    Ok(match t {
        Target::Azure(a) => azure::generate(&azure::Params {
            namespace: a.namespace.clone(),
            service_account: a.service_account.clone(),
            client_id: a.client_id.clone(),
            tenant_id: a.tenant_id.clone(),
            issuer: a.issuer.clone(),
            identity: a.identity.clone(),
            resource_group: a.resource_group.clone(),
            fic_name: a.fic_name.clone(),
            workload: a.workload.clone(),
            formats: a.format.clone(),
        })?,
        Target::EksPodIdentity(a) => aws::pod_identity(&aws::PodIdentityParams {
            cluster: a.cluster.clone(),
            namespace: a.namespace.clone(),
            service_account: a.service_account.clone(),
            role_arn: a.role_arn.clone(),
            region: a.region.clone(),
            formats: a.format.clone(),
        })?,
        Target::Irsa(a) => aws::irsa(&aws::IrsaParams {
            namespace: a.namespace.clone(),
            service_account: a.service_account.clone(),
            role_arn: a.role_arn.clone(),
            issuer: a.issuer.clone(),
            audience: a.audience.clone(),
            formats: a.format.clone(),
        })?,
        Target::Gke(a) => gke::generate(&gke::Params {
            project_id: a.project_id.clone(),
            project_number: a.project_number.clone(),
            namespace: a.namespace.clone(),
            service_account: a.service_account.clone(),
            gsa: a.gsa.clone(),
            formats: a.format.clone(),
        })?,
    })
}

fn findings(args: &GenerateArgs) -> anyhow::Result<Bundle> {
    let (paths, errors) = load::discover(&args.from_findings);
    if let Some(e) = errors.first() {
        bail!("{e}");
    }
    // The same limits as `lint`: generating lints the inputs first.
    let stdin = if paths.iter().any(|p| matches!(p, InputPath::Stdin)) {
        Some(load::read_limited(
            std::io::stdin().lock(),
            "-",
            args.max_file_size,
        )?)
    } else {
        None
    };
    let limits = load::Limits::new(args.max_file_size, args.max_input_size);
    let inputs = load::load_limited(&paths, stdin, limits);
    if let Some(e) = inputs.errors.first() {
        bail!("{e}");
    }
    let options = crate::engine::Options {
        namespace: args.namespace.clone(),
        ..Default::default()
    };
    Ok(from_findings::generate(
        &inputs,
        &options,
        &from_findings::Params {
            client_id: args.client_id.clone(),
            tenant_id: args.tenant_id.clone(),
            issuer: args.issuer.clone(),
            identity: args.identity.clone(),
            resource_group: args.resource_group.clone(),
            formats: args.format.clone(),
        },
    )?)
}

/// stdout (one file as is; several with `==> name <==` headers) or one file each in `--out`,
/// refusing to overwrite anything without `--force` (checked before the first write).
fn emit(b: &Bundle, out: &OutArgs) -> anyhow::Result<u8> {
    let mut err = std::io::stderr().lock();
    for n in &b.notes {
        let _ = writeln!(err, "kubectl-wid: note: {n}");
    }
    let Some(dir) = &out.out else {
        let mut stdout = std::io::stdout().lock();
        let several = b.outputs.len() > 1;
        for (i, o) in b.outputs.iter().enumerate() {
            if several {
                let sep = if i == 0 { "" } else { "\n" };
                let _ = writeln!(stdout, "{sep}==> {} <==", o.file);
            }
            let _ = stdout.write_all(o.content.as_bytes());
        }
        let _ = stdout.flush();
        return Ok(EXIT_CLEAN);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let existing: Vec<String> = b
        .outputs
        .iter()
        .map(|o| dir.join(&o.file))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() && !out.force {
        let _ = writeln!(
            err,
            "kubectl-wid: error: not overwriting {} (use --force); nothing written",
            existing.join(", ")
        );
        return Ok(EXIT_ERROR);
    }
    for o in &b.outputs {
        let path = dir.join(&o.file);
        std::fs::write(&path, &o.content).with_context(|| format!("writing {}", path.display()))?;
        let _ = writeln!(err, "kubectl-wid: wrote {}: {}", path.display(), o.what);
    }
    Ok(EXIT_CLEAN)
}
