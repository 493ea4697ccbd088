//! Code shown on a page, cut from the repository's own files at compile time: `region!` (a cut of
//! a Rust file) and `shown_file!` (a whole file: the pages' Python programs).
//!
//! Natively the text is a constant. In the wasm it is not in the module's memory at all: each
//! text goes into a custom section, `cp_sources` (a `#[link_section]` static; not `#[used]`,
//! which would also keep it in the memory's data, as wasm-bindgen's own sections do), which the release
//! build moves into the demos' module (`xtask/split-wasm`), so a first visit does not download
//! the code the demos show; the engine reads the sections when the demos' code is loaded and
//! hands them here (`keep_shown`), and `Shown::text` looks a text up by its key.

/// One text a page shows: natively the text itself, in the wasm its key in `cp_sources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    pub key: &'static str,
    #[cfg(not(target_arch = "wasm32"))]
    pub text: &'static str,
}

impl Shown {
    #[cfg(not(target_arch = "wasm32"))]
    pub const fn text(&self) -> &'static str {
        self.text
    }

    /// The text, once the engine has read the sections (before that, and for a key it lacks, a
    /// line that says so: a page shows its code only after the demos' code has loaded).
    #[cfg(target_arch = "wasm32")]
    pub fn text(&self) -> &'static str {
        SHOWN
            .get()
            .and_then(|all| all.iter().find(|(k, _)| *k == self.key))
            .map_or("(this code could not be loaded)", |(_, t)| t)
    }
}

/// Every text of `cp_sources`, as (key, text), read once.
#[cfg(target_arch = "wasm32")]
static SHOWN: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();

/// The contents of the `cp_sources` sections (records `key NUL text NUL`), kept for good.
pub fn keep_shown(bytes: Vec<u8>) {
    #[cfg(target_arch = "wasm32")]
    SHOWN.get_or_init(|| parse_shown(Box::leak(bytes.into_boxed_slice())));
    #[cfg(not(target_arch = "wasm32"))]
    drop(bytes); // natively each text is a constant
}

/// The records of `cp_sources`: `key NUL text NUL`, one after the other.
pub fn parse_shown(bytes: &'static [u8]) -> Vec<(&'static str, &'static str)> {
    let mut parts = bytes
        .split(|b| *b == 0)
        .map(|p| std::str::from_utf8(p).unwrap_or(""));
    let mut out = Vec::new();
    while let (Some(key), Some(text)) = (parts.next(), parts.next()) {
        out.push((key, text));
    }
    out
}

/// `key NUL text[start..start+len] NUL` as one array, a record of `cp_sources`.
pub const fn record<const N: usize>(key: &str, text: &str, start: usize) -> [u8; N] {
    let mut out = [0u8; N];
    put(&mut out, 0, key.as_bytes(), 0, key.len());
    put(
        &mut out,
        key.len() + 1,
        text.as_bytes(),
        start,
        N - key.len() - 2,
    );
    out
}

/// Copies `len` bytes of `from`, from `start`, into `out` at `at`: a loop, as a const fn cannot
/// call `copy_from_slice`.
const fn put<const N: usize>(out: &mut [u8; N], at: usize, from: &[u8], start: usize, len: usize) {
    let mut i = 0;
    while i < len {
        out[at + i] = from[start + i];
        i += 1;
    }
}

/// The lines of a file between `// region:NAME` and `// endregion:NAME`, cut at compile time:
/// what a demo page shows as "the Rust that ran" is the real code of the module's own file. Only
/// the cut is in the binary (a copy into an array of its own), not the whole file: the pages'
/// files whole were 230 KB of the wasm. A missing marker fails the build.
#[cfg(not(target_arch = "wasm32"))]
#[macro_export]
macro_rules! region {
    ($file:literal, $name:literal) => {{
        const SOURCE: &str = include_str!($file);
        const RANGE: (usize, usize) = $crate::core::region::region_range(SOURCE, $name);
        const BYTES: [u8; RANGE.1 - RANGE.0] =
            $crate::core::region::copy_bytes::<{ RANGE.1 - RANGE.0 }>(SOURCE, RANGE.0);
        const TEXT: &str = match core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("a region must cut the file at line ends"),
        };
        TEXT
    }};
}

