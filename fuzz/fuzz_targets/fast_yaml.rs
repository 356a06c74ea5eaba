//! The fast YAML path against the general parser: whenever the fast path answers, its
//! documents, spans, scalar text, styles, types, problems and counts equal the general
//! parser's, byte for byte (src/input/fast_yaml.rs).
#![no_main]

use kubectl_wid::input::SourceFile;
use kubectl_wid::input::fast_yaml;
use kubectl_wid::input::yaml::parse_general;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.yaml", text.to_string());
    if let Some(fast) = fast_yaml::parse(source.body(), source.bom_len) {
        assert_eq!(fast, parse_general(&source), "fast path differs on {text:?}");
    }
});
