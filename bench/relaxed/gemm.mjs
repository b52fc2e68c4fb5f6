// The relaxed-SIMD question: why Node 20 (with --experimental-wasm-relaxed-simd) ran gemm
// slower with the relaxed binary than with the plain one. For each Node binary given, and
// each of build/glocal.wasm and build/glocal-relaxed.wasm:
//  - gemm n = 512 GFLOP/s (median of 15 products after 5 warm-ups, in a fresh process;
//    rounds interleaved across the binaries, median and best over rounds);
//  - the machine code V8's optimising tier makes of the 6×4 micro-kernel (--print-wasm-code):
//    how many of its loop's instructions touch the stack frame ([rbp-…], accumulators
//    spilled and reloaded every iteration) and whether it multiplies-adds with vfmadd.
// Usage: node bench/relaxed/gemm.mjs [--rounds N] [--markdown FILE] [--json FILE] NODE...
// (run `npm run build:wasm` first; NODE defaults to this node).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);

if (args[0] === "--child") {
  const file = args[1],
    n = Number(args[2]);
  const mod = new WebAssembly.Module(readFileSync(file));
  const k = new WebAssembly.Instance(mod, {
    env: {
      abort: () => {
        throw new Error("abort");
      },
    },
    glocal: { product: () => 0 },
  }).exports;
  const A = k.persistentAlloc(n * n * 8) >>> 0,
    B = k.persistentAlloc(n * n * 8) >>> 0,
    C = k.persistentAlloc(n * n * 8) >>> 0;
  const f = new Float64Array(k.memory.buffer);
  for (let i = 0; i < n * n; i++) {
    f[A / 8 + i] = Math.sin(i);
    f[B / 8 + i] = Math.cos(i);
  }
  const run = () => {
    const m = k.scratchMark();
    k.gemm(0, 0, n, n, n, 1.0, A, n, B, n, 0.0, C, n);
    k.scratchRelease(m);
  };
  for (let i = 0; i < 5; i++) run();
  const t = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    run();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  console.log(JSON.stringify({ gflops: (2 * n ** 3) / t[7] / 1e6 }));
  process.exit(0);
}

let rounds = 5,
  markdown = null,
  json = null;
const nodes = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--rounds") rounds = Number(args[++i]);
  else if (args[i] === "--markdown") markdown = args[++i];
  else if (args[i] === "--json") json = args[++i];
  else nodes.push(args[i]);
}
if (nodes.length === 0) nodes.push(process.execPath);
const self = fileURLToPath(import.meta.url);
const binaries = { simd: join(root, "build/glocal.wasm"), relaxed: join(root, "build/glocal-relaxed.wasm") };
const version = (node) => spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
// Node < 22 validates relaxed SIMD only behind its flag.
const flags = (node, bin) =>
  bin === "relaxed" && Number(version(node).slice(1).split(".")[0]) < 22 ? ["--experimental-wasm-relaxed-simd"] : [];

/** Stack-frame accesses in the optimised micro-kernel's loop, and its multiply-add instruction. */
function microKernelCode(node, bin) {
  const out = spawnSync(node, [...flags(node, bin), "--print-wasm-code", self, "--child", binaries[bin], "128"], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  }).stdout;
  // The optimised functions (TurboFan), then the first run of 12 multiply-adds.
  const blocks = out.split("--- WebAssembly code ---").filter((b) => /compiler: TurboFan/.test(b));
  for (const b of blocks) {
    const lines = b.split("\n");
    const isMac = (l) => /\b(vfmadd\d+pd|vmulpd)\b/.test(l);
    for (let i = 0; i + 12 < lines.length; i++) {
      if (!isMac(lines[i])) continue;
      // The loop body: from the loads before the first multiply to the back edge's stack check.
      let end = i;
      while (end < lines.length && !/cmpq rsp,/.test(lines[end])) end++;
      const body = lines.slice(Math.max(0, i - 12), end);
      if (body.filter(isMac).length < 12) continue;
      return {
        stackAccesses: body.filter((l) => /\[rbp-/.test(l)).length,
        multiplyAdd: body.some((l) => /vfmadd/.test(l)) ? "vfmadd231pd (fused)" : "vmulpd + vaddpd",
      };
    }
  }
  return { stackAccesses: null, multiplyAdd: "not found" };
}

const rows = [];
for (const node of nodes) {
  for (const bin of ["simd", "relaxed"])
    rows.push({ node: version(node), path: node, bin, runs: [], ...microKernelCode(node, bin) });
}
for (let r = 0; r < rounds; r++) {
  for (const row of rows) {
    const res = spawnSync(row.path, [...flags(row.path, row.bin), self, "--child", binaries[row.bin], "512"], {
      encoding: "utf8",
    });
    row.runs.push(JSON.parse(res.stdout.trim().split("\n").pop()).gflops);
  }
}
const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
let md = `| Node | binary | gemm n = 512, GFLOP/s (median of ${rounds} processes) | best | micro-kernel multiply-add | stack accesses in its loop |\n| :--- | :--- | ---: | ---: | :--- | ---: |\n`;
for (const r of rows) {
  r.median = med(r.runs);
  r.best = Math.max(...r.runs);
  md += `| ${r.node} | ${r.bin} | ${r.median.toFixed(2)} | ${r.best.toFixed(2)} | ${r.multiplyAdd} | ${r.stackAccesses ?? "—"} |\n`;
  console.log(
    `${r.node} ${r.bin}: ${r.median.toFixed(2)} GFLOP/s (best ${r.best.toFixed(2)}), ${r.multiplyAdd}, ${r.stackAccesses} stack accesses`,
  );
}
if (markdown) writeFileSync(markdown, md);
if (json)
  writeFileSync(
    json,
    JSON.stringify(
      rows.map(({ path, ...r }) => r),
      null,
      1,
    ) + "\n",
  );
