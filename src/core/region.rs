//! Code shown on a page, cut from the repository's own files at compile time: `region!`.

/// The lines of a file between `// region:NAME` and `// endregion:NAME`, cut at compile time:
/// what a demo page shows as "the Rust that ran" is the real code of the module's own file. Only
/// the cut is in the binary (a copy into an array of its own), not the whole file: the pages'
/// files whole were 230 KB of the wasm. A missing marker fails the build.
#[macro_export]
macro_rules! region {
    ($file:literal, $name:literal) => {{
        const SOURCE: &str = include_str!($file);
        const RANGE: (usize, usize) = $crate::core::region::region_range(SOURCE, $name);
        const BYTES: [u8; RANGE.1 - RANGE.0] = $crate::core::region::copy_bytes::<{ RANGE.1 - RANGE.0 }>(SOURCE, RANGE.0);
        const TEXT: &str = match core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("a region must cut the file at line ends"),
        };
        TEXT
    }};
}

/// Whether `hay[at..]` starts with `a`, then `b`, then `c`.
const fn starts_with3(hay: &[u8], at: usize, a: &[u8], b: &[u8], c: &[u8]) -> bool {
    if at + a.len() + b.len() + c.len() > hay.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() + b.len() + c.len() {
        let want = if i < a.len() { a[i] } else if i < a.len() + b.len() { b[i - a.len()] } else { c[i - a.len() - b.len()] };
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
    let mut i = 0;
    while i < N {
        out[i] = source.as_bytes()[start + i];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_the_text_between_its_markers_without_trailing_space() {
        let source = "a\n// region:x\n// region:xy\nfn f() {}\n  \n// endregion:xy\nb\n// endregion:x\n";
        let (start, end) = region_range(source, "xy");
        assert_eq!(&source[start..end], "fn f() {}");
        let (start, end) = region_range(source, "x");
        assert!(source[start..end].ends_with("// endregion:xy\nb"), "a name is matched whole, up to its line end");
        assert_eq!(copy_bytes::<3>("abcdef", 2), *b"cde");
    }
}
