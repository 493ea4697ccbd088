// The worker that starts the page's thread pool (engine/web.rs, `init_threads`, says why not the
// page itself). It joins the page's wasm memory as one more thread, asks for the pool, answers
// once, and then stays idle: the pool's workers are its own, and a worker's workers end with it.
// Run from a blob URL (the page makes it from this text), so it needs no file of its own.
self.onmessage = async ({ data }) => {
    try {
        const glue = await import(data.glue);
        glue.initSync({ module: data.module, memory: data.memory });
        await glue.pool_start(data.threads);
        self.postMessage({ ready: data.threads });
    } catch (e) {
        self.postMessage({ error: String(e) });
    }
};
