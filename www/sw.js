// The playground's service worker, same-origin and written for this project.
//
// Isolation: SharedArrayBuffer (and so worker threads) needs the page to be cross-origin
// isolated, which takes two response headers that many static hosts (GitHub Pages) cannot send.
// This worker adds them to every same-origin response it passes on, the page's and the workers'.
//
// Offline: every same-origin GET it fetches is kept in one cache; the network is asked first
// (a new deployment is picked up at once), the cache answers when the network cannot. Requests
// made with `cache: 'no-store'` (the fetch demo measuring the network) are never answered from it.
const CACHE = 'playground';
// Trunk's file names carry a content hash: a copy whose name is not in the current page's list
// belongs to an older deployment.
const HASHED = /-[0-9a-f]{16}(_bg|_pages)?\.(js|wasm|css|svg)$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// The page's content security policy (index.html says the same in a meta tag, which does not
// reach workers): only this origin's scripts, wasm compiled from them, requests to this origin.
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'";

function sameOrigin(url) {
    return new URL(url, self.location.href).origin === self.location.origin;
}

function isolated(response) {
    if (response.type === 'opaque' || response.status === 0) return response;
    const headers = new Headers(response.headers);
    // The body handed on is already decoded: a host's `Content-Encoding: br` and the encoded
    // length no longer describe it (a browser could try to decode it twice, or cut it short).
    headers.delete('Content-Encoding');
    headers.delete('Content-Length');
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    headers.set('Content-Security-Policy', POLICY);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// The network's answer goes to the page at once; the copy is written after, while the worker is
// kept alive for it (`waitUntil`). The Cache API is never on a request's path while the network
// answers: on a first visit it opens the browser's storage, which can take long (in Firefox, a
// new profile), and the page's and its threads' scripts would wait for it.
async function networkFirst(event) {
    const request = event.request;
    try {
        const response = await fetch(request);
        if (response.ok && request.cache !== 'no-store') {
            const copy = response.clone();
            const key = request.url.split('#')[0];
            const saved = caches.open(CACHE).then((cache) => cache.put(key, copy)).catch(() => {});
            try { event.waitUntil(saved); } catch (_) { /* too late to extend: the write goes on anyway */ }
        }
        return isolated(response);
    } catch (offline) {
        if (request.cache === 'no-store') throw offline;
        const copy = await caches.match(request.url, { cacheName: CACHE, ignoreSearch: true });
        if (copy) return isolated(copy);
        throw offline;
    }
}

self.addEventListener('fetch', (event) => {
    if (event.request.method !== 'GET' || !sameOrigin(event.request.url)) return;
    event.respondWith(networkFirst(event));
});

// The page's list of what it loaded: cache what is missing, drop older deployments' files. `keep`
// names files of this deployment that are cached only once used (the demos' code, loaded when a
// demo opens: a first visit to the home page does not download it).
self.addEventListener('message', (event) => {
    const list = (key) => (event.data && event.data[key] || []).filter(sameOrigin).map((u) => u.split('#')[0]);
    const urls = list('cache');
    const current = new Set([...urls, ...list('keep')]);
    event.waitUntil((async () => {
        const cache = await caches.open(CACHE);
        const wanted = new Set(urls);
        for (const url of wanted) {
            if (await cache.match(url)) continue;
            try {
                const response = await fetch(url);
                if (response.ok) await cache.put(url, response);
            } catch (_) { /* offline now: it will be cached on a later visit */ }
        }
        for (const request of await cache.keys()) {
            if (HASHED.test(new URL(request.url).pathname) && !current.has(request.url)) await cache.delete(request);
        }
    })());
});
