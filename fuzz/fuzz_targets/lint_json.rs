//! The cloud-side readers recognised by content (IAM policy documents, `az` JSON, Config
//! Connector, ...) and every rule over them: the fuzzed text is linted as a `.json` file next
//! to a fixed manifest the readers cross-reference. No panic, findings point inside their file.
#![no_main]

use kubectl_wid::engine::{Options, lint_texts};
use libfuzzer_sys::fuzz_target;

mod common;

const MANIFEST: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n  annotations:\n    azure.workload.identity/client-id: 00000000-1111-4222-8333-444444444444\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app\n    iam.gke.io/gcp-service-account: app@proj.iam.gserviceaccount.com\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (inputs, outcome) = lint_texts(
        &[("input.json", text), ("sa.yaml", MANIFEST)],
        &Options::default(),
    );
    for f in &inputs.files {
        common::check_loaded(f);
    }
    common::check_findings(&inputs, &outcome.findings);
});
