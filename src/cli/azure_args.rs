//! `lint` options for Azure federated identity credentials.

use clap::Args;

#[derive(Debug, Clone, Default, Args)]
pub struct AzureArgs {
    /// OIDC issuer URL of the target cluster (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`);
    /// federated identity credential issuers must equal one exactly. Repeatable
    #[arg(long = "issuer", value_name = "URL", value_parser = parse_issuer)]
    pub issuers: Vec<String>,
    /// Token audience the cluster's Workload ID webhook projects, when changed from the default
    /// `api://AzureADTokenExchange` (webhook `--audience`); credentials must use it. Repeatable
    #[arg(long = "audience", value_name = "AUDIENCE")]
    pub audiences: Vec<String>,
}

/// An issuer is compared byte for byte, so only a value that cannot be an issuer at all is refused.
fn parse_issuer(s: &str) -> Result<String, String> {
    if s.starts_with("https://") || s.starts_with("http://") {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an issuer URL (expected https://…, e.g. https://eastus.oic.prod-aks.azure.com/<tenant>/<uuid>/)"
        ))
    }
}
