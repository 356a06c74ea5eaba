//! The YAML/JSON loader: any text loads without a panic and every span stays inside the text.
//! The raw bytes also go through the byte-level reader (stdin): binary and invalid UTF-8 are
//! skipped, UTF-16 with a byte order mark is decoded and encodes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    use kubectl_wid::input::Encoding;
    use kubectl_wid::input::load::{InputPath, load};
    let inputs = load(&[InputPath::Stdin], Some(data.to_vec()));
    for f in &inputs.files {
        common::check_loaded(f);
        if f.source.encoding != Encoding::Utf8 {
            assert_eq!(&*f.source.encoding.encode(&f.source.text), data);
        }
    }
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
