// Starts the playground's wasm: what trunk would otherwise inline in index.html. Kept in a file
// so that the content security policy can refuse every inline script (`script-src 'self'`).
// Trunk writes the hashed names of the glue and the wasm on this script's tag (Trunk.toml's
// `pattern_script`); module scripts have no `document.currentScript`, so it is found by them.
const tag = document.querySelector('script[data-wasm]');
// The compute pool's workers (one per core, and the one that builds the pool) start now, while the
// wasm downloads and compiles: a worker takes ~0.1-0.25 s to boot and load the glue on 2 cores,
// which would otherwise come after the wasm started. The app takes them from this list and hands
// each the module and the memory (engine/web_threads.rs); it starts its own where none is left.
if (crossOriginIsolated) {
    const glue = new URL(tag.dataset.js, document.baseURI).href;
    const list = window.prestartedThreads = [];
    for (let i = 0; i <= (navigator.hardwareConcurrency || 1); i++) {
        const worker = new Worker('thread_worker.js', { type: 'module' });
        // One that fails before the app takes it is not offered (the app starts another).
        worker.addEventListener('error', () => list.includes(worker) && list.splice(list.indexOf(worker), 1), { once: true });
        worker.postMessage({ glue });
        list.push(worker);
    }
}
// Let the browser paint the app shell (index.html's header, side bar and home grid) first:
// compiling and starting the wasm holds the main thread, and a module script that runs at once
// holds the first paint behind it. Waited for is the paint itself (its timing entry): a frame and
// a task after it are not enough, since the frame may reach the screen later (a fresh browser's
// first visit on 2 cores painted 25 ms after the wasm started, once in three). A browser
// without paint timing waits for a frame; a tab opened in the background paints nothing: at most
// 100 ms (1 s for a visible one whose paint never comes).
await new Promise(resolve => {
    const painted = () => performance.getEntriesByName('first-contentful-paint').length > 0;
    if (PerformanceObserver.supportedEntryTypes?.includes('paint')) {
        new PerformanceObserver((_, observer) => {
            if (painted()) { observer.disconnect(); resolve(); }
        }).observe({ type: 'paint', buffered: true });
    } else {
        requestAnimationFrame(() => setTimeout(resolve, 0));
    }
    setTimeout(resolve, document.hidden ? 100 : 1000);
});
// The demos' own code: in a release build a second module, cut from the first (xtask/split-wasm;
// the build names it on this tag, `data-pages`), fetched the first time the app shows a demo (it
// asks through `__cpPagesReady`, engine/web_pages.rs). It is put into the page's instance here
// and handed to the workers: compiled, to the processes; as bytes in the shared memory, to the
// threads. A link straight to a demo needs it at once: its download starts now, beside the first.
const pagesUrl = tag.dataset.pages;
let download = pagesUrl && /^#\/./.test(location.hash) ? fetch(pagesUrl) : null;
download?.catch(() => {}); // a failure is told when the app asks, not as an unhandled rejection
let started;
const instance = new Promise((resolve) => { started = resolve; });
let pages;
window.__cpPagesReady = () => pages ??= instance.then(async ({ bindings, wasm }) => {
    if (!pagesUrl) return; // a build that was not cut: everything is here
    const pending = download ?? fetch(pagesUrl);
    download = null; // a failed download is not kept: the next call fetches anew
    const response = await pending;
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const module = await WebAssembly.compile(bytes);
    await WebAssembly.instantiate(module, { primary: wasm });
    window.__cpPagesModule = module;
    bindings.pages_keep(bytes);
}).catch((e) => { pages = undefined; throw e; }); // the app says why; a new call fetches anew
// On the page it is always loaded before a demo shows: a call here means a bug, said plainly.
window.__cpLoadPages = () => { throw new Error('a demo ran before its code was loaded'); };
const bindings = await import(tag.dataset.js);
const wasm = await bindings.default({ module_or_path: tag.dataset.wasm });
started({ bindings, wasm });
window.wasmBindings = bindings; // the tests and the benchmark read the wasm's memory through it
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
