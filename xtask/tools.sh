# shellcheck shell=bash
# Installs, idempotently, every tool the playground needs, from the package
# registries only (no tool may download a binary at run time on these machines).
# Sourced by xtask/run; each ensure_* is a no-op when the right version is there.
# Versions are the ones verified together in ../shared/TOOLCHAIN.md.

TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")
WASM_BINDGEN_VERSION=0.2.130   # must equal the `=` pin in Cargo.toml
TRUNK_VERSION=0.22.1
WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132           # Debian's binaryen 108 produces a broken module
AXE_VERSION=4.14.1
GECKODRIVER_VERSION=0.37.1
TOOLS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-playground"

# cargo install runs from $HOME: inside the repo its .cargo/config.toml (build-std) would
# apply to the tools being built.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

has_version() { # has_version CMD WANTED: CMD --version mentions WANTED
    command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}

ensure_rust() {
    # RUSTUP_AUTO_INSTALL=0 on these machines: install the pin explicitly.
    if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
        say "installing Rust $TOOLCHAIN"
        rustup toolchain install "$TOOLCHAIN" --profile minimal \
            --component rust-src --component rustfmt --component clippy \
            --target wasm32-unknown-unknown
    fi
    local installed
    installed=$(rustup +"$TOOLCHAIN" target list --installed 2>/dev/null)
    grep -q wasm32-unknown-unknown <<<"$installed" ||
        rustup target add wasm32-unknown-unknown --toolchain "$TOOLCHAIN"
    # rustfmt and clippy: `xtask/run test` runs `cargo fmt --check` and `cargo clippy` first.
    local components component
    components=$(rustup +"$TOOLCHAIN" component list --installed 2>/dev/null)
    for component in rust-src rustfmt clippy; do
        grep -q "^$component" <<<"$components" ||
            rustup component add "$component" --toolchain "$TOOLCHAIN"
    done
}

ensure_wasm_bindgen() {
    # No --locked: the CLI's lock file names a crate version missing from the registry.
    has_version wasm-bindgen "$WASM_BINDGEN_VERSION" || {
        say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min)"
        (cd "$HOME" && cargo +"$TOOLCHAIN" install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force)
    }
}

ensure_trunk() {
    # trunk 0.22 needs rustc >= 1.96.1: build it with the nightly pin.
    has_version trunk "$TRUNK_VERSION" || {
        say "installing trunk $TRUNK_VERSION (~12 min cold on 2 cores)"
        (cd "$HOME" && cargo +"$TOOLCHAIN" install --locked trunk --version "$TRUNK_VERSION" --force)
    }
}

ensure_wasm_pack() {
    has_version wasm-pack "$WASM_PACK_VERSION" || {
        say "installing wasm-pack $WASM_PACK_VERSION"
        (cd "$HOME" && cargo +"$TOOLCHAIN" install --locked wasm-pack --version "$WASM_PACK_VERSION" --force)
    }
}

ensure_wasm_opt() {
    # binaryen's npm package runs wasm-opt on Node. It is linked into ~/.cargo/bin, beside the
    # cargo-installed tools, so that plain `trunk build` and `trunk serve` find it too.
    local bin="$TOOLS_DIR/node_modules/.bin" link="$HOME/.cargo/bin/wasm-opt"
    has_version wasm-opt "version $BINARYEN_VERSION" && return
    if ! { [ -x "$bin/wasm-opt" ] && "$bin/wasm-opt" --version | grep -q "version $BINARYEN_VERSION"; }; then
        say "installing wasm-opt from binaryen@$BINARYEN_VERSION (npm)"
        mkdir -p "$TOOLS_DIR"
        npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
    fi
    mkdir -p "$(dirname "$link")"
    ln -sf "$bin/wasm-opt" "$link"
    export PATH="$HOME/.cargo/bin:$PATH"
    has_version wasm-opt "version $BINARYEN_VERSION" || {
        echo "wasm-opt $BINARYEN_VERSION is installed at $link but another wasm-opt comes first on PATH" >&2
        return 1
    }
}

ensure_chromium() {
    if [ ! -x /usr/lib/chromium/chromium ] || ! command -v chromedriver >/dev/null 2>&1; then
        say "installing Chromium and chromedriver (Debian)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver
    fi
    # The /usr/bin wrapper prints a harmless shell error; tests use the real binary.
    export CHROME_BIN=/usr/lib/chromium/chromium
}

ensure_firefox() {
    # Firefox ESR (Debian) and geckodriver (crates.io): the e2e subset in a second engine.
    if [ ! -x /usr/bin/firefox-esr ]; then
        say "installing Firefox ESR (Debian)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq firefox-esr
    fi
    has_version geckodriver "$GECKODRIVER_VERSION" || {
        say "installing geckodriver $GECKODRIVER_VERSION (crates.io)"
        (cd "$HOME" && cargo +"$TOOLCHAIN" install --locked geckodriver --version "$GECKODRIVER_VERSION" --force)
    }
    export FIREFOX_BIN=/usr/bin/firefox-esr
}

ensure_axe() {
    # axe-core (npm): the accessibility rules the e2e suite runs on every page.
    local axe="$TOOLS_DIR/node_modules/axe-core/axe.min.js"
    if [ ! -f "$axe" ]; then
        say "installing axe-core (npm)"
        mkdir -p "$TOOLS_DIR"
        npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "axe-core@$AXE_VERSION"
    fi
    export AXE_JS="$axe"
}

ensure_python() {
    # The pages' Python programs run under Debian's CPython in the tests; the fetch demo's uses
    # aiohttp (PyPI), in a venv of ours (Debian's python3 is "externally managed").
    local venv="$TOOLS_DIR/python"
    if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        say "installing Python 3 and venv (Debian)"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3 python3-venv
    fi
    if ! "$venv/bin/python" -c 'import aiohttp' >/dev/null 2>&1; then
        say "installing aiohttp into $venv (PyPI)"
        /usr/bin/python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check aiohttp
    fi
    export PLAYGROUND_PYTHON="$venv/bin/python"
    # The programs run under CPython 3.12 and 3.13 too, where pyenv has them (each in a venv of
    # ours with aiohttp, from PyPI); the Python suite skips, loudly, a version not found here.
    local version found
    for version in 3.12 3.13; do
        found=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version".* 2>/dev/null | sort -V | tail -n 1 || true)
        if [ -z "$found" ] || ! [ -x "$found/bin/python" ]; then
            say "no CPython $version under pyenv: the Python suite will skip it"
            continue
        fi
        venv="$TOOLS_DIR/python$version"
        if ! "$venv/bin/python" -c 'import aiohttp' >/dev/null 2>&1; then
            say "installing aiohttp into $venv (CPython $(basename "$found"), PyPI)"
            "$found/bin/python" -m venv "$venv"
            "$venv/bin/python" -m pip install --quiet --disable-pip-version-check aiohttp
        fi
        export "PLAYGROUND_PYTHON_${version/./_}=$venv/bin/python"
    done
}

ensure_serve_tools() { ensure_rust; ensure_wasm_bindgen; ensure_wasm_opt; ensure_trunk; }
ensure_test_tools() { ensure_serve_tools; ensure_wasm_pack; ensure_chromium; ensure_firefox; ensure_python; ensure_axe; }
