// Fails the build when the initial JavaScript (the entry chunk and what index.html preloads)
// is above the budget, gzipped. Prints one JSON line with the figures. Also writes a gzipped
// copy beside every JS and CSS asset, which the platform serves to browsers that accept gzip.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 300 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set();
for (const match of html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)) initial.add(match[1]);
let gzipped = 0;
let raw = 0;
for (const file of initial) {
  const bytes = readFileSync(join(dist, file));
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
const assets = readdirSync(join(dist, "assets"));
for (const file of assets.filter((f) => f.endsWith(".js") || f.endsWith(".css"))) {
  const path = join(dist, "assets", file);
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
}
const all = assets.filter((f) => f.endsWith(".js"));
const report = {
  initial_js_files: [...initial],
  initial_js_bytes: raw,
  initial_js_gzip_bytes: gzipped,
  budget_gzip_bytes: BUDGET_BYTES,
  js_chunks: all.length,
};
console.log(JSON.stringify(report));
if (initial.size === 0) {
  console.error("check-bundle: index.html references no JavaScript");
  process.exit(1);
}
if (gzipped > BUDGET_BYTES) {
  console.error(`check-bundle: initial JavaScript is ${gzipped} bytes gzipped, over ${BUDGET_BYTES}`);
  process.exit(1);
}
