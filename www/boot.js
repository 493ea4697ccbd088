// Runs before the playground's wasm, as a plain script.
//
// 1. If the wasm cannot start, say why on the page.
// 2. Register the playground's service worker (sw.js). It makes the page cross-origin isolated on
//    hosts that cannot send the COOP/COEP headers, and keeps a copy of the app for offline use.
//    When the page is not isolated yet, reload once so the worker can add the headers; the attempt
//    is remembered for the tab's session, so a browser that still refuses never loops.
(function () {
    // A link to a demo: hide the static shell's home grid until the app shows the demo.
    if (/^#\/./.test(location.hash)) document.documentElement.classList.add('deep-link');
    function fail(reason) {
        var boot = document.getElementById('boot');
        if (!boot) return; // the app is already up; its own error handling applies
        boot.className = 'boot failed';
        boot.textContent = self.crossOriginIsolated
            ? 'The playground failed to start: ' + reason
            : 'The playground could not start because this page is not cross-origin isolated: '
              + 'its server must send Cross-Origin-Opener-Policy: same-origin and '
              + 'Cross-Origin-Embedder-Policy: require-corp (trunk serve does). Details: ' + reason;
    }
    // Every uncaught error is also kept, for the tests in browsers whose driver cannot read the
    // console (Firefox's).
    var seen = window.__pageErrors = [];
    addEventListener('error', function (e) { seen.push(String(e.message)); fail(e.message || 'a script failed to load'); });
    addEventListener('unhandledrejection', function (e) { seen.push(String(e.reason)); fail(String(e.reason)); });

    var ATTEMPT = 'playground-isolation-reload';
    var sw = navigator.serviceWorker;
    // `?nosw` in the address turns the service worker off (and removes one installed before).
    var disabled = /[?&]nosw\b/.test(location.search);
    if (!sw || !self.isSecureContext) return; // no service workers here: the app runs without
    if (disabled) {
        sw.getRegistrations().then(function (all) { all.forEach(function (r) { r.unregister(); }); });
        return;
    }
    sw.register('sw.js').then(function () {
        if (self.crossOriginIsolated) {
            sessionStorage.removeItem(ATTEMPT);
            return;
        }
        if (sessionStorage.getItem(ATTEMPT)) return; // tried once this session: stay as we are
        sessionStorage.setItem(ATTEMPT, String(Date.now()));
        var boot = document.getElementById('boot');
        if (boot) boot.textContent = 'Turning on cross-origin isolation (one reload)…';
        // Reload once the worker is in charge, so every response of the new load passes it.
        if (sw.controller) location.reload();
        else sw.addEventListener('controllerchange', function () { location.reload(); });
    }).catch(function (e) {
        console.warn('The service worker was refused, so the page runs without it: ' + e);
    });

    // Keep the cache complete even for a visit the worker did not serve (the first one): hand it
    // the list of what this page loaded, plus the workers' scripts loaded only on demand.
    addEventListener('load', function () {
        sw.ready.then(function (registration) {
            var here = location.href.split('#')[0];
            var urls = performance.getEntriesByType('resource').map(function (e) { return e.name; });
            document.querySelectorAll('link[href], script[src]').forEach(function (el) { urls.push(el.href || el.src); });
            // The compute pool's worker script by name: Chromium does not list a worker's script
            // among the page's resources, and on a first visit the workers start before the
            // service worker is in charge, so nothing else caches it (offline, no threads).
            urls.push(here, new URL('thread_worker.js', here).href, new URL('process-worker.js', here).href, new URL('subprocess.js', here).href);
            // The demos' code (www/start.js): kept if cached, fetched only when a demo opens.
            var tag = document.querySelector('script[data-wasm]');
            var keep = tag && tag.dataset.pages ? [new URL(tag.dataset.pages, here).href] : [];
            if (registration.active) registration.active.postMessage({ cache: urls, keep: keep });
        });
    });
})();
