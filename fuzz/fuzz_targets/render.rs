//! Live mode's reader: any JSON object the API server may send is rendered as YAML and loaded
//! like a file. The rendered text must load as one document without a problem (a problem would
//! be a syntax finding about text the user never wrote). `tests/render_props.rs` also checks
//! that it means the same values.
#![no_main]

use kubectl_wid::input::cluster::render::render;
use kubectl_wid::input::load::load_text;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(object) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if !object.is_object() {
        return;
    }
    let text = render("v1", "ConfigMap", &object);
    let file = load_text("cluster://ctx/ns/ConfigMap/x", &text).expect("rendered text loads");
    common::check_loaded(&file);
    assert!(
        file.parsed.problems.is_empty(),
        "{:?} in\n{text}",
        file.parsed.problems
    );
    assert_eq!(file.parsed.documents.len(), 1, "{text}");
});
