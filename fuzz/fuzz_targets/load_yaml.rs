//! The YAML/JSON loader: any text loads without a panic and every span stays inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The same text as YAML and as JSON (both go through the span-exact YAML reader).
    for name in ["fuzz.yaml", "fuzz.json"] {
        if let Some(f) = kubectl_wid::input::load::load_text(name, text) {
            assert_eq!(f.source.text, text);
            common::check_loaded(&f);
        }
    }
});
