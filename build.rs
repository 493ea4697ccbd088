//! Link flags for threaded wasm. Since nightly-2025-10-03 `+atomics` alone no longer yields
//! an imported shared memory, and without one the worker pool cannot share the heap.
//! Emitted only when building for wasm32 with atomics, so native builds are untouched.
fn main() {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if arch == "wasm32" && features.split(',').any(|f| f == "atomics") {
        for arg in [
            "--shared-memory",
            "--max-memory=1073741824",
            "--import-memory",
            "--export=__wasm_init_tls",
            "--export=__tls_size",
            "--export=__tls_align",
            "--export=__tls_base",
        ] {
            println!("cargo:rustc-link-arg={arg}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
