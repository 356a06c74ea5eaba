//! Terraform's JSON syntax (`.tf.json`) and the rules over it: no panic, spans inside the text
//! (string templates are mapped through JSON's escapes).
#![no_main]

use kubectl_wid::engine::{Options, lint_texts};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (inputs, outcome) = lint_texts(&[("main.tf.json", text)], &Options::default());
    for f in &inputs.files {
        common::check_loaded(f);
    }
    common::check_findings(&inputs, &outcome.findings);
    assert!(
        outcome.findings.iter().all(|f| f.fix.is_none()),
        "a fix offered in a .tf.json file"
    );
});
