// Recomputes every `integrity="sha384-…"` in an HTML file from the file its tag names, after a
// build step changed a file trunk had already hashed (xtask/split-wasm rewrites the wasm). A stale
// hash would make the browser refuse the preload and fetch the wasm a second time.
//
// usage: node xtask/integrity.mjs dist/index.html
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';

const html = process.argv[2];
if (!html) {
    console.error('usage: node xtask/integrity.mjs FILE.html');
    process.exit(2);
}
const dir = dirname(html);
let changed = 0;
const out = readFileSync(html, 'utf8').replace(/<(link|script)\b[^>]*>/g, (tag) => {
    const url = /\b(?:href|src)="([^"]+)"/.exec(tag);
    if (!url || !/\bintegrity="/.test(tag)) return tag;
    const body = readFileSync(join(dir, decodeURI(url[1])));
    const hash = 'sha384-' + createHash('sha384').update(body).digest('base64');
    const next = tag.replace(/\bintegrity="[^"]*"/, `integrity="${hash}"`);
    if (next !== tag) changed += 1;
    return next;
});
writeFileSync(html, out);
console.log(`integrity: ${changed} hash(es) updated in ${html}`);
