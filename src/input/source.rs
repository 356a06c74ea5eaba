//! A loaded input file: its text and the byte → line/column mapping every diagnostic uses.

use std::ops::Range;

/// Index of a [`SourceFile`] in the run's list of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// A 1-based position. Columns count Unicode scalar values, as the JSON contract promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// How an input is encoded on disk. kubectl reads UTF-16 with a byte order mark (what Windows
/// PowerShell's `>` writes: cli-runtime decodes files with `unicode.BOMOverride`), so such a
/// file is linted as its UTF-8 text and a fix writes it back in its own encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    /// Decodes UTF-16 with a byte order mark; the mark is kept, as U+FEFF at the start of the
    /// text. `None` without a UTF-16 mark (a UTF-32 LE mark also starts `FF FE`: not UTF-16),
    /// `Some(Err)` when the bytes after it are not valid UTF-16.
    pub fn decode_utf16(bytes: &[u8]) -> Option<Result<(Encoding, String), String>> {
        let encoding = match bytes {
            [0xFF, 0xFE, 0, 0, ..] => return None,
            [0xFF, 0xFE, ..] => Encoding::Utf16Le,
            [0xFE, 0xFF, ..] => Encoding::Utf16Be,
            _ => return None,
        };
        if !bytes.len().is_multiple_of(2) {
            return Some(Err(
                "not valid UTF-16 (it has a UTF-16 byte order mark but an odd length)".into(),
            ));
        }
        let units = bytes.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            match encoding {
                Encoding::Utf16Be => u16::from_be_bytes(pair),
                _ => u16::from_le_bytes(pair),
            }
        });
        let mut text = String::with_capacity(bytes.len());
        for (i, c) in char::decode_utf16(units).enumerate() {
            match c {
                Ok(c) => text.push(c),
                Err(_) => {
                    return Some(Err(format!(
                        "not valid UTF-16 (an unpaired surrogate at byte offset {})",
                        2 * i
                    )));
                }
            }
        }
        Some(Ok((encoding, text)))
    }

    /// `text` as the bytes of this encoding.
    pub fn encode<'t>(self, text: &'t str) -> std::borrow::Cow<'t, [u8]> {
        let units = text.encode_utf16();
        match self {
            Encoding::Utf8 => text.as_bytes().into(),
            Encoding::Utf16Le => units.flat_map(u16::to_le_bytes).collect::<Vec<u8>>().into(),
            Encoding::Utf16Be => units.flat_map(u16::to_be_bytes).collect::<Vec<u8>>().into(),
        }
    }
}

/// The text of one input (a file or stdin) as it was read.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (plus the relative path below a given directory); `-` for stdin.
    pub path: String,
    /// The text, as UTF-8 whatever the file's [`Encoding`].
    pub text: String,
    /// Byte length of a leading UTF-8 BOM (0 or 3); parsing starts after it.
    pub bom_len: usize,
    pub encoding: Encoding,
    /// Byte offset of each line's start, built when a position is first asked for: most files
    /// of a large tree get no finding, and the index was 8 bytes per line of every input.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Characters before each `CHAR_MARK`-byte block, built when a column is first asked for
    /// far into a line (minified JSON): counting from the line start each time made a report
    /// quadratic in the line's length (20k findings on a 3 MB line: 86% of the run).
    char_marks: std::sync::OnceLock<Vec<usize>>,
}

/// Block size of `SourceFile::char_marks`: a column costs at most two blocks of counting.
const CHAR_MARK: usize = 4096;

