// A "process" of the playground: this worker instantiates the playground's wasm module on its
// own, with a fresh memory that no other thread or worker can see, and then answers requests
// (bytes in, bytes out) one at a time. It shares nothing with the page but messages.
let glue = null;
// A SharedArrayBuffer the page handed over (multiprocessing.Value): the one memory this process
// shares, as 32-bit words.
let shared = undefined;

self.onmessage = async (event) => {
    const data = event.data;
    if (data && data.init) {
        try {
            glue = await import(data.glue);
            // No `memory` given: the glue makes a new one for this instance alone.
            const wasm = await glue.default({ module_or_path: data.module });
            // The demos' code, compiled by the page (engine/web_pages.rs), if the build was cut.
            if (data.pages) new WebAssembly.Instance(data.pages, { primary: wasm });
            self.__cpLoadPages = () => { throw new Error('this process was started without the demos\' code'); };
            self.postMessage('ready');
        } catch (e) {
            self.postMessage({ error: 'the process could not start: ' + e });
            self.close();
        }
        return;
    }
    if (data && data.share) {
        shared = new Int32Array(data.share);
        return;
    }
    try {
        const reply = glue.process_serve(data.request, shared);
        // The reply goes back the way the request came: moved, or copied.
        if (data.transfer) self.postMessage(reply, [reply.buffer]);
        else self.postMessage(reply);
    } catch (e) {
        // A panic aborts the instance: this process is dead, as a crashed process would be.
        let why = '';
        try { why = glue.process_last_panic(); } catch (_) { /* the instance is gone */ }
        self.postMessage({ error: 'the process crashed: ' + (why || e) });
        self.close();
    }
};
