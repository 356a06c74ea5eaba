//! Migration hints away from legacy and static credentials (`MIG…`): aad-pod-identity, literal
//! cloud secrets and key files in pod specs, direct IMDS token calls, registry pull secrets
//! for ACR. Severity warning unless the setting breaks. Facts: seeds
//! `001_1cdc8b2c7ef6a2fa.txt` (aad-pod-identity, kubelet identity for ACR),
//! `002_60f9d020217b17cc.txt` (IMDS token endpoint), `003_6ed1f888348f4a7d.txt` (AcrPull), and
//! research `azure-workload-identity.md` §7.

pub mod aad_pod_identity;
pub mod acr_image_pull_secret;
pub mod google_credentials_key_file;
pub mod imds_token_endpoint;
pub mod literal_cloud_secret;

use crate::input::{Entry, Node, Value};

/// A mapping entry by key, ignoring ASCII case (aad-pod-identity before v1.6 used PascalCase).
pub fn entry_ci<'a>(map: &'a Node, key: &str) -> Option<&'a Entry> {
    map.entries()
        .iter()
        .find(|e| e.key.text().is_some_and(|k| k.eq_ignore_ascii_case(key)))
}

pub fn get_ci<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    entry_ci(map, key).map(|e| &e.value)
}

/// Every scalar below `node`.
pub fn scalars<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    match &node.value {
        Value::Scalar(_) => out.push(node),
        Value::Seq(items) => items.iter().for_each(|n| scalars(n, out)),
        Value::Map(entries) => entries.iter().for_each(|e| scalars(&e.value, out)),
    }
}
