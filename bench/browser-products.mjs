// `npm run bench:browser`: the batched model product in headless Chromium (SwiftShader
// WebGL2, see test/browser/chromium.mjs): WebAssembly relaxed-SIMD and gpu.js WebGL2, over
// the sizes of bench/products-cases.json plus the 1×1×1 product (gpu.js's fixed cost per
// call). Writes bench/results/products-browser.json, which `glocal bench --suite gpu` shows
// beside the Node columns. Needs `npm run build` (the npm script does it).
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserBundle } from "../scripts/browser-plugin.mjs";
import { startServer } from "../scripts/serve.mjs";
import { launchChromium } from "../test/browser/chromium.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const CASES = JSON.parse(readFileSync(join(root, "bench", "products-cases.json"), "utf8"));
const cases = [CASES.tiny, ...(quick ? CASES.full.filter((c) => CASES.quick.includes(c.id)) : CASES.full)];
const out = join(root, "bench", "results", "products-browser.json");

await build({
  entryPoints: [join(root, "bench", "browser-entry.ts")],
  outfile: join(root, "dist", "bench-browser.mjs"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  logLevel: "warning",
  plugins: [browserBundle],
});

const server = await startServer({ port: 0 });
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(server.url + "examples/browser/");
  const result = await page.evaluate(
    async ({ cases, budget }) => {
      await import("/vendor/gpu.js/gpu-browser.min.js");
      const b = await import("/dist/bench-browser.mjs");
      await b.ready();
      const cells = {};
      for (const c of cases) {
        cells[c.id] = {
          "wasm relaxed-simd (Chromium)": b.measureCase(c, "wasm", budget),
          "gpu.js webgl2 (Chromium)": b.measureCase(c, "webgl2", budget),
        };
      }
      return { cells, info: b.backendInfo(), ua: navigator.userAgent };
    },
    { cases, budget: quick ? 300 : 1500 },
  );
  if (result.info.wasm !== "relaxed-simd") throw new Error(`the page ran the ${result.info.wasm} binary`);
  const chromium = (result.ua.match(/Chrome\/([\d.]+)/) ?? [])[1] ?? "unknown";
  const report = {
    date: new Date().toISOString(),
    chromium,
    renderer: result.info.gpu.renderer,
    wasm: result.info.wasm,
    cases,
    cells: result.cells,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 1) + "\n");
  const fmt = (c) => ("ms" in c ? c.ms.toFixed(c.ms < 10 ? 3 : 1) : c.missing);
  console.log(
    `Chromium ${chromium}, ${report.renderer}\n${"product".padEnd(34)} ${"MFLOP".padStart(8)} ${"wasm relaxed".padStart(14)} ${"gpu.js webgl2".padStart(14)}`,
  );
  for (const c of cases) {
    const cell = result.cells[c.id];
    console.log(
      `${c.label.padEnd(34)} ${((2 * c.m * c.n * c.k) / 1e6).toFixed(3).padStart(8)} ${fmt(cell["wasm relaxed-simd (Chromium)"]).padStart(14)} ${fmt(cell["gpu.js webgl2 (Chromium)"]).padStart(14)}`,
    );
  }
  console.log(`(ms per call) wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
