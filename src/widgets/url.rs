//! The page's address: a page's knobs are written into it as they change, so a link always
//! reproduces what is on screen.

/// Writes the page's current parameters into the URL without navigating (no `hashchange`).
pub fn replace_query(page: &str, query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = format!("#/{page}?{query}");
    if window.location().hash().ok().as_deref() == Some(hash.as_str()) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}
