// One wasm thread of the page's memory, in a worker of its own (engine/web_threads.rs says why):
// either the starter of the rayon pool, or a lane for jobs that may block. It joins the page's
// memory, says it is ready and then works: the starter asks for the pool and stays idle (a
// worker's workers end with it); a lane takes jobs until the page goes (`lane_run` never
// returns, unless a job panics: panics abort, and the page has then counted the lane out).
// Run from a blob URL (the page makes it from this text), so it needs no file of its own.
self.onmessage = async ({ data }) => {
    try {
        const glue = await import(data.glue);
        glue.initSync({ module: data.module, memory: data.memory });
        if (data.lane) {
            self.postMessage({ ready: true });
            glue.lane_run();
        } else {
            await glue.pool_start(data.threads);
            self.postMessage({ ready: true });
        }
    } catch (e) {
        self.postMessage({ error: String(e) });
    }
};
