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
    let own_demo = path
        .split('/')
        .nth(1)
        .map(|d| d.trim_end_matches(".rs").to_string());
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let at = format!("src/{path}:{}", n + 1);
        for (needle, needs) in MARKERS {
            if code.contains(needle) && *needs > floor {
                found.push(format!(
                    "{at}: {floor:?} uses `{needle}` ({needs:?} is above it): {}",
                    line.trim()
                ));
            }
        }
        // Widgets sit above the rules in the chain but beside them in meaning: they know no demo.
        if floor == Floor::Widgets && code.contains("crate::demos") {
            found.push(format!("{at}: a widget knows a demo: {}", line.trim()));
        }
        if WEB.iter().any(|w| code.contains(w))
            && matches!(floor, Floor::Core | Floor::Models | Floor::Rules)
        {
            found.push(format!(
                "{at}: {floor:?} uses web types (only the engine and the UI may): {}",
                line.trim()
            ));
        }
        // A demo uses no other demo: what two demos share is a model.
        if matches!(floor, Floor::Rules | Floor::Pages) {
            for other in code
                .match_indices("crate::demos::")
                .map(|(i, m)| &code[i + m.len()..])
            {
                let name: String = other
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && Some(&name) != own_demo.as_ref() {
                    found.push(format!(
                        "{at}: a demo uses another demo (`{name}`): {}",
                        line.trim()
                    ));
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
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(floor) = floor_of(&rel) else {
            continue;
        };
        all.extend(violations(
            &rel,
            floor,
            &std::fs::read_to_string(file).unwrap(),
        ));
        checked += 1;
    }
    assert!(
        checked > 60,
        "only {checked} files were checked: is src/ where it should be?"
    );
    assert!(
        all.is_empty(),
        "imports that point the wrong way:\n{}",
        all.join("\n")
    );
}

#[test]
fn every_floor_is_a_folder_and_present() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for folder in ["core", "engine", "models", "demos", "widgets", "app"] {
        assert!(
            src.join(folder).join("mod.rs").is_file(),
            "src/{folder}/mod.rs"
        );
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
        (
            "demos/race/mod.rs",
            "use crate::models::gil::Gil; // crate::widgets in a comment",
        ),
        (
            "demos/race/view.rs",
            "use crate::widgets::Knobs; use crate::demos::race::INFO;",
        ),
        (
            "widgets/x.rs",
            "use leptos::prelude::*; use crate::core::catalog::DemoInfo;",
        ),
        (
            "app/mod.rs",
            "crate::with_demos!(page_table); use crate::demos;",
        ),
    ];
    for (path, line) in good {
        let floor = floor_of(path).unwrap();
        assert!(
            violations(path, floor, line).is_empty(),
            "{path}: {line}: {:?}",
            violations(path, floor, line)
        );
    }
}

/// The modules the release build cuts out into the demos' wasm module, loaded when a demo opens
/// (xtask/split-wasm/pages.txt): `(folder, module)`, e.g. `("widgets", "timeline")`.
fn cut_to_pages() -> Vec<(String, String)> {
    let list = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("xtask/split-wasm/pages.txt"),
    )
    .unwrap();
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (folder, module) = l.split_once("::").expect("folder::module");
            (folder.to_string(), module.to_string())
        })
        .collect()
}

/// The names `folder/mod.rs` re-exports from `module` (`pub use module::{A, B as C};`).
fn reexports(parent_mod_rs: &str, module: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in parent_mod_rs.lines() {
        let Some(rest) = line.trim().strip_prefix(&format!("pub use {module}::")) else {
            continue;
        };
        let list = rest
            .trim_end_matches(';')
            .trim_start_matches('{')
            .trim_end_matches('}');
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            names.push(item.rsplit(" as ").next().unwrap().trim().to_string());
        }
    }
    names
}