/// In the wasm: the cut goes to the custom section `cp_sources` (see the module's comment).
#[cfg(target_arch = "wasm32")]
#[macro_export]
macro_rules! region {
    ($file:literal, $name:literal) => {{
        // Read only by the linker (the record goes to the custom section): no code uses them.
        #[allow(dead_code)]
        const SOURCE: &str = include_str!($file);
        #[allow(dead_code)]
        const RANGE: (usize, usize) = $crate::core::region::region_range(SOURCE, $name);
        const KEY: &str = concat!(file!(), ":", $file, "#", $name);
        #[allow(dead_code)]
        #[unsafe(link_section = "cp_sources")]
        static RECORD: [u8; KEY.len() + RANGE.1 - RANGE.0 + 2] = $crate::core::region::record::<
            { KEY.len() + RANGE.1 - RANGE.0 + 2 },
        >(KEY, SOURCE, RANGE.0);
        $crate::core::region::Shown { key: KEY }.text()
    }};
}

/// A whole file a page shows (a demo's Python program), as a `Shown`.
#[cfg(not(target_arch = "wasm32"))]
#[macro_export]
macro_rules! shown_file {
    ($file:literal) => {
        $crate::core::region::Shown {
            key: $file,
            text: include_str!($file),
        }
    };
}

/// In the wasm: the file goes to the custom section `cp_sources` (see the module's comment).
#[cfg(target_arch = "wasm32")]
#[macro_export]
macro_rules! shown_file {
    ($file:literal) => {{
        #[allow(dead_code)]
        const TEXT: &str = include_str!($file);
        const KEY: &str = concat!(file!(), ":", $file);
        #[allow(dead_code)]
        #[unsafe(link_section = "cp_sources")]
        static RECORD: [u8; KEY.len() + TEXT.len() + 2] =
            $crate::core::region::record::<{ KEY.len() + TEXT.len() + 2 }>(KEY, TEXT, 0);
        $crate::core::region::Shown { key: KEY }
    }};
}

/// Whether `hay[at..]` starts with `a`, then `b`, then `c`.
const fn starts_with3(hay: &[u8], at: usize, a: &[u8], b: &[u8], c: &[u8]) -> bool {
    if at + a.len() + b.len() + c.len() > hay.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() + b.len() + c.len() {
        let want = if i < a.len() {
            a[i]
        } else if i < a.len() + b.len() {
            b[i - a.len()]
        } else {
            c[i - a.len() - b.len()]
        };
        if hay[at + i] != want {
            return false;
        }
        i += 1;
    }
    true
}

/// Where the first `a b c` starts in `hay`, from `from`.
const fn find3(hay: &[u8], from: usize, a: &[u8], b: &[u8], c: &[u8]) -> Option<usize> {
    let mut at = from;
    while at < hay.len() {
        if starts_with3(hay, at, a, b, c) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The byte range of region `name` in `source`, trailing white space left out (see `region!`).
pub const fn region_range(source: &str, name: &str) -> (usize, usize) {
    let (hay, name) = (source.as_bytes(), name.as_bytes());
    let start = match find3(hay, 0, b"// region:", name, b"\n") {
        Some(at) => at + b"// region:".len() + name.len() + 1,
        None => panic!("a region's start marker is missing"),
    };
    let mut end = match find3(hay, start, b"// endregion:", name, b"\n") {
        Some(at) => at,
        None => panic!("a region's end marker is missing"),
    };
    while end > start && hay[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// `N` bytes of `source` from `start`, as an array of their own.
pub const fn copy_bytes<const N: usize>(source: &str, start: usize) -> [u8; N] {
    let mut out = [0u8; N];
    put(&mut out, 0, source.as_bytes(), start, N);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_the_text_between_its_markers_without_trailing_space() {
        let source =
            "a\n// region:x\n// region:xy\nfn f() {}\n  \n// endregion:xy\nb\n// endregion:x\n";
        let (start, end) = region_range(source, "xy");
        assert_eq!(&source[start..end], "fn f() {}");
        let (start, end) = region_range(source, "x");
        assert!(
            source[start..end].ends_with("// endregion:xy\nb"),
            "a name is matched whole, up to its line end"
        );
        assert_eq!(copy_bytes::<3>("abcdef", 2), *b"cde");
    }

    #[test]
    fn records_of_the_shown_texts_read_back() {
        let a: [u8; 7] = record("k", "xabcdy", 1);
        assert_eq!(&a, b"k\0abcd\0");
        let b: [u8; 6] = record("key2", "", 0);
        let all: Vec<u8> = [&a[..], &b[..]].concat();
        assert_eq!(
            parse_shown(Box::leak(all.into_boxed_slice())),
            vec![("k", "abcd"), ("key2", "")]
        );
        let shown = crate::shown_file!("region.rs");
        assert!(
            shown
                .text()
                .contains("fn records_of_the_shown_texts_read_back")
        );
    }
}
