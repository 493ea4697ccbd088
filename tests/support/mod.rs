//! Shared by the end-to-end tests and the benchmark: a static server for `dist/` and a headless
//! Chromium driven over WebDriver.
#![allow(dead_code)] // each user takes a different subset

pub mod browser;
pub mod server;

use std::path::PathBuf;

/// The release build made by `trunk build --release` (`xtask/run dist`), or the build named by
/// `PLAYGROUND_DIST` (e.g. `target/serve`, to measure what `xtask/run serve` serves).
pub fn dist_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dist = std::env::var_os("PLAYGROUND_DIST").map(|d| root.join(d)).unwrap_or_else(|| root.join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "no release build in {}: run `xtask/run dist` (or `trunk build --release`) first",
        dist.display()
    );
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    assert!(
        !index.contains("__trunk_address__"),
        "{}/ holds a `trunk serve` dev build (it has the autoreload script): run `xtask/run dist` first",
        dist.display()
    );
    dist
}

/// The debug build that `xtask/run test` makes in `target/dev/` (plain `trunk build`), for the
/// e2e check that a debug build says so on screen.
pub fn dev_dir() -> PathBuf {
    let dev = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("dev");
    assert!(dev.join("index.html").exists(), "no debug build in {}: run `xtask/run test` (or `trunk build --dist target/dev --public-url ./`)", dev.display());
    dev
}

/// The page's `data-build` ("debug" or "release", set by the app): the suite and the benchmark
/// refuse to measure a debug build, which is 10-30x slower.
pub const REFUSE_DEBUG: &str = "document.documentElement.dataset.build === 'release'";

/// Where screenshots and reports go: under target/, never in the source tree.
pub fn out_dir(kind: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join(kind);
    std::fs::create_dir_all(&dir).expect("create output dir");
    dir
}