/// Characters in UTF-8 bytes: every byte but continuation bytes starts one, so this is right
/// even where a block boundary splits a character.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Self {
        let bom_len = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Self {
            path: path.into(),
            text,
            bom_len,
            encoding: Encoding::Utf8,
            line_starts: std::sync::OnceLock::new(),
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// Characters (Unicode scalars) in `text[from..to]`, both on char boundaries.
    fn chars_between(&self, from: usize, to: usize) -> usize {
        if to - from <= 2 * CHAR_MARK {
            return self.text[from..to].chars().count();
        }
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = Vec::with_capacity(self.text.len() / CHAR_MARK + 1);
            let mut count = 0;
            marks.push(0);
            for block in self.text.as_bytes().chunks(CHAR_MARK) {
                count += chars_in(block);
                marks.push(count);
            }
            marks
        });
        let before = |at: usize| {
            let block = at / CHAR_MARK;
            let start = block * CHAR_MARK;
            marks[block] + chars_in(&self.text.as_bytes()[start..at])
        };
        before(to) - before(from)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr: `match_indices` is several times slower; counting first sizes the index
            // exactly (it is kept until the end of the run).
            let newlines = || memchr::memchr_iter(b'\n', self.text.as_bytes());
            let mut starts = Vec::with_capacity(newlines().count() + 1);
            starts.push(0);
            starts.extend(newlines().map(|i| i + 1));
            starts
        })
    }

    /// The text the YAML parser sees (without the BOM). Offsets into it are shifted by `bom_len`.
    pub fn body(&self) -> &str {
        &self.text[self.bom_len..]
    }

    /// 0-based line index containing `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line_index: usize) -> usize {
        self.line_starts()[line_index]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// Byte range of a 0-based line, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, line_index: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line_index];
        let mut end = starts
            .get(line_index + 1)
            .map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        // The BOM is not a column a user can see.
        let start = self.line_starts()[line].max(if line == 0 { self.bom_len } else { 0 });
        let column = self.chars_between(start.min(offset), offset) + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Snap an offset into the text and onto a char boundary, so a bad span can never panic.
    pub fn clamp(&self, offset: usize) -> usize {
        floor_char_boundary(&self.text, offset)
    }
}

/// The char boundary at or before `at`, within `text` (`str::floor_char_boundary`, stable
/// only after this crate's MSRV).
pub fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The char boundary at or after `at`, within `text`.
pub fn ceil_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_byte_order_mark_decodes_and_encodes_back() {
        let text = "\u{feff}a: caf\u{e9} \u{1F600}\r\n";
        for encoding in [Encoding::Utf16Le, Encoding::Utf16Be] {
            let bytes = encoding.encode(text).into_owned();
            let (found, decoded) = Encoding::decode_utf16(&bytes).unwrap().unwrap();
            assert_eq!((found, decoded.as_str()), (encoding, text));
        }
        assert!(Encoding::decode_utf16(b"a: b\n").is_none());
        // A UTF-32 LE mark also starts FF FE: not taken for UTF-16.
        assert!(Encoding::decode_utf16(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]).is_none());
        assert!(
            Encoding::decode_utf16(&[0xFF, 0xFE, b'a'])
                .unwrap()
                .is_err()
        );
        assert_eq!(Encoding::Utf8.encode("a"), b"a".as_slice());
    }

    #[test]
    fn positions_count_unicode_scalars_and_skip_bom() {
        let f = SourceFile::new("x", "\u{feff}a: é☕\r\nb: c\n".to_string());
        assert_eq!(f.position(3), Position { line: 1, column: 1 });
        // 'é' is 2 bytes, '☕' 3: the 'b' on line 2 starts after "\r\n".
        let b = f.text.find('b').unwrap();
        assert_eq!(f.position(b), Position { line: 2, column: 1 });
        let cup = f.text.find('☕').unwrap();
        assert_eq!(f.position(cup), Position { line: 1, column: 5 });
        assert_eq!(f.line_range(0), 0..f.text.find('\r').unwrap());
    }

    #[test]
    fn columns_far_into_a_long_line_count_chars() {
        // A 40 KB line of one-, two- and three-byte characters, asked at every 997th char.
        let line: String = (0..20_000).map(|i| ['a', 'é', '☕'][i % 3]).collect();
        let f = SourceFile::new("x", format!("k: v\n{line}\n"));
        let start = f.text.find('\n').unwrap() + 1;
        for (n, (at, _)) in f.text[start..].char_indices().enumerate().step_by(997) {
            assert_eq!(
                f.position(start + at),
                Position {
                    line: 2,
                    column: n + 1
                }
            );
        }
    }

    #[test]
    fn clamp_never_splits_a_char() {
        let f = SourceFile::new("x", "é".to_string());
        assert_eq!(f.clamp(1), 0);
        assert_eq!(f.clamp(99), 2);
    }
}
