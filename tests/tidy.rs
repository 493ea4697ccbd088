#![cfg(not(target_arch = "wasm32"))] // reads the source tree: a native test only
//! Keeps the floors pointing one way (in the style of rust-analyzer's tidy tests): reads every
//! source file and fails on an import that goes up or sideways.
//!
//! core <- engine <- models <- demos/<demo>/mod.rs (rules) <- widgets <- demos/<demo>/view.rs <- app
//!
//! with two more rules: widgets know no demo (they take plain data), and a demo uses no other
//! demo (what two demos share is a model).

use std::path::{Path, PathBuf};

/// The crate's floors, lowest first. A file may use the floors below its own, never above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Floor {
    Core,
    Engine,
    Models,
    Rules,
    Widgets,
    Pages,
    App,
}

/// Which floor a file (path below `src/`) is on.
fn floor_of(path: &str) -> Option<Floor> {
    let path = path.replace('\\', "/");
    Some(match path.split('/').next()? {
        "core" => Floor::Core,
        "engine" => Floor::Engine,
        "models" => Floor::Models,
        "widgets" => Floor::Widgets,
        "app" => Floor::App,
        "demos" if path.ends_with("/view.rs") => Floor::Pages,
        "demos" => Floor::Rules,
        _ => return None, // lib.rs: the root declares the modules
    })
}

/// What a mention of `needle` in code says about the floor it needs.
const MARKERS: &[(&str, Floor)] = &[
    ("crate::engine", Floor::Engine),
    ("crate::models", Floor::Models),
    ("crate::demos", Floor::Rules),
    ("crate::widgets", Floor::Widgets),
    ("crate::app", Floor::App),
    ("crate::with_demos", Floor::App),
    // The UI and the browser: Leptos is for widgets and up; raw web types only in the engine
    // (the platform seam) and in the UI floors.
    ("leptos", Floor::Widgets),
];

const WEB: &[&str] = &["web_sys", "js_sys", "wasm_bindgen"];

/// Every rule `source` (on `floor`, at `path` below `src/`) breaks.
fn violations(path: &str, floor: Floor, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let own_demo = path.split('/').nth(1).map(|d| d.trim_end_matches(".rs").to_string());
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let at = format!("src/{path}:{}", n + 1);
        for (needle, needs) in MARKERS {
            if code.contains(needle) && *needs > floor {
                found.push(format!("{at}: {floor:?} uses `{needle}` ({needs:?} is above it): {}", line.trim()));
            }
        }
        // Widgets sit above the rules in the chain but beside them in meaning: they know no demo.
        if floor == Floor::Widgets && code.contains("crate::demos") {
            found.push(format!("{at}: a widget knows a demo: {}", line.trim()));
        }
        if WEB.iter().any(|w| code.contains(w)) && matches!(floor, Floor::Core | Floor::Models | Floor::Rules) {
            found.push(format!("{at}: {floor:?} uses web types (only the engine and the UI may): {}", line.trim()));
        }
        // A demo uses no other demo: what two demos share is a model.
        if matches!(floor, Floor::Rules | Floor::Pages) {
            for other in code.match_indices("crate::demos::").map(|(i, m)| &code[i + m.len()..]) {
                let name: String = other.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && Some(&name) != own_demo.as_ref() {
                    found.push(format!("{at}: a demo uses another demo (`{name}`): {}", line.trim()));
                }
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn floors_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut all = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let Some(floor) = floor_of(&rel) else { continue };
        all.extend(violations(&rel, floor, &std::fs::read_to_string(file).unwrap()));
        checked += 1;
    }
    assert!(checked > 60, "only {checked} files were checked: is src/ where it should be?");
    assert!(all.is_empty(), "imports that point the wrong way:\n{}", all.join("\n"));
}

#[test]
fn every_floor_is_a_folder_and_present() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for folder in ["core", "engine", "models", "demos", "widgets", "app"] {
        assert!(src.join(folder).join("mod.rs").is_file(), "src/{folder}/mod.rs");
    }
}

/// The checker itself: each kind of wrong import is caught, and right ones are not.
#[test]
fn the_checker_catches_what_it_should() {
    let bad = [
        ("core/x.rs", "use crate::engine::now_ms;"),
        ("engine/x.rs", "use crate::widgets::Timeline;"),
        ("models/x.rs", "use crate::demos::gil::Gil;"),
        ("models/x.rs", "use leptos::prelude::*;"),
        ("demos/race/mod.rs", "use crate::widgets::Knobs;"),
        ("demos/race/mod.rs", "use crate::demos::gil::Gil;"),
        ("demos/race/mod.rs", "let w = web_sys::window();"),
        ("widgets/x.rs", "use crate::demos::ALL;"),
        ("demos/race/view.rs", "use crate::app::Page;"),
    ];
    for (path, line) in bad {
        let floor = floor_of(path).unwrap();
        assert_eq!(violations(path, floor, line).len(), 1, "{path}: {line}");
    }
    let good = [
        ("engine/x.rs", "use crate::core::trace::Span;"),
        ("demos/race/mod.rs", "use crate::models::gil::Gil; // crate::widgets in a comment"),
        ("demos/race/view.rs", "use crate::widgets::Knobs; use crate::demos::race::INFO;"),
        ("widgets/x.rs", "use leptos::prelude::*; use crate::core::catalog::DemoInfo;"),
        ("app/mod.rs", "crate::with_demos!(page_table); use crate::demos;"),
    ];
    for (path, line) in good {
        let floor = floor_of(path).unwrap();
        assert!(violations(path, floor, line).is_empty(), "{path}: {line}: {:?}", violations(path, floor, line));
    }
}