fn has_word(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(i, _)| {
        !code[..i].chars().next_back().is_some_and(ident)
            && !code[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Where a file of the shell (`rel`, below `src/`) names code cut out to the demos' module.
fn uses_of_cut_code(rel: &str, source: &str, cut: &[(String, String, Vec<String>)]) -> Vec<String> {
    let in_cut = cut
        .iter()
        .any(|(folder, module, _)| rel == format!("{folder}/{module}.rs"));
    if rel.starts_with("demos/") || in_cut {
        return Vec::new(); // the demos' own side
    }
    let mut found = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("").trim();
        if code.starts_with("pub use ") || code.starts_with("mod ") || code.starts_with("pub mod ")
        {
            continue; // a parent declaring or re-exporting is no use
        }
        for (folder, module, names) in cut {
            let path = format!("{folder}::{module}::");
            let local = rel.starts_with(&format!("{folder}/"))
                && has_word(code, module)
                && code.contains(&format!("{module}::"));
            if code.contains(&path) || local || names.iter().any(|w| has_word(code, w)) {
                found.push(format!("src/{rel}:{}: {code}", n + 1));
            }
        }
    }
    found
}

fn cut_with_names(src: &Path) -> Vec<(String, String, Vec<String>)> {
    cut_to_pages()
        .into_iter()
        .map(|(folder, module)| {
            let parent = std::fs::read_to_string(src.join(&folder).join("mod.rs")).unwrap();
            assert!(
                src.join(&folder).join(format!("{module}.rs")).is_file(),
                "pages.txt names {folder}::{module}: no such file"
            );
            let names = reexports(&parent, &module);
            (folder, module, names)
        })
        .collect()
}

/// The shell (the app, the engine, the modules not cut out) never runs code cut out to the demos'
/// module: on a first visit that module is not there (the release build, xtask/split-pages.sh).
#[test]
fn the_shell_uses_no_code_cut_out_to_the_demos_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let cut = cut_with_names(&src);
    assert!(
        cut.iter()
            .any(|(_, m, names)| m == "timeline" && names.contains(&"Timeline".to_string())),
        "{cut:?}"
    );
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut all = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        all.extend(uses_of_cut_code(
            &rel,
            &std::fs::read_to_string(file).unwrap(),
            &cut,
        ));
    }
    assert!(
        all.is_empty(),
        "the shell uses code that is only in the demos' module:\n{}",
        all.join("\n")
    );
    // The check itself catches such a use, and lets the demos' side be.
    let app = "use crate::widgets::{use_pool, Timeline};\nlet x = 1;";
    assert_eq!(uses_of_cut_code("app/x.rs", app, &cut).len(), 1);
    assert_eq!(
        uses_of_cut_code("widgets/pool.rs", "let r = timeline::rows(&t);", &cut).len(),
        1
    );
    assert_eq!(
        uses_of_cut_code("engine/x.rs", "crate::models::gil::run();", &cut).len(),
        1
    );
    assert!(uses_of_cut_code("demos/gil/view.rs", app, &cut).is_empty());
    assert!(uses_of_cut_code("widgets/timeline.rs", app, &cut).is_empty());
}

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of the string literal that starts `text` (just after its opening quote), with `\"`
/// and `\\` unescaped.
fn string_literal(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// One row of the demos table: `(group's title, demo's title, id)`.
type DemoRow = (String, String, String);

/// The catalogue as the source says it: the `with_demos!` list of src/demos/mod.rs, in order,
/// each module's `INFO` read from its file, its group named by `Group::title` in
/// src/core/catalog.rs. Read as text: tidy does not link the crate.
fn catalogue_from_source() -> Vec<DemoRow> {
    let demos = repo_file("src/demos/mod.rs");
    let list = demos
        .split_once("macro_rules! with_demos")
        .and_then(|(_, rest)| rest.split_once("$then! {"))
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(list, _)| list)
        .expect("src/demos/mod.rs: the list of `with_demos!` (`$then! { a, b, … }`)");
    let catalog = repo_file("src/core/catalog.rs");
    let group_title = |variant: &str| {
        let arm = format!("Group::{variant} => \"");
        let at = catalog
            .find(&arm)
            .unwrap_or_else(|| panic!("src/core/catalog.rs: no title for Group::{variant}"));
        string_literal(&catalog[at + arm.len()..]).expect("a closed string")
    };
    let mut rows = Vec::new();
    for module in list.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let rel = [
            format!("src/demos/{module}/mod.rs"),
            format!("src/demos/{module}.rs"),
        ]
        .into_iter()
        .find(|r| Path::new(env!("CARGO_MANIFEST_DIR")).join(r).is_file())
        .unwrap_or_else(|| panic!("demo `{module}`: no src/demos/{module}/mod.rs"));
        let source = repo_file(&rel);
        let info = source
            .find("INFO: DemoInfo")
            .map(|at| &source[at..])
            .unwrap_or_else(|| panic!("{rel}: no `INFO: DemoInfo`"));
        let field = |name: &str| {
            let key = format!("{name}: ");
            let at = info
                .find(&key)
                .unwrap_or_else(|| panic!("{rel}: INFO has no `{name}`"));
            &info[at + key.len()..]
        };
        let text = |name: &str| {
            string_literal(field(name).strip_prefix('"').expect("a string literal"))
                .unwrap_or_else(|| panic!("{rel}: INFO's `{name}` is not a closed string"))
        };
        let variant: String = field("group")
            .strip_prefix("Group::")
            .unwrap_or_else(|| panic!("{rel}: INFO's group is not `Group::…`"))
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        rows.push((group_title(&variant), text("title"), text("id")));
    }
    rows
}

/// The rows of README.md's demos table: `| group | **title** (`#/id`) | what it shows |`.
fn demos_table(readme: &str) -> Vec<DemoRow> {
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').collect();
            let demo = cells.get(1)?.trim();
            let (title, id) = demo.strip_prefix("**")?.split_once("** (`#/")?;
            let id = id.strip_suffix("`)")?;
            Some((
                cells[0].trim().to_string(),
                title.to_string(),
                id.to_string(),
            ))
        })
        .collect()
}

