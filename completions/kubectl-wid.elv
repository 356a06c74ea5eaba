
use builtin;
use str;

set edit:completion:arg-completer[kubectl-wid] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kubectl-wid'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kubectl-wid'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand lint 'Lint manifests (files, directories, `-` for stdin)'
            cand rules 'List every rule in the catalog'
            cand explain 'Explain one rule: what it checks, why it breaks, an example, the fix and its source'
            cand generate 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run''s findings say is missing)'
            cand completion 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff) of kubectl-wid or one subcommand'
            cand config 'The config file: print its JSON Schema (or a custom rule''s), or check a file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;lint'= {
            cand -o 'Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)'
            cand --output 'Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)'
            cand --fail-on 'Exit with 1 when a finding has at least this severity [default: error, or the config''s fail-on]'
            cand -n 'Namespace for objects that do not set metadata.namespace [default: default, or the config''s namespace]'
            cand --namespace 'Namespace for objects that do not set metadata.namespace [default: default, or the config''s namespace]'
            cand --select 'Run only these rules (id, name, provider or id prefix; repeatable, comma-separated)'
            cand --ignore 'Do not run these rules (id, name, provider or id prefix; repeatable, comma-separated)'
            cand --max-file-size 'Largest file (or stdin) to read, e.g. 512M or 2G: a bigger one is an input error (exit 2) and the rest is linted. Linting takes about ten times a file''s size in memory'
            cand --max-input-size 'Most input to read in all, e.g. 2G, or `none`; `auto` is 1/12 of the memory available (the cgroup''s limit or MemAvailable). Past it, the inputs that fit, in order, are linted and the rest is an input error (exit 2) instead of a run killed for lack of memory'
            cand --color 'When to use colour in human output'
            cand --issuer 'OIDC issuer URL of the target cluster (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`); federated identity credential issuers must equal one exactly. Repeatable'
            cand --audience 'Token audience the cluster''s Workload ID webhook projects, when changed from the default `api://AzureADTokenExchange` (webhook `--audience`); credentials must use it. Repeatable'
            cand --kubeconfig 'Path to the kubeconfig file [default: KUBECONFIG (several files merged), else ~/.kube/config]'
            cand --context 'The kubeconfig context to use [default: current-context]'
            cand --request-timeout 'Give up on a request after this long (`30s`, `2m`; `0` waits forever)'
            cand --chunk-size 'Objects per list request (`limit`), as kubectl''s --chunk-size'
            cand --config 'Read this config file instead of looking for .kubectl-wid.yaml from the working directory up to the repository root'
            cand --rules-dir 'Load custom rules (YAML) from this directory; repeatable, added to the config''s rules-dirs'
            cand --index-root 'Load every manifest below DIR into the index (cross-file rules see the whole repository) but report findings only for the PATHS given; for pre-commit, which passes changed files'
            cand --cluster 'Lint live objects of the current kubeconfig context; with PATHS, lint the files against the live state (objects only in the cluster satisfy references; files replace their live copy)'
            cand --all-contexts 'Lint every context of the kubeconfig (concurrently); findings name the context'
            cand -A 'List objects in all namespaces [default with --cluster: the context''s namespace, or -n]'
            cand --all-namespaces 'List objects in all namespaces [default with --cluster: the context''s namespace, or -n]'
            cand --no-config 'Do not read any config file'
            cand --disallow-suppressions 'Ignore every suppression (annotations, comments, config exemptions), e.g. in security gates'
            cand --fix 'Apply safe fixes in place (atomically; `-` writes the fixed stream to stdout), then report what remains'
            cand --unsafe-fixes 'With --fix or --diff: also apply unsafe fixes (they can drop a comment or change meaning; review them)'
            cand --diff 'Print the fixes as a unified diff and change nothing; exit 1 if anything would change'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-wid;rules'= {
            cand -o 'Output format (markdown is the README''s rule table)'
            cand --output 'Output format (markdown is the README''s rule table)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;explain'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;generate'= {
            cand --from-findings 'Lint these files/directories and write what the findings say is missing'
            cand --client-id 'With --from-findings: client id for ServiceAccounts that have none to copy'
            cand --tenant-id 'With --from-findings: tenant id for new ServiceAccounts'
            cand --issuer 'With --from-findings: the cluster''s OIDC issuer URL, for federated credentials'
            cand --identity 'With --from-findings: the managed identity of the federated credentials'
            cand --resource-group 'With --from-findings: the identity''s resource group'
            cand -n 'With --from-findings: namespace of objects without metadata.namespace'
            cand --namespace 'With --from-findings: namespace of objects without metadata.namespace'
            cand --format 'With --from-findings: forms of the federated credentials (default az)'
            cand --max-file-size 'With --from-findings: largest file (or stdin) to read, as for `lint`'
            cand --max-input-size 'With --from-findings: most input to read in all, as for `lint` (auto: 1/12 of the memory available)'
            cand --out 'Write one file per resource into this directory (created if needed) instead of stdout'
            cand --force 'With --out: overwrite existing files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand azure 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
            cand eks-pod-identity 'EKS Pod Identity: ServiceAccount, trust policy, association'
            cand irsa 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider'
            cand gke 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;generate;azure'= {
            cand -n 'Namespace of the ServiceAccount (and of the workload)'
            cand --namespace 'Namespace of the ServiceAccount (and of the workload)'
            cand --service-account 'Name of the Kubernetes ServiceAccount'
            cand --client-id 'The managed identity''s clientId (a GUID)'
            cand --tenant-id 'Tenant of the identity, when it is not the cluster''s (a GUID)'
            cand --issuer 'The cluster''s OIDC issuer, exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it'
            cand --identity 'The user-assigned managed identity''s name'
            cand --resource-group 'Resource group of the managed identity'
            cand --fic-name 'Name of the federated credential [default: <namespace>-<service-account>]'
            cand --workload 'KIND/NAME of the workload whose pods get the label (writes a patch)'
            cand --format 'Forms to write (comma-separated or repeated)'
            cand --out 'Write one file per resource into this directory (created if needed) instead of stdout'
            cand --force 'With --out: overwrite existing files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-wid;generate;eks-pod-identity'= {
            cand --cluster 'EKS cluster name'
            cand -n 'Namespace of the ServiceAccount (and of the workload)'
            cand --namespace 'Namespace of the ServiceAccount (and of the workload)'
            cand --service-account 'Name of the Kubernetes ServiceAccount'
            cand --role-arn 'ARN of the IAM role the ServiceAccount assumes'
            cand --region 'AWS region (the eksctl format needs it)'
            cand --format 'Forms to write (comma-separated or repeated)'
            cand --out 'Write one file per resource into this directory (created if needed) instead of stdout'
            cand --force 'With --out: overwrite existing files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-wid;generate;irsa'= {
            cand -n 'Namespace of the ServiceAccount (and of the workload)'
            cand --namespace 'Namespace of the ServiceAccount (and of the workload)'
            cand --service-account 'Name of the Kubernetes ServiceAccount'
            cand --role-arn 'ARN of the IAM role the ServiceAccount assumes'
            cand --issuer 'The cluster''s OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`)'
            cand --audience 'Token audience (`eks.amazonaws.com/audience`; the OIDC provider''s client id)'
            cand --format 'Forms to write (comma-separated or repeated)'
            cand --out 'Write one file per resource into this directory (created if needed) instead of stdout'
            cand --force 'With --out: overwrite existing files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-wid;generate;gke'= {
            cand --project-id 'The cluster''s project ID (its workload pool is <project-id>.svc.id.goog)'
            cand --project-number 'The project''s number (prints the principal:// form for direct resource access)'
            cand -n 'Namespace of the ServiceAccount (and of the workload)'
            cand --namespace 'Namespace of the ServiceAccount (and of the workload)'
            cand --service-account 'Name of the Kubernetes ServiceAccount'
            cand --gsa 'The Google service account (email, or account id in --project-id)'
            cand --format 'Forms to write (comma-separated or repeated)'
            cand --out 'Write one file per resource into this directory (created if needed) instead of stdout'
            cand --force 'With --out: overwrite existing files'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kubectl-wid;generate;help'= {
            cand azure 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
            cand eks-pod-identity 'EKS Pod Identity: ServiceAccount, trust policy, association'
            cand irsa 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider'
            cand gke 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;generate;help;azure'= {
        }
        &'kubectl-wid;generate;help;eks-pod-identity'= {
        }
        &'kubectl-wid;generate;help;irsa'= {
        }
        &'kubectl-wid;generate;help;gke'= {
        }
        &'kubectl-wid;generate;help;help'= {
        }
        &'kubectl-wid;completion'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;config'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand schema 'Print the JSON Schema of .kubectl-wid.yaml'
            cand rule-schema 'Print the JSON Schema of a custom rule file'
            cand check 'Validate a config file (default: the one lint would use) and print where it is'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;config;schema'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;config;rule-schema'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;config;check'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kubectl-wid;config;help'= {
            cand schema 'Print the JSON Schema of .kubectl-wid.yaml'
            cand rule-schema 'Print the JSON Schema of a custom rule file'
            cand check 'Validate a config file (default: the one lint would use) and print where it is'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;config;help;schema'= {
        }
        &'kubectl-wid;config;help;rule-schema'= {
        }
        &'kubectl-wid;config;help;check'= {
        }
        &'kubectl-wid;config;help;help'= {
        }
        &'kubectl-wid;help'= {
            cand lint 'Lint manifests (files, directories, `-` for stdin)'
            cand rules 'List every rule in the catalog'
            cand explain 'Explain one rule: what it checks, why it breaks, an example, the fix and its source'
            cand generate 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run''s findings say is missing)'
            cand completion 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff) of kubectl-wid or one subcommand'
            cand config 'The config file: print its JSON Schema (or a custom rule''s), or check a file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-wid;help;lint'= {
        }
        &'kubectl-wid;help;rules'= {
        }
        &'kubectl-wid;help;explain'= {
        }
        &'kubectl-wid;help;generate'= {
            cand azure 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch'
            cand eks-pod-identity 'EKS Pod Identity: ServiceAccount, trust policy, association'
            cand irsa 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider'
            cand gke 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant'
        }
        &'kubectl-wid;help;generate;azure'= {
        }
        &'kubectl-wid;help;generate;eks-pod-identity'= {
        }
        &'kubectl-wid;help;generate;irsa'= {
        }
        &'kubectl-wid;help;generate;gke'= {
        }
        &'kubectl-wid;help;completion'= {
        }
        &'kubectl-wid;help;man'= {
        }
        &'kubectl-wid;help;config'= {
            cand schema 'Print the JSON Schema of .kubectl-wid.yaml'
            cand rule-schema 'Print the JSON Schema of a custom rule file'
            cand check 'Validate a config file (default: the one lint would use) and print where it is'
        }
        &'kubectl-wid;help;config;schema'= {
        }
        &'kubectl-wid;help;config;rule-schema'= {
        }
        &'kubectl-wid;help;config;check'= {
        }
        &'kubectl-wid;help;help'= {
        }
    ]
    $completions[$command]
}
