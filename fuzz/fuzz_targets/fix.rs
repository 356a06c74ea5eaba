//! Fix application through the public plan API (`--fix --unsafe-fixes`): the fixed text loads
//! with no more syntax problems, every span stays inside it, and fixing the result again
//! changes nothing.
#![no_main]

use kubectl_wid::engine::{Options, lint_texts};
use kubectl_wid::fix::{Level, plan};
use kubectl_wid::input::load::load_text;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = Options::default();
    let (inputs, outcome) = lint_texts(&[("fuzz.yaml", text)], &options);
    common::check_findings(&inputs, &outcome.findings);
    let first = plan(&inputs, &options, Level::Unsafe);
    let Some(fixed) = first.files.first() else {
        return;
    };
    assert_eq!(fixed.original, text);
    let reloaded = load_text("fuzz.yaml", &fixed.fixed).expect("the fixed text still loads");
    common::check_loaded(&reloaded);
    let (inputs2, _) = lint_texts(&[("fuzz.yaml", &fixed.fixed)], &options);
    let second = plan(&inputs2, &options, Level::Unsafe);
    assert!(
        second.files.is_empty(),
        "a second fix changed the text again:\n--- first result\n{}\n--- second result\n{}",
        fixed.fixed,
        second.files[0].fixed
    );
});
