
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-wid' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-wid'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-wid' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Lint manifests (files, directories, `-` for stdin)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule in the catalog')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain one rule: what it checks, why it breaks, an example, the fix and its source')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run''s findings say is missing)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of kubectl-wid or one subcommand')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The config file: print its JSON Schema (or a custom rule''s), or check a file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;lint' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output FORMAT, or FORMAT=FILE to write it to a file; repeatable (default: human)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with 1 when a finding has at least this severity [default: error, or the config''s fail-on]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace for objects that do not set metadata.namespace [default: default, or the config''s namespace]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace for objects that do not set metadata.namespace [default: default, or the config''s namespace]')
            [CompletionResult]::new('--select', '--select', [CompletionResultType]::ParameterName, 'Run only these rules (id, name, provider or id prefix; repeatable, comma-separated)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Do not run these rules (id, name, provider or id prefix; repeatable, comma-separated)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file (or stdin) to read, e.g. 512M or 2G: a bigger one is an input error (exit 2) and the rest is linted. Linting takes about ten times a file''s size in memory')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Most input to read in all, e.g. 2G, or `none`; `auto` is 1/12 of the memory available (the cgroup''s limit or MemAvailable). Past it, the inputs that fit, in order, are linted and the rest is an input error (exit 2) instead of a run killed for lack of memory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour in human output')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'OIDC issuer URL of the target cluster (`az aks show --query oidcIssuerProfile.issuerUrl -o tsv`); federated identity credential issuers must equal one exactly. Repeatable')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Token audience the cluster''s Workload ID webhook projects, when changed from the default `api://AzureADTokenExchange` (webhook `--audience`); credentials must use it. Repeatable')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file [default: KUBECONFIG (several files merged), else ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use [default: current-context]')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (`30s`, `2m`; `0` waits forever)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Objects per list request (`limit`), as kubectl''s --chunk-size')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read this config file instead of looking for .kubectl-wid.yaml from the working directory up to the repository root')
            [CompletionResult]::new('--rules-dir', '--rules-dir', [CompletionResultType]::ParameterName, 'Load custom rules (YAML) from this directory; repeatable, added to the config''s rules-dirs')
            [CompletionResult]::new('--index-root', '--index-root', [CompletionResultType]::ParameterName, 'Load every manifest below DIR into the index (cross-file rules see the whole repository) but report findings only for the PATHS given; for pre-commit, which passes changed files')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Lint live objects of the current kubeconfig context; with PATHS, lint the files against the live state (objects only in the cluster satisfy references; files replace their live copy)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Lint every context of the kubeconfig (concurrently); findings name the context')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List objects in all namespaces [default with --cluster: the context''s namespace, or -n]')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List objects in all namespaces [default with --cluster: the context''s namespace, or -n]')
            [CompletionResult]::new('--no-config', '--no-config', [CompletionResultType]::ParameterName, 'Do not read any config file')
            [CompletionResult]::new('--disallow-suppressions', '--disallow-suppressions', [CompletionResultType]::ParameterName, 'Ignore every suppression (annotations, comments, config exemptions), e.g. in security gates')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Apply safe fixes in place (atomically; `-` writes the fixed stream to stdout), then report what remains')
            [CompletionResult]::new('--unsafe-fixes', '--unsafe-fixes', [CompletionResultType]::ParameterName, 'With --fix or --diff: also apply unsafe fixes (they can drop a comment or change meaning; review them)')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print the fixes as a unified diff and change nothing; exit 1 if anything would change')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-wid;rules' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (markdown is the README''s rule table)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (markdown is the README''s rule table)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;explain' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;generate' {
            [CompletionResult]::new('--from-findings', '--from-findings', [CompletionResultType]::ParameterName, 'Lint these files/directories and write what the findings say is missing')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'With --from-findings: client id for ServiceAccounts that have none to copy')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'With --from-findings: tenant id for new ServiceAccounts')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'With --from-findings: the cluster''s OIDC issuer URL, for federated credentials')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'With --from-findings: the managed identity of the federated credentials')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'With --from-findings: the identity''s resource group')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'With --from-findings: namespace of objects without metadata.namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'With --from-findings: namespace of objects without metadata.namespace')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'With --from-findings: forms of the federated credentials (default az)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'With --from-findings: largest file (or stdin) to read, as for `lint`')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'With --from-findings: most input to read in all, as for `lint` (auto: 1/12 of the memory available)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per resource into this directory (created if needed) instead of stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out: overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('azure', 'azure', [CompletionResultType]::ParameterValue, 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch')
            [CompletionResult]::new('eks-pod-identity', 'eks-pod-identity', [CompletionResultType]::ParameterValue, 'EKS Pod Identity: ServiceAccount, trust policy, association')
            [CompletionResult]::new('irsa', 'irsa', [CompletionResultType]::ParameterValue, 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider')
            [CompletionResult]::new('gke', 'gke', [CompletionResultType]::ParameterValue, 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;generate;azure' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Name of the Kubernetes ServiceAccount')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'The managed identity''s clientId (a GUID)')
            [CompletionResult]::new('--tenant-id', '--tenant-id', [CompletionResultType]::ParameterName, 'Tenant of the identity, when it is not the cluster''s (a GUID)')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'The cluster''s OIDC issuer, exactly as `az aks show --query oidcIssuerProfile.issuerUrl` prints it')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The user-assigned managed identity''s name')
            [CompletionResult]::new('--resource-group', '--resource-group', [CompletionResultType]::ParameterName, 'Resource group of the managed identity')
            [CompletionResult]::new('--fic-name', '--fic-name', [CompletionResultType]::ParameterName, 'Name of the federated credential [default: <namespace>-<service-account>]')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'KIND/NAME of the workload whose pods get the label (writes a patch)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Forms to write (comma-separated or repeated)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per resource into this directory (created if needed) instead of stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out: overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-wid;generate;eks-pod-identity' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'EKS cluster name')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Name of the Kubernetes ServiceAccount')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'ARN of the IAM role the ServiceAccount assumes')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (the eksctl format needs it)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Forms to write (comma-separated or repeated)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per resource into this directory (created if needed) instead of stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out: overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-wid;generate;irsa' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Name of the Kubernetes ServiceAccount')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'ARN of the IAM role the ServiceAccount assumes')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'The cluster''s OIDC issuer (`aws eks describe-cluster --query cluster.identity.oidc.issuer`)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Token audience (`eks.amazonaws.com/audience`; the OIDC provider''s client id)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Forms to write (comma-separated or repeated)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per resource into this directory (created if needed) instead of stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out: overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-wid;generate;gke' {
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'The cluster''s project ID (its workload pool is <project-id>.svc.id.goog)')
            [CompletionResult]::new('--project-number', '--project-number', [CompletionResultType]::ParameterName, 'The project''s number (prints the principal:// form for direct resource access)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the ServiceAccount (and of the workload)')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Name of the Kubernetes ServiceAccount')
            [CompletionResult]::new('--gsa', '--gsa', [CompletionResultType]::ParameterName, 'The Google service account (email, or account id in --project-id)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Forms to write (comma-separated or repeated)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write one file per resource into this directory (created if needed) instead of stdout')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --out: overwrite existing files')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kubectl-wid;generate;help' {
            [CompletionResult]::new('azure', 'azure', [CompletionResultType]::ParameterValue, 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch')
            [CompletionResult]::new('eks-pod-identity', 'eks-pod-identity', [CompletionResultType]::ParameterValue, 'EKS Pod Identity: ServiceAccount, trust policy, association')
            [CompletionResult]::new('irsa', 'irsa', [CompletionResultType]::ParameterValue, 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider')
            [CompletionResult]::new('gke', 'gke', [CompletionResultType]::ParameterValue, 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;generate;help;azure' {
            break
        }
        'kubectl-wid;generate;help;eks-pod-identity' {
            break
        }
        'kubectl-wid;generate;help;irsa' {
            break
        }
        'kubectl-wid;generate;help;gke' {
            break
        }
        'kubectl-wid;generate;help;help' {
            break
        }
        'kubectl-wid;completion' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;config' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of .kubectl-wid.yaml')
            [CompletionResult]::new('rule-schema', 'rule-schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a custom rule file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config file (default: the one lint would use) and print where it is')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;config;schema' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;config;rule-schema' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;config;check' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kubectl-wid;config;help' {
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of .kubectl-wid.yaml')
            [CompletionResult]::new('rule-schema', 'rule-schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a custom rule file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config file (default: the one lint would use) and print where it is')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;config;help;schema' {
            break
        }
        'kubectl-wid;config;help;rule-schema' {
            break
        }
        'kubectl-wid;config;help;check' {
            break
        }
        'kubectl-wid;config;help;help' {
            break
        }
        'kubectl-wid;help' {
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Lint manifests (files, directories, `-` for stdin)')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List every rule in the catalog')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain one rule: what it checks, why it breaks, an example, the fix and its source')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the missing resources: ServiceAccounts, federated credentials, trust policies, associations, IAM bindings (or what a lint run''s findings say is missing)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of kubectl-wid or one subcommand')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The config file: print its JSON Schema (or a custom rule''s), or check a file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-wid;help;lint' {
            break
        }
        'kubectl-wid;help;rules' {
            break
        }
        'kubectl-wid;help;explain' {
            break
        }
        'kubectl-wid;help;generate' {
            [CompletionResult]::new('azure', 'azure', [CompletionResultType]::ParameterValue, 'Azure Workload ID: ServiceAccount, federated identity credential, pod-label patch')
            [CompletionResult]::new('eks-pod-identity', 'eks-pod-identity', [CompletionResultType]::ParameterValue, 'EKS Pod Identity: ServiceAccount, trust policy, association')
            [CompletionResult]::new('irsa', 'irsa', [CompletionResultType]::ParameterValue, 'IRSA: annotated ServiceAccount and the trust policy for the cluster''s OIDC provider')
            [CompletionResult]::new('gke', 'gke', [CompletionResultType]::ParameterValue, 'GKE Workload Identity: KSA annotation and the workloadIdentityUser grant')
            break
        }
        'kubectl-wid;help;generate;azure' {
            break
        }
        'kubectl-wid;help;generate;eks-pod-identity' {
            break
        }
        'kubectl-wid;help;generate;irsa' {
            break
        }
        'kubectl-wid;help;generate;gke' {
            break
        }
        'kubectl-wid;help;completion' {
            break
        }
        'kubectl-wid;help;man' {
            break
        }
        'kubectl-wid;help;config' {
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of .kubectl-wid.yaml')
            [CompletionResult]::new('rule-schema', 'rule-schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a custom rule file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config file (default: the one lint would use) and print where it is')
            break
        }
        'kubectl-wid;help;config;schema' {
            break
        }
        'kubectl-wid;help;config;rule-schema' {
            break
        }
        'kubectl-wid;help;config;check' {
            break
        }
        'kubectl-wid;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
