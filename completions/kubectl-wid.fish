# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_wid_global_optspecs
    string join \n h/help V/version
end

function __fish_kubectl_wid_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_wid_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_wid_using_subcommand
    set -l cmd (__fish_kubectl_wid_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "lint" -d 'Lint manifests (files, directories, `-` for stdin)'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "rules" -d 'List every rule in the catalog'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "explain" -d 'Explain one rule: what it checks, why it breaks, an example, the fix and its source'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "generate" -d 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run\'s findings say is missing)'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "man" -d 'Print the man page (roff) of kubectl-wid or one subcommand'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "config" -d 'The config file: print its JSON Schema (or a custom rule\'s), or check a file'
complete -c kubectl-wid -n "__fish_kubectl_wid_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -s o -l output -d 'Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)' -r -f -a "human\t'rustc-style diagnostics and a summary line'
json\t'one JSON document (the stable CI contract)'
sarif\t'SARIF 2.1.0 (GitHub code scanning)'
github\t'GitHub Actions workflow commands (::error file=…)'
junit\t'JUnit XML: one testcase per object'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l fail-on -d 'Exit with 1 when a finding has at least this severity [default: error, or the config\'s fail-on]' -r -f -a "error\t''
warning\t''
info\t''
never\t''"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -s n -l namespace -d 'Namespace for objects that do not set metadata.namespace [default: default, or the config\'s namespace]' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l select -d 'Run only these rules (id, name, provider or id prefix; repeatable, comma-separated)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l ignore -d 'Do not run these rules (id, name, provider or id prefix; repeatable, comma-separated)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l max-file-size -d 'Largest file (or stdin) to read, e.g. 512M or 2G: a bigger one is an input error (exit 2) and the rest is linted. Linting takes about ten times a file\'s size in memory' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l max-input-size -d 'Most input to read in all, e.g. 2G, or `none`; `auto` is 1/12 of the memory available (the cgroup\'s limit or MemAvailable). Past it, the inputs that fit, in order, are linted and the rest is an input error (exit 2) instead of a run killed for lack of memory' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l color -d 'When to use colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l issuer -d 'OIDC issuer URL of the target cluster (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`); federated identity credential issuers must equal one exactly. Repeatable' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l audience -d 'Token audience the cluster\'s Workload ID webhook projects, when changed from the default `api://AzureADTokenExchange` (webhook `--audience`); credentials must use it. Repeatable' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l kubeconfig -d 'Path to the kubeconfig file [default: KUBECONFIG (several files merged), else ~/.kube/config]' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l context -d 'The kubeconfig context to use [default: current-context]' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l request-timeout -d 'Give up on a request after this long (`30s`, `2m`; `0` waits forever)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l chunk-size -d 'Objects per list request (`limit`), as kubectl\'s --chunk-size' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l config -d 'Read this config file instead of looking for .kubectl-wid.yaml from the working directory up to the repository root' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l rules-dir -d 'Load custom rules (YAML) from this directory; repeatable, added to the config\'s rules-dirs' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l index-root -d 'Load every manifest below DIR into the index (cross-file rules see the whole repository) but report findings only for the PATHS given; for pre-commit, which passes changed files' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l cluster -d 'Lint live objects of the current kubeconfig context; with PATHS, lint the files against the live state (objects only in the cluster satisfy references; files replace their live copy)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l all-contexts -d 'Lint every context of the kubeconfig (concurrently); findings name the context'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -s A -l all-namespaces -d 'List objects in all namespaces [default with --cluster: the context\'s namespace, or -n]'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l no-config -d 'Do not read any config file'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l disallow-suppressions -d 'Ignore every suppression (annotations, comments, config exemptions), e.g. in security gates'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l fix -d 'Apply safe fixes in place (atomically; `-` writes the fixed stream to stdout), then report what remains'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l unsafe-fixes -d 'With --fix or --diff: also apply unsafe fixes (they can drop a comment or change meaning; review them)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -l diff -d 'Print the fixes as a unified diff and change nothing; exit 1 if anything would change'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand rules" -s o -l output -d 'Output format (markdown is the README\'s rule table)' -r -f -a "table\t''
json\t''
markdown\t''"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand rules" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand explain" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l from-findings -d 'Lint these files/directories and write what the findings say is missing' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l client-id -d 'With --from-findings: client id for ServiceAccounts that have none to copy' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l tenant-id -d 'With --from-findings: tenant id for new ServiceAccounts' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l issuer -d 'With --from-findings: the cluster\'s OIDC issuer URL, for federated credentials' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l identity -d 'With --from-findings: the managed identity of the federated credentials' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l resource-group -d 'With --from-findings: the identity\'s resource group' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -s n -l namespace -d 'With --from-findings: namespace of objects without metadata.namespace' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l format -d 'With --from-findings: forms of the federated credentials (default az)' -r -f -a "yaml\t'The ServiceAccount (and the pod-label patch with --workload)'
aso\t'Azure Service Operator v2 FederatedIdentityCredential'
az\t'`az identity federated-credential create` script'
arm\t'ARM deployment template'
terraform\t'Terraform azurerm_federated_identity_credential'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l max-file-size -d 'With --from-findings: largest file (or stdin) to read, as for `lint`' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l max-input-size -d 'With --from-findings: most input to read in all, as for `lint` (auto: 1/12 of the memory available)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l out -d 'Write one file per resource into this directory (created if needed) instead of stdout' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -l force -d 'With --out: overwrite existing files'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -f -a "azure" -d 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -f -a "eks-pod-identity" -d 'EKS Pod Identity: ServiceAccount, trust policy, association'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -f -a "irsa" -d 'IRSA: annotated ServiceAccount and the trust policy for the cluster\'s OIDC provider'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -f -a "gke" -d 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and not __fish_seen_subcommand_from azure eks-pod-identity irsa gke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -s n -l namespace -d 'Namespace of the ServiceAccount (and of the workload)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l service-account -d 'Name of the Kubernetes ServiceAccount' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l client-id -d 'The managed identity\'s clientId (a GUID)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l tenant-id -d 'Tenant of the identity, when it is not the cluster\'s (a GUID)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l issuer -d 'The cluster\'s OIDC issuer, exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l identity -d 'The user-assigned managed identity\'s name' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l resource-group -d 'Resource group of the managed identity' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l fic-name -d 'Name of the federated credential [default: <namespace>-<service-account>]' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l workload -d 'KIND/NAME of the workload whose pods get the label (writes a patch)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l format -d 'Forms to write (comma-separated or repeated)' -r -f -a "yaml\t'The ServiceAccount (and the pod-label patch with --workload)'
aso\t'Azure Service Operator v2 FederatedIdentityCredential'
az\t'`az identity federated-credential create` script'
arm\t'ARM deployment template'
terraform\t'Terraform azurerm_federated_identity_credential'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l out -d 'Write one file per resource into this directory (created if needed) instead of stdout' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -l force -d 'With --out: overwrite existing files'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from azure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l cluster -d 'EKS cluster name' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -s n -l namespace -d 'Namespace of the ServiceAccount (and of the workload)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l service-account -d 'Name of the Kubernetes ServiceAccount' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l role-arn -d 'ARN of the IAM role the ServiceAccount assumes' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l region -d 'AWS region (the eksctl format needs it)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l format -d 'Forms to write (comma-separated or repeated)' -r -f -a "yaml\t'The ServiceAccount (Pod Identity needs no annotation)'
trust-policy\t'The role\'s trust policy, narrowed by session-tag conditions'
aws-cli\t'`aws iam update-assume-role-policy` + `aws eks create-pod-identity-association`'
eksctl\t'eksctl ClusterConfig with iam.podIdentityAssociations (needs --region)'
ack\t'ACK eks.services.k8s.aws PodIdentityAssociation'
terraform\t'Terraform aws_eks_pod_identity_association'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l out -d 'Write one file per resource into this directory (created if needed) instead of stdout' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -l force -d 'With --out: overwrite existing files'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from eks-pod-identity" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -s n -l namespace -d 'Namespace of the ServiceAccount (and of the workload)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l service-account -d 'Name of the Kubernetes ServiceAccount' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l role-arn -d 'ARN of the IAM role the ServiceAccount assumes' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l issuer -d 'The cluster\'s OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l audience -d 'Token audience (`eks.amazonaws.com/audience`; the OIDC provider\'s client id)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l format -d 'Forms to write (comma-separated or repeated)' -r -f -a "yaml\t'The ServiceAccount with `eks.amazonaws.com/role-arn`'
trust-policy\t'The role\'s trust policy for the cluster\'s OIDC provider'
aws-cli\t'`aws iam update-assume-role-policy`'
terraform\t'Terraform aws_iam_policy_document of the trust policy'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l out -d 'Write one file per resource into this directory (created if needed) instead of stdout' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -l force -d 'With --out: overwrite existing files'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from irsa" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l project-id -d 'The cluster\'s project ID (its workload pool is <project-id>.svc.id.goog)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l project-number -d 'The project\'s number (prints the principal:// form for direct resource access)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -s n -l namespace -d 'Namespace of the ServiceAccount (and of the workload)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l service-account -d 'Name of the Kubernetes ServiceAccount' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l gsa -d 'The Google service account (email, or account id in --project-id)' -r
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l format -d 'Forms to write (comma-separated or repeated)' -r -f -a "yaml\t'The Kubernetes ServiceAccount with `iam.gke.io/gcp-service-account`'
gcloud\t'`gcloud iam service-accounts add-iam-policy-binding` script'
kcc\t'Config Connector IAMPolicyMember'
terraform\t'Terraform google_service_account_iam_member'"
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l out -d 'Write one file per resource into this directory (created if needed) instead of stdout' -r -F
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -l force -d 'With --out: overwrite existing files'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from gke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "azure" -d 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "eks-pod-identity" -d 'EKS Pod Identity: ServiceAccount, trust policy, association'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "irsa" -d 'IRSA: annotated ServiceAccount and the trust policy for the cluster\'s OIDC provider'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "gke" -d 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand man" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and not __fish_seen_subcommand_from schema rule-schema check help" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and not __fish_seen_subcommand_from schema rule-schema check help" -f -a "schema" -d 'Print the JSON Schema of .kubectl-wid.yaml'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and not __fish_seen_subcommand_from schema rule-schema check help" -f -a "rule-schema" -d 'Print the JSON Schema of a custom rule file'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and not __fish_seen_subcommand_from schema rule-schema check help" -f -a "check" -d 'Validate a config file (default: the one lint would use) and print where it is'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and not __fish_seen_subcommand_from schema rule-schema check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from rule-schema" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "schema" -d 'Print the JSON Schema of .kubectl-wid.yaml'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "rule-schema" -d 'Print the JSON Schema of a custom rule file'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate a config file (default: the one lint would use) and print where it is'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "lint" -d 'Lint manifests (files, directories, `-` for stdin)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "rules" -d 'List every rule in the catalog'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "explain" -d 'Explain one rule: what it checks, why it breaks, an example, the fix and its source'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "generate" -d 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run\'s findings say is missing)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "man" -d 'Print the man page (roff) of kubectl-wid or one subcommand'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "config" -d 'The config file: print its JSON Schema (or a custom rule\'s), or check a file'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and not __fish_seen_subcommand_from lint rules explain generate completion man config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "azure" -d 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "eks-pod-identity" -d 'EKS Pod Identity: ServiceAccount, trust policy, association'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "irsa" -d 'IRSA: annotated ServiceAccount and the trust policy for the cluster\'s OIDC provider'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "gke" -d 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "schema" -d 'Print the JSON Schema of .kubectl-wid.yaml'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "rule-schema" -d 'Print the JSON Schema of a custom rule file'
complete -c kubectl-wid -n "__fish_kubectl_wid_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate a config file (default: the one lint would use) and print where it is'
