/**
 * `glocal bench --suite gpu`: the batched model product (assembly/models/product.ts, the
 * kernel of every dense layer) on each backend available here: WebAssembly f64 with the
 * plain and the relaxed-SIMD binary (the other binary in a child process, as in child.ts),
 * gpu.js 'webasm' and 'cpu' (f32, on the CPU) in Node, and gpu.js WebGL2 in Chromium from
 * bench/results/products-browser.json (`npm run bench:browser`). Prints the crossover the
 * dispatcher uses (src/gpu/crossover.ts) next to the one these figures imply.
 *
 * WebAssembly is timed on operands already in its memory (the product as training runs
 * it); gpu.js through the dispatcher's hook, so its times include copying the operands out
 * as f32 and the result back (also as training runs it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendInfo } from "../src/core/load";
import { Cell, ProductCase, measureCase } from "./products-measure";
import { GPU_CROSSOVER_FLOPS, MEASURED } from "../src/gpu/crossover";
import CASES from "./products-cases.json";

type Column =
  | "wasm simd"
  | "wasm relaxed-simd"
  | "gpu.js webasm"
  | "gpu.js cpu"
  | "gpu.js webgl2 (Chromium)"
  | "wasm relaxed-simd (Chromium)";
const NODE_COLUMNS: Column[] = ["wasm simd", "wasm relaxed-simd", "gpu.js webasm", "gpu.js cpu"];
const BROWSER_COLUMNS: Column[] = ["wasm relaxed-simd (Chromium)", "gpu.js webgl2 (Chromium)"];

export interface ProductsReport {
  date: string;
  machine: { node: string; cpu: string; cores: number };
  cases: Array<ProductCase & { flops: number; cells: Partial<Record<Column, Cell>> }>;
  browser: { date: string; chromium: string; renderer: string | null } | null;
  crossover: { used: number; measured: typeof MEASURED; implied: number | null; note: string };
}

const CHILD_ENV = "GLOCAL_PRODUCTS_CHILD_FILE";
// Beside the sources (this file runs as dist/bench.cjs).
const BROWSER_RESULTS = path.join(__dirname, "..", "bench", "results", "products-browser.json");

function flops(c: ProductCase): number {
  return 2 * c.m * c.n * c.k;
}

function selectCases(quick: boolean): ProductCase[] {
  return quick ? CASES.full.filter((c) => CASES.quick.includes(c.id)) : CASES.full;
}

/** The other binary's column, from a child process (Node 20 needs a flag for relaxed SIMD). */
function otherBinary(quick: boolean): { column: Column; cells: Record<string, Cell> | null; reason: string | null } {
  const info = backendInfo();
  const other = info.wasm === "simd" ? "relaxed-simd" : "simd";
  const column: Column = other === "simd" ? "wasm simd" : "wasm relaxed-simd";
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "glocal-products-")), "child.json");
  const flags = other === "relaxed-simd" && !info.relaxedSimdSupported ? ["--experimental-wasm-relaxed-simd"] : [];
  const r = spawnSync(
    process.execPath,
    [...flags, path.join(__dirname, "cli.cjs"), "bench", "--suite", "gpu", ...(quick ? ["--quick"] : [])],
    {
      env: { ...process.env, GLOCAL_WASM: other, [CHILD_ENV]: file },
      encoding: "utf8",
      timeout: 10 * 60_000,
    },
  );
  try {
    if (r.status !== 0 || !fs.existsSync(file))
      return {
        column,
        cells: null,
        reason: `child for ${other} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split("\n").pop()}`,
      };
    const out = JSON.parse(fs.readFileSync(file, "utf8")) as { binary: string; cells: Record<string, Cell> };
    return out.binary === other
      ? { column, cells: out.cells, reason: null }
      : { column, cells: null, reason: `child ran ${out.binary}` };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function readBrowser(): {
  meta: ProductsReport["browser"];
  cells: Record<string, Partial<Record<Column, Cell>>>;
  tinyMs: number | null;
} | null {
  if (!fs.existsSync(BROWSER_RESULTS)) return null;
  try {
    const r = JSON.parse(fs.readFileSync(BROWSER_RESULTS, "utf8"));
    return {
      meta: { date: r.date, chromium: r.chromium, renderer: r.renderer },
      cells: r.cells,
      tinyMs: r.cells?.tiny?.["gpu.js webgl2 (Chromium)"]?.ms ?? null,
    };
  } catch {
    return null;
  }
}

const fmt = (c: Cell | undefined): string =>
  !c
    ? "—"
    : "ms" in c
      ? c.ms < 10
        ? c.ms.toFixed(3)
        : c.ms.toFixed(1)
      : c.missing.startsWith("error")
        ? "error"
        : "n/a";
const gflops = (c: Cell | undefined, f: number): number | null => (c && "ms" in c ? f / (c.ms * 1e6) : null);

export async function runProductsBench(o: {
  quick: boolean;
  log: (s: string) => void;
}): Promise<{ json: ProductsReport; markdown: string }> {
  const childFile = process.env[CHILD_ENV];
  const cases = selectCases(o.quick);
  const budget = o.quick ? 300 : 1500;
  if (childFile) {
    const cells: Record<string, Cell> = {};
    for (const c of cases) cells[c.id] = measureCase(c, "wasm", budget);
    fs.writeFileSync(childFile, JSON.stringify({ binary: backendInfo().wasm, cells }));
    return { json: null as unknown as ProductsReport, markdown: "" };
  }
  const own: Column = backendInfo().wasm === "simd" ? "wasm simd" : "wasm relaxed-simd";
  o.log(`batched model products (ms per call; ${own} in this process)\n`);
  const rows: ProductsReport["cases"] = cases.map((c) => ({ ...c, flops: flops(c), cells: {} }));
  for (const row of rows) {
    row.cells[own] = measureCase(row, "wasm", budget);
    row.cells["gpu.js webasm"] = measureCase(row, "webasm", budget);
    row.cells["gpu.js cpu"] = measureCase(row, "cpu", budget);
    o.log(
      `  ${row.label}: ${own} ${fmt(row.cells[own])}, gpu.js webasm ${fmt(row.cells["gpu.js webasm"])}, gpu.js cpu ${fmt(row.cells["gpu.js cpu"])}\n`,
    );
  }
  o.log("  the other WebAssembly binary in a child process...\n");
  const other = otherBinary(o.quick);
  for (const row of rows) row.cells[other.column] = other.cells?.[row.id] ?? { missing: other.reason ?? "n/a" };
  const browser = readBrowser();
  for (const row of rows)
    for (const col of BROWSER_COLUMNS)
      row.cells[col] = browser?.cells[row.id]?.[col] ?? { missing: "not measured (npm run bench:browser)" };

  // Implied crossover: the browser's f64 rate (relaxed SIMD) on the largest batched product
  // times gpu.js WebGL2's fixed cost per call (both where a WebGL GPU would be).
  const big = rows.find((r) => r.id === "fwd-330");
  const rate = big ? gflops(big.cells["wasm relaxed-simd (Chromium)"], big.flops) : null;
  const implied = rate !== null && browser?.tinyMs != null ? Math.round(rate * 1e9 * browser.tinyMs * 1e-3) : null;
  const note =
    "Products below the crossover stay in WebAssembly even on a hardware GPU: there gpu.js's fixed cost per call (upload, draw, read back; measured with WebGL2 in headless Chromium on the 1×1×1 product) exceeds the whole f64 product. No hardware GPU was available to measure one above it; on SwiftShader (software WebGL2) WebAssembly won at every size.";
  const report: ProductsReport = {
    date: new Date().toISOString(),
    machine: { node: process.version, cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU", cores: os.cpus().length },
    cases: rows,
    browser: browser?.meta ?? null,
    crossover: { used: GPU_CROSSOVER_FLOPS, measured: MEASURED, implied, note },
  };
  const columns = [...NODE_COLUMNS, ...BROWSER_COLUMNS];
  let text = `\n${"product".padEnd(34)} ${"MFLOP".padStart(7)} ${columns.map((c) => c.replace(" (Chromium)", "*").padStart(16)).join(" ")}\n`;
  for (const r of rows)
    text += `${r.label.padEnd(34)} ${(r.flops / 1e6).toFixed(1).padStart(7)} ${columns.map((c) => fmt(r.cells[c]).padStart(16)).join(" ")}\n`;
  text += `(ms per call; * in headless Chromium${browser?.meta ? ` ${browser.meta.chromium}, ${browser.meta.renderer ?? "?"}, ${browser.meta.date.slice(0, 10)}` : ", not measured"})\n`;
  text +=
    `crossover used by 'auto': ${GPU_CROSSOVER_FLOPS.toExponential(2)} flops (src/gpu/crossover.ts: wasm ${MEASURED.wasmGflops} GFLOP/s × gpu.js WebGL2 fixed cost ${MEASURED.webgl2FixedMs} ms; WebGL2 on SwiftShader ${MEASURED.webgl2Gflops} GFLOP/s)` +
    `; implied by this run: ${implied === null ? "n/a (no browser figures)" : implied.toExponential(2) + " flops"}\n`;
  o.log(text);
  return { json: report, markdown: productsMarkdown(report, columns) };
}

function productsMarkdown(r: ProductsReport, columns: Column[]): string {
  let md =
    `## Batched model product on each backend (ms per call)\n\n${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}` +
    (r.browser
      ? `; Chromium ${r.browser.chromium} (${r.browser.renderer ?? "unknown renderer"}), measured ${r.browser.date.slice(0, 10)}`
      : "") +
    ".\n\n";
  md += `| product | MFLOP | ${columns.join(" | ")} |\n| :--- | ---: | ${columns.map(() => "---:").join(" | ")} |\n`;
  for (const c of r.cases)
    md += `| ${c.label.replace(/\|/g, "\\|")} | ${(c.flops / 1e6).toFixed(1)} | ${columns.map((col) => fmt(c.cells[col])).join(" | ")} |\n`;
  md += `\nCrossover used by 'auto' (src/gpu/crossover.ts): ${r.crossover.used.toExponential(2)} flops; implied by this run: ${r.crossover.implied === null ? "n/a" : r.crossover.implied.toExponential(2)} flops. ${r.crossover.note}\n`;
  return md;
}
