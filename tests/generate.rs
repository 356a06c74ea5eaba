//! `generate`: every target with every format has a snapshot (`tests/snapshots/generate__*`),
//! and everything it writes lints clean when linted together (each file under its own name, so
//! the readers of `.json`, `.tf` and YAML all see it). `--out` never overwrites without --force.

use std::fs;

use assert_cmd::Command;
use kubectl_wid::engine::{self, Options};
use kubectl_wid::generate::{Bundle, aws, azure, gke};

fn rendered(b: &Bundle) -> String {
    b.outputs
        .iter()
        .map(|o| format!("==> {} ({}) <==\n{}", o.file, o.what, o.content))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lints the outputs together, plus `extra` (a workload using them), and returns the findings.
fn lint(b: &Bundle, extra: &[(&str, &str)]) -> Vec<String> {
    // What a directory walk picks up (YAML, JSON, Terraform); scripts are not linted.
    let mut texts: Vec<(String, String)> = b
        .outputs
        .iter()
        .filter(|o| {
            [".yaml", ".json", ".tf"]
                .iter()
                .any(|e| o.file.ends_with(e))
        })
        .map(|o| (format!("gen/{}", o.file), o.content.clone()))
        .collect();
    texts.extend(extra.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (_, out) = engine::lint_texts(&refs, &Options::default());
    out.findings
        .iter()
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect()
}

const ISSUER: &str = "https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/11111111-1111-1111-1111-111111111111/";

const WORKLOAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels:\n        app: web\n        azure.workload.identity/use: \"true\"\n    spec:\n      serviceAccountName: web\n      containers:\n      - name: web\n        image: r.example/web:1\n";

fn azure_params() -> azure::Params {
    azure::Params {
        namespace: "shop".into(),
        service_account: "web".into(),
        client_id: "6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b".into(),
        tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".into()),
        issuer: ISSUER.into(),
        identity: "web-id".into(),
        resource_group: "shop-rg".into(),
        fic_name: None,
        workload: Some("deployment/web".into()),
        formats: vec![
            azure::Format::Yaml,
            azure::Format::Aso,
            azure::Format::Az,
            azure::Format::Arm,
            azure::Format::Terraform,
        ],
    }
}

#[test]
fn azure_every_format() {
    let b = azure::generate(&azure_params()).unwrap();
    assert!(b.notes.is_empty(), "{:?}", b.notes);
    insta::assert_snapshot!("azure_all_formats", rendered(&b));
    let findings = lint(&b, &[("app/web.yaml", WORKLOAD)]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn azure_rejects_what_would_break_and_warns_on_a_missing_slash() {
    let mut p = azure_params();
    p.client_id = "/subscriptions/x/resourceGroups/y".into();
    assert!(azure::generate(&p).is_err());
    let mut p = azure_params();
    p.fic_name = Some("a b".into());
    assert!(azure::generate(&p).is_err());
    let mut p = azure_params();
    p.issuer = ISSUER.trim_end_matches('/').into();
    let b = azure::generate(&p).unwrap();
    assert!(b.notes[0].contains("trailing `/`"), "{:?}", b.notes);
}

fn pod_identity_params() -> aws::PodIdentityParams {
    aws::PodIdentityParams {
        cluster: "prod".into(),
        namespace: "shop".into(),
        service_account: "web".into(),
        role_arn: "arn:aws:iam::111122223333:role/web-role".into(),
        region: Some("us-west-2".into()),
        formats: vec![
            aws::PodIdentityFormat::Yaml,
            aws::PodIdentityFormat::TrustPolicy,
            aws::PodIdentityFormat::AwsCli,
            aws::PodIdentityFormat::Eksctl,
            aws::PodIdentityFormat::Ack,
            aws::PodIdentityFormat::Terraform,
        ],
    }
}

#[test]
fn eks_pod_identity_every_format() {
    let b = aws::pod_identity(&pod_identity_params()).unwrap();
    insta::assert_snapshot!("eks_pod_identity_all_formats", rendered(&b));
    assert!(b.notes[0].contains("choose one"), "{:?}", b.notes);
    // Each form creates the association: a real setup has one of them (two are PI006).
    for form in [
        aws::PodIdentityFormat::AwsCli,
        aws::PodIdentityFormat::Eksctl,
        aws::PodIdentityFormat::Ack,
        aws::PodIdentityFormat::Terraform,
    ] {
        let mut p = pod_identity_params();
        p.formats = vec![
            aws::PodIdentityFormat::Yaml,
            aws::PodIdentityFormat::TrustPolicy,
            form,
        ];
        let findings = lint(&aws::pod_identity(&p).unwrap(), &[]);
        assert!(findings.is_empty(), "{form:?}: {findings:#?}");
    }
    let mut p = pod_identity_params();
    p.region = None;
    assert!(aws::pod_identity(&p).is_err(), "eksctl needs a region");
    p.role_arn = "arn:aws:iam::1111:role/x".into();
    assert!(aws::pod_identity(&p).is_err());
}

#[test]
fn irsa_every_format() {
    let b = aws::irsa(&aws::IrsaParams {
        namespace: "shop".into(),
        service_account: "web".into(),
        role_arn: "arn:aws:iam::111122223333:role/web-role".into(),
        issuer: "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
            .into(),
        audience: aws::IRSA_AUDIENCE.into(),
        formats: vec![
            aws::IrsaFormat::Yaml,
            aws::IrsaFormat::TrustPolicy,
            aws::IrsaFormat::AwsCli,
            aws::IrsaFormat::Terraform,
        ],
    })
    .unwrap();
    insta::assert_snapshot!("irsa_all_formats", rendered(&b));
    let findings = lint(&b, &[]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn gke_every_format() {
    let b = gke::generate(&gke::Params {
        project_id: "my-proj-123".into(),
        project_number: Some("123456789012".into()),
        namespace: "shop".into(),
        service_account: "web".into(),
        gsa: "web-gsa".into(),
        formats: vec![
            gke::Format::Yaml,
            gke::Format::Gcloud,
            gke::Format::Kcc,
            gke::Format::Terraform,
        ],
    })
    .unwrap();
    insta::assert_snapshot!("gke_all_formats", rendered(&b));
    assert!(b.notes[0].starts_with("to grant roles to the KSA directly"));
    let findings = lint(&b, &[]);
    assert!(findings.is_empty(), "{findings:#?}");
}

fn wid() -> Command {
    Command::cargo_bin("kubectl-wid").unwrap()
}

#[test]
fn out_dir_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deploy");
    let args = [
        "generate",
        "gke",
        "--project-id",
        "my-proj-123",
        "-n",
        "shop",
        "--service-account",
        "web",
        "--gsa",
        "web-gsa",
        "--out",
        out.to_str().unwrap(),
    ];
    wid().args(args).assert().code(0).stdout("");
    let sa = out.join("serviceaccount-web.yaml");
    assert!(
        fs::read_to_string(&sa)
            .unwrap()
            .contains("iam.gke.io/gcp-service-account")
    );
    fs::write(&sa, "mine\n").unwrap();
    wid().args(args).assert().code(2);
    assert_eq!(fs::read_to_string(&sa).unwrap(), "mine\n");
    wid().args(args).arg("--force").assert().code(0);
    assert_ne!(fs::read_to_string(&sa).unwrap(), "mine\n");
    // Output on stdout lints clean through the CLI too.
    let out = wid()
        .args([
            "generate",
            "azure",
            "-n",
            "shop",
            "--service-account",
            "web",
        ])
        .args([
            "--client-id",
            "6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
            "--issuer",
            ISSUER,
        ])
        .args([
            "--identity",
            "web-id",
            "--resource-group",
            "rg",
            "--format",
            "yaml",
        ])
        .assert()
        .code(0);
    let yaml = out.get_output().stdout.clone();
    wid().args(["lint", "-"]).write_stdin(yaml).assert().code(0);
    wid().args(["generate"]).assert().code(2);
}

#[test]
fn from_findings_writes_the_missing_service_account() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("app.yaml");
    // The ServiceAccount is defined only in namespace `identity`; the workload runs in `shop`.
    fs::write(
        &m,
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: identity\n  annotations:\n    azure.workload.identity/client-id: \"6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\"\n---\n{WORKLOAD}"
        ),
    )
    .unwrap();
    let out = dir.path().join("gen");
    wid()
        .args(["generate", "--from-findings", m.to_str().unwrap()])
        .args([
            "--issuer",
            ISSUER,
            "--identity",
            "web-id",
            "--resource-group",
            "rg",
        ])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .code(0);
    let sa = fs::read_to_string(out.join("serviceaccount-shop-web.yaml")).unwrap();
    assert!(
        sa.contains("namespace: shop") && sa.contains("6a1c2f0e"),
        "{sa}"
    );
    assert!(out.join("fic-shop-web.sh").exists());
    // With the generated ServiceAccount the workload lints clean.
    wid()
        .args([
            "lint",
            m.to_str().unwrap(),
            out.join("serviceaccount-shop-web.yaml").to_str().unwrap(),
        ])
        .assert()
        .code(0);
}

#[test]
fn from_findings_reads_within_the_same_limits_as_lint() {
    let manifest = fs::read_to_string("tests/fixtures/AZ001/bad-no-label.yaml").unwrap();
    // Stdin over --max-file-size is read no further than the limit.
    let out = Command::cargo_bin("kubectl-wid")
        .unwrap()
        .args(["generate", "--from-findings", "-", "--max-file-size", "1K"])
        .write_stdin(manifest.repeat(4096 / manifest.len() + 1))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("-: more than the limit of 1 KiB for one file: not read"),
        "{stderr}"
    );
    // Inputs over --max-input-size are an error, not a partial generation.
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.yaml", "b.yaml"] {
        fs::write(dir.path().join(name), &manifest).unwrap();
    }
    let out = Command::cargo_bin("kubectl-wid")
        .unwrap()
        .current_dir(dir.path())
        .args(["generate", "--from-findings", ".", "--max-input-size"])
        .arg(manifest.len().to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("./b.yaml: not read (") && stderr.contains("--max-input-size"),
        "{stderr}"
    );
}
