// Writes `F.br` and `F.gz` beside every text or wasm file F of a build (dist/), compressed once
// at the strongest settings, so a host that serves precompressed files (Caddy's `precompressed`,
// nginx's `brotli_static`/`gzip_static`, the tests' server) sends the smaller one the browser
// accepts. Brotli at quality 11 is ~25% smaller than gzip -9 on the wasm, and too slow to run
// per request: a host compressing on the fly uses a lower level.
//
// usage: node xtask/precompress.mjs DIR
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|svg|json|txt|py)$/;

function* files(dir) {
    for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) yield* files(path);
        else if (COMPRESSIBLE.test(name)) yield path;
    }
}

const dir = process.argv[2];
if (!dir) {
    console.error('usage: node xtask/precompress.mjs DIR');
    process.exit(2);
}
let raw = 0, br = 0, gz = 0;
for (const path of files(dir)) {
    const body = readFileSync(path);
    const brotli = brotliCompressSync(body, {
        params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
    });
    const gzip = gzipSync(body, { level: 9 });
    // A host would rather send the file as it is than a "compressed" copy that is larger.
    if (brotli.length < body.length) writeFileSync(`${path}.br`, brotli);
    if (gzip.length < body.length) writeFileSync(`${path}.gz`, gzip);
    raw += body.length;
    br += Math.min(brotli.length, body.length);
    gz += Math.min(gzip.length, body.length);
}
const kb = (n) => (n / 1024).toFixed(0);
console.error(`precompressed ${dir}: ${kb(raw)} KB raw, ${kb(gz)} KB gzip, ${kb(br)} KB brotli`);
