// A separate program for the subprocess demo: not the playground's wasm, just a small tool with
// its own protocol, run in a Worker of its own. It reads standard input as messages, writes
// standard output and error as messages, and ends with an exit status, as a child process does.
//
//   page -> program: {argv: [name, ...args]}, then {stdin: text}..., then {eof: true}
//   program -> page: {stdout: text} | {stderr: text} | {exit: code}
//
// An uncaught exception is a crash (the page sees an error event); `spin` never ends by itself.
let argv = null;
let input = '';

const out = (text) => self.postMessage({ stdout: text });
const err = (text) => self.postMessage({ stderr: text });
const exit = (code) => { self.postMessage({ exit: code }); self.close(); };

const programs = {
    // Copies standard input to standard output in capitals, chunk by chunk, as it arrives.
    upper: { onInput: (chunk) => out(chunk.toUpperCase()), onEof: () => exit(0) },
    // Sorts the lines of standard input (all of it: sort must read to the end first).
    sort: { onEof: () => { out(input.split('\n').filter((l) => l !== '').sort().join('\n') + '\n'); exit(0); } },
    // Prints `n` lines, one every 100 ms: output that streams while the program runs.
    count: {
        start: (n) => {
            let i = 0;
            const total = Math.max(0, Math.min(1000, Number(n) || 0));
            const tick = () => { if (i === total) return exit(0); i += 1; out(`line ${i}\n`); setTimeout(tick, 100); };
            tick();
        },
    },
    // Complains on standard error and exits with the given status.
    fail: { start: (code) => { err('error: asked to fail\n'); exit(Number(code) || 1); } },
    // Throws: the program crashes.
    crash: { start: () => { throw new Error('the program crashed'); } },
    // Never ends and never answers: only being terminated stops it.
    spin: { start: () => { for (;;) { /* an endless loop */ } } },
};

self.onmessage = (event) => {
    const data = event.data;
    if (argv === null) {
        argv = data.argv || [];
        const program = programs[argv[0]];
        if (!program) { err(`${argv[0]}: command not found\n`); return exit(127); }
        if (program.start) program.start(...argv.slice(1));
        return;
    }
    const program = programs[argv[0]];
    if (typeof data.stdin === 'string') {
        input += data.stdin;
        if (program.onInput) program.onInput(data.stdin);
    } else if (data.eof && program.onEof) {
        program.onEof();
    }
};