/// What differs between the catalogue and the README's table, row by row, named.
fn table_differences(catalogue: &[DemoRow], table: &[DemoRow]) -> Vec<String> {
    let name = |(group, title, id): &DemoRow| format!("{group} | **{title}** (`#/{id}`)");
    let mut found = Vec::new();
    for row in catalogue {
        if !table.iter().any(|t| t.2 == row.2) {
            found.push(format!("missing from README: {}", name(row)));
        }
    }
    for row in table {
        if !catalogue.iter().any(|c| c.2 == row.2) {
            found.push(format!("in README but not in the catalogue: {}", name(row)));
        }
    }
    if found.is_empty() {
        for (i, (c, t)) in catalogue.iter().zip(table).enumerate() {
            if c != t {
                found.push(format!(
                    "row {}: the catalogue has {}, README has {}",
                    i + 1,
                    name(c),
                    name(t)
                ));
            }
        }
    }
    found
}

/// README.md's demos table lists every demo of the catalogue, in its order, with its group and
/// title, and nothing else.
#[test]
fn the_readme_lists_every_demo_as_the_catalogue_does() {
    let catalogue = catalogue_from_source();
    assert!(
        catalogue.len() >= 20,
        "only {} demos read from src/demos/mod.rs",
        catalogue.len()
    );
    let table = demos_table(&repo_file("README.md"));
    let wrong = table_differences(&catalogue, &table);
    assert!(
        wrong.is_empty(),
        "README.md's demos table and the catalogue differ:\n{}",
        wrong.join("\n")
    );
    // The check itself names a missing, an extra and a moved row.
    let row = |id: &str| ("G".to_string(), "T".to_string(), id.to_string());
    let both = [row("a"), row("b")];
    assert_eq!(
        table_differences(&both, &both[..1]),
        ["missing from README: G | **T** (`#/b`)"]
    );
    assert_eq!(table_differences(&both[..1], &both).len(), 1);
    assert_eq!(table_differences(&both, &[row("b"), row("a")]).len(), 2);
    let renamed = [row("a"), ("G".into(), "U".into(), "b".into())];
    assert_eq!(table_differences(&both, &renamed).len(), 1);
    assert_eq!(
        demos_table("| Threads | **Race** (`#/race-condition`) | x |\n| a | b | c |"),
        [("Threads".into(), "Race".into(), "race-condition".into())]
    );
}

/// The content security policy as each of its three places states it: index.html's meta tag,
/// Trunk.toml's header for `trunk serve`, and the service worker's header (www/sw.js).
fn stated_policies() -> Vec<(&'static str, String)> {
    let html = repo_file("index.html");
    let meta = html
        .split_once("http-equiv=\"Content-Security-Policy\" content=\"")
        .and_then(|(_, rest)| string_literal(rest))
        .expect("index.html: a Content-Security-Policy meta tag");
    let toml = repo_file("Trunk.toml");
    let header = toml
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy = \""))
        .and_then(string_literal)
        .expect("Trunk.toml: a Content-Security-Policy header");
    let js = repo_file("www/sw.js");
    // `const POLICY = "…" +\n    "…";`: the literals joined.
    let mut rest = js
        .split_once("const POLICY =")
        .expect("www/sw.js: `const POLICY = …;`")
        .1;
    let mut sw = String::new();
    loop {
        let literal = rest
            .trim_start()
            .strip_prefix('"')
            .expect("www/sw.js: POLICY is string literals joined by +");
        let part = string_literal(literal).expect("www/sw.js: a closed string");
        // The literal's length in the source: its text, its escapes and the closing quote.
        let len = part.len() + part.matches(['"', '\\']).count() + 1;
        sw.push_str(&part);
        rest = literal[len..].trim_start();
        match rest.chars().next() {
            Some('+') => rest = &rest[1..],
            Some(';') => break,
            other => panic!("www/sw.js: POLICY continues with {other:?}"),
        }
    }
    vec![
        ("index.html", meta),
        ("Trunk.toml", header),
        ("www/sw.js", sw),
    ]
}

/// A policy's sources for `directive`, or None where it does not say it.
fn directive<'a>(policy: &'a str, name: &str) -> Option<Vec<&'a str>> {
    policy.split(';').find_map(|d| {
        let mut words = d.split_whitespace();
        (words.next()? == name).then(|| words.collect())
    })
}

/// The policy is written three times (the meta tag does not reach workers, and a host without
/// headers gets it from the service worker): all three say the same, and scripts come only from
/// this origin's files, never inline.
#[test]
fn the_content_security_policy_is_one_and_allows_no_inline_script() {
    let stated = stated_policies();
    let (first, policy) = &stated[0];
    for (place, other) in &stated[1..] {
        assert_eq!(
            other, policy,
            "{place} and {first} state different policies"
        );
    }
    let scripts = directive(policy, "script-src").expect("the policy names script-src itself");
    for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'"] {
        assert!(
            !scripts.contains(&unsafe_source),
            "script-src allows {unsafe_source}: {policy}"
        );
    }
    assert!(scripts.contains(&"'self'"), "{policy}");
    assert_eq!(
        directive("a x; script-src 'self' y", "script-src"),
        Some(vec!["'self'", "y"])
    );
    assert_eq!(directive("script-src-elem 'self'", "script-src"), None);
}
