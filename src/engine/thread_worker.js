// One wasm thread of the page's memory, in a worker of its own (engine/web_threads.rs says why):
// a worker of the compute pool (`compute`: the one that builds the rayon pool, or one of its
// threads) or a lane for jobs that may block. It joins the page's memory, says it is ready and
// then takes jobs of its kind until the page goes (`thread_run` never returns, unless a job
// panics: panics abort, and the page has then counted the thread out).
// The page runs it from a blob URL made from this text (so tests need no file of its own), or,
// for the compute pool, as the file dist/thread_worker.js that www/start.js starts before the
// wasm has even compiled: its first message then names only the glue, which loads meanwhile, and
// the module and memory follow once the page has them.
let glue; // the glue module's import, begun by the first message
// Where its start has got to, for a page that waited too long and asks (`where`): until it is
// ready a worker waits only on promises, so it still takes messages.
let stage = 'it had no message from the page';
self.onmessage = async ({ data }) => {
    if (data.where) return self.postMessage({ stage });
    try {
        if (!glue) {
            stage = 'it was loading the glue (no module or memory yet)';
            glue = import(data.glue);
            glue.catch(() => {}); // a failed import is told in answer to the message that needs it
        }
        if (!data.memory) return;
        stage = 'it was loading the glue';
        const bindings = await glue;
        stage = 'it was instantiating the module';
        const wasm = bindings.initSync({ module: data.module, memory: data.memory });
        // The demos' code (engine/web_pages.rs): put into this thread's instance the first time
        // it runs some, compiled from the bytes the page left in the shared memory.
        self.__cpLoadPages = () => {
            const code = bindings.pages_code();
            if (!code) throw new Error('a thread ran a demo before the page had loaded its code');
            new WebAssembly.Instance(new WebAssembly.Module(code), { primary: wasm });
        };
        stage = 'it was ready';
        self.postMessage({ ready: true });
        bindings.thread_run(data.compute);
    } catch (e) {
        self.postMessage({ error: String(e) });
    }
};
