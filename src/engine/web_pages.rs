//! The demos' code, loaded apart from the rest (the release build is cut in two by
//! `xtask/split-wasm`: a first visit loads the shell, the engine and the home page; a demo's own
//! code comes in a second module, `*_pages.wasm`, when a learner opens a demo).
//!
//! Every instance of the module has its own function table, so the pages module is instantiated
//! into each: the page's, when the app asks (`load_pages`, before it shows a demo), and each
//! worker's, the first time it runs a demo's code (a moved function's trampoline finds its slot
//! empty and calls `__cp_load_pages`). Workers wait in `Atomics.wait` and take no messages, so
//! they compile the module from a copy of its bytes the page left in the shared memory
//! (`pages_code`). A debug build (`xtask/run dev`, `wasm-pack test`) is not cut: nothing to load.

use std::sync::OnceLock;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The pages module's bytes, as the page fetched them: what workers compile.
static CODE: OnceLock<Vec<u8>> = OnceLock::new();

#[wasm_bindgen]
extern "C" {
    /// www/start.js on the page: a promise that the pages module is in the page's instance.
    #[wasm_bindgen(js_name = __cpPagesReady, catch)]
    fn pages_ready() -> Result<js_sys::Promise, JsValue>;

    /// The scope's loader (www/start.js, thread_worker.js, process-worker.js): puts the pages
    /// module into this instance now, synchronously, or throws.
    #[wasm_bindgen(js_name = __cpLoadPages)]
    fn load_into_this_instance();
}

/// Called by a moved function's trampoline, in whichever instance found its slot empty.
#[unsafe(no_mangle)]
pub extern "C" fn __cp_load_pages() {
    load_into_this_instance();
}

/// The page keeps the bytes it fetched, for the workers (www/start.js calls it once).
#[wasm_bindgen]
pub fn pages_keep(code: Vec<u8>) {
    let _ = CODE.set(code);
}

/// A worker's copy of the pages module's bytes (None before the page has loaded them): one copy,
/// out of the shared memory into a buffer of its own (a module cannot compile from shared bytes).
#[wasm_bindgen]
pub fn pages_code() -> Option<js_sys::Uint8Array> {
    CODE.get().map(|code| js_sys::Uint8Array::from(&code[..]))
}

/// Resolves once the demos' code can run on the page (at once in a build that was not cut), and
/// the code the demos show can be read (`core::region`).
pub async fn load_pages() -> Result<(), String> {
    if let Ok(promise) = pages_ready() {
        JsFuture::from(promise).await.map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| format!("{e:?}"))
        })?;
    } // else no loader on this page (the wasm-pack tests): nothing was cut
    keep_shown_code();
    Ok(())
}

/// The texts the demos show, from the `cp_sources` custom sections of this module and of the
/// demos' module (where the release build moved them).
fn keep_shown_code() {
    let pages =
        js_sys::Reflect::get(&js_sys::global(), &"__cpPagesModule".into()).unwrap_or_default();
    let mut bytes = Vec::new();
    for module in [wasm_bindgen::module(), pages] {
        let Ok(module) = module.dyn_into::<js_sys::WebAssembly::Module>() else {
            continue;
        };
        for section in js_sys::WebAssembly::Module::custom_sections(&module, "cp_sources").iter() {
            bytes.extend(js_sys::Uint8Array::new(&section).to_vec());
        }
    }
    crate::core::region::keep_shown(bytes);
}
