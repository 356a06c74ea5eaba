//! `--diff`: unified diffs of the planned fixes, one per changed file.

use similar::TextDiff;

use super::FixedFile;

/// A unified diff (`--- a/path`, `+++ b/path`, 3 lines of context) of one fixed file.
pub fn unified(file: &FixedFile) -> String {
    TextDiff::from_lines(&file.original, &file.fixed)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_only_the_changed_lines_with_context() {
        let f = FixedFile {
            path: "x.yaml".into(),
            original: "a: 1\nb: 2\n".into(),
            fixed: "a: 1\nb: \"2\"\n".into(),
            encoding: crate::input::Encoding::Utf8,
        };
        let d = unified(&f);
        assert!(d.starts_with("--- a/x.yaml\n+++ b/x.yaml\n@@"), "{d}");
        assert!(d.contains("-b: 2\n+b: \"2\"\n"), "{d}");
    }
}
