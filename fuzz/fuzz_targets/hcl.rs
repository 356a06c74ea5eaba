//! The Terraform (HCL) reader and the rules over it: no panic, spans inside the text.
#![no_main]

use kubectl_wid::engine::{Options, lint_texts};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (inputs, outcome) = lint_texts(&[("main.tf", text)], &Options::default());
    for f in &inputs.files {
        common::check_loaded(f);
    }
    common::check_findings(&inputs, &outcome.findings);
});
