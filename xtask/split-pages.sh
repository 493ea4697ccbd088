#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): cuts an optimised build's wasm in two with
# xtask/split-wasm, so the demos' own code is a second module (`*_pages.wasm`) that a first visit
# to the home page does not download (engine/web_pages.rs loads it when a demo opens). Trunk kept
# the names for this (`data-wasm-opt-params` in index.html); the split drops them. A debug build
# (`xtask/run dev`) stays whole: it loads everything at once, as `wasm-pack test` does.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$TRUNK_SOURCE_DIR"
shopt -s nullglob
wasms=("$TRUNK_STAGING_DIR"/*_bg.wasm)
[ ${#wasms[@]} -eq 1 ] || { echo "split-pages: expected one *_bg.wasm in $TRUNK_STAGING_DIR, found ${#wasms[@]}" >&2; exit 1; }
wasm=${wasms[0]}
pages=${wasm%_bg.wasm}_pages.wasm
# A function is the demos' if its name is in a demo's folder or in a module that only demos use
# (xtask/split-wasm/pages.txt), or if only such functions call it.
patterns=()
for demo in src/demos/*/; do patterns+=("concurrency_playground::demos::$(basename "$demo")::"); done
while read -r module; do
    case $module in ''|'#'*) continue ;; esac
    patterns+=("concurrency_playground::$module::")
done < xtask/split-wasm/pages.txt
cargo run --quiet --release --manifest-path xtask/split-wasm/Cargo.toml --target-dir target/split-wasm -- \
    "$wasm" "$wasm" "$pages" "${patterns[@]}"
# Trunk's wasm-opt left identical functions apart (index.html: a merged function would have one
# demo's name and serve the shell too); each half is now merged and shrunk on its own.
for half in "$wasm" "$pages"; do
    wasm-opt --enable-threads --enable-bulk-memory --enable-mutable-globals --enable-reference-types \
        --enable-nontrapping-float-to-int --enable-sign-ext --enable-multivalue --enable-bulk-memory-opt \
        --duplicate-function-elimination --merge-similar-functions -Oz "$half" -o "$half"
done
# start.js learns from its tag that the build was cut, and the pages module's name.
sed -i -E 's|(data-wasm="([^"]*)_bg\.wasm")|\1 data-pages="\2_pages.wasm"|' "$TRUNK_STAGING_DIR/index.html"
grep -q ' data-pages="' "$TRUNK_STAGING_DIR/index.html" || { echo "split-pages: index.html has no data-wasm tag to name the pages module on" >&2; exit 1; }
# Trunk hashed the whole wasm for index.html's preload: the hash must be the primary's now.
node xtask/integrity.mjs "$TRUNK_STAGING_DIR/index.html"
