/**
 * The work budget of an estimate (src/estimate/budget.ts), measured: for each kind of
 * request -- many scalar rows, a long delay, many hyperparameters, the auto search, and
 * the CLI's own worst input -- the largest request the budget accepts is found (by
 * bisection on the predicted cost) and run in a fresh process, which reports its wall
 * time, its peak resident memory and the high-water mark of WebAssembly scratch beside
 * the prediction. docs/reliability.md quotes the worst of them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MAX_ESTIMATE_BYTES, MAX_ESTIMATE_WORK, predictWork } from "../src/estimate/budget";
import { resolveOptions } from "../src/estimate/options";
import type { EstimateOptions } from "../src/index";

/** Options of the budget suite (`glocal bench --suite budget`). */
export interface BudgetOptions {
  quick: boolean;
  log: (s: string) => void;
}

interface Family {
  name: string;
  /** The request for a size parameter v (rows, delay or hyperparameters). */
  at(v: number): { m: number; q: number; options: EstimateOptions };
  /** The range searched for the largest accepted v. */
  lo: number;
  hi: number;
  cli?: boolean;
}

const FAMILIES: Family[] = [
  { name: "scalar rows, default options (d = 16)", at: (m) => ({ m, q: 1, options: {} }), lo: 100, hi: 2e6 },
  { name: "q = 2, default options (d = 8)", at: (m) => ({ m, q: 2, options: {} }), lo: 100, hi: 2e6 },
  { name: "scalar rows, delay d, m = 3d", at: (d) => ({ m: 3 * d, q: 1, options: { delay: d } }), lo: 2, hi: 1e5 },
  {
    name: "200 rows, q hyperparameters (d = 1)",
    at: (q) => ({ m: 200, q, options: {} }),
    lo: 1,
    hi: 1e5,
  },
  {
    name: "q = 2, method and delay auto",
    at: (m) => ({ m, q: 2, options: { method: "auto", delay: "auto" } }),
    lo: 20,
    hi: 1e6,
  },
  {
    name: "glocal estimate: scalar rows from a JSON file (parse included)",
    at: (m) => ({ m, q: 1, options: {} }),
    lo: 100,
    hi: 2e6,
    cli: true,
  },
];

function fits(f: Family, v: number): boolean {
  const { m, q, options } = f.at(v);
  try {
    const p = predictWork(m, q, resolveOptions(options, m, q));
    return p.bytes <= MAX_ESTIMATE_BYTES && p.work <= MAX_ESTIMATE_WORK;
  } catch {
    return false;
  }
}

/** The largest v in [lo, hi] the budget accepts (the cost grows with v). */
function boundary(f: Family): number {
  let lo = f.lo,
    hi = f.hi;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(f, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Run in the child: the request's rows (a smooth two-mode trajectory), timed. */
const CHILD = `
const [dist, m, q, options, file] = JSON.parse(process.argv[1]);
const rows = [];
for (let t = 0; t < m; t++) {
  const r = [];
  for (let j = 0; j < q; j++) r.push(+(0.9 ** (t % 200) * (j + 1) + 0.3 * 0.7 ** (t % 50) * Math.cos(t + j)).toPrecision(6));
  rows.push(r);
}
const g = require(dist + "/index.cjs");
let ms, error = null, peak = null;
if (file) {
  require("fs").writeFileSync(file, JSON.stringify(rows));
  const { runCli } = require(dist + "/cli.cjs");
  const t0 = performance.now();
  let err = "";
  runCli(["estimate", "--input", file], { stdout: () => {}, stderr: (s) => (err += s), readStdin: () => "" }).then((code) => {
    ms = performance.now() - t0;
    if (code !== 0) error = err.trim();
    report();
  });
} else {
  const t0 = performance.now();
  try { g.estimateGlobal(rows, options); } catch (e) { error = e.code + ": " + e.message; }
  ms = performance.now() - t0;
  report();
}
function report() {
  // The CLI bundles its own copy of the library: its WebAssembly memory is not this one's.
  const wasmMiB = file ? null : g.memoryStats().wasmBytes / 2 ** 20;
  console.log(JSON.stringify({ ms, error, maxRssMiB: process.resourceUsage().maxRSS / 1024, wasmMiB }));
}
`;

interface Row {
  family: string;
  m: number;
  q: number;
  options: EstimateOptions;
  inputBytes: number | null;
  predictedMiB: number;
  predictedWork: number;
  ms: number;
  maxRssMiB: number;
  wasmMiB: number | null;
  error: string | null;
}

/** Finds and runs the largest accepted request of each kind; returns the table and the data. */
export async function runBudgetBench(o: BudgetOptions): Promise<{ markdown: string; json: object }> {
  const dist = path.resolve(__dirname);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-budget-"));
  const rows: Row[] = [];
  try {
    for (const f of o.quick ? FAMILIES.slice(0, 2) : FAMILIES) {
      const v = boundary(f);
      const { m, q, options } = f.at(v);
      const p = predictWork(m, q, resolveOptions(options, m, q));
      const file = f.cli ? path.join(tmp, "input.json") : null;
      o.log(`${f.name}: m = ${m}, q = ${q} ${JSON.stringify(options)} … `);
      const r = spawnSync(process.execPath, ["-e", CHILD, JSON.stringify([dist, m, q, options, file])], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
      const row: Row = {
        family: f.name,
        m,
        q,
        options,
        inputBytes: file ? fs.statSync(file).size : null,
        predictedMiB: p.bytes / 2 ** 20,
        predictedWork: p.work,
        ms: out.ms,
        maxRssMiB: out.maxRssMiB,
        wasmMiB: out.wasmMiB,
        error: out.error ?? (r.status === 0 ? null : `exit ${r.status}: ${r.stderr.slice(0, 200)}`),
      };
      rows.push(row);
      o.log(
        `${(row.ms / 1000).toFixed(1)} s, ${Math.round(row.maxRssMiB)} MiB resident${row.error ? `, ${row.error}` : ""}\n`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const worstTime = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  const worstRss = rows.reduce((a, b) => (b.maxRssMiB > a.maxRssMiB ? b : a));
  let md = `## Work budget of an estimate: the largest accepted requests\n\n`;
  md += `Budget: ${MAX_ESTIMATE_BYTES / 2 ** 30} GiB of predicted WebAssembly scratch, ${MAX_ESTIMATE_WORK.toExponential(0)} units of predicted work. Each row is the largest request of its kind the budget accepts, run in a fresh process (${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, shared).\n\n`;
  md += `| request | m | q | options | input | predicted scratch | predicted work | wall time | peak resident | WebAssembly memory | result |\n| :--- | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: | :--- |\n`;
  for (const r of rows) {
    md += `| ${r.family} | ${r.m} | ${r.q} | \`${JSON.stringify(r.options)}\` | ${r.inputBytes === null ? "—" : `${(r.inputBytes / 2 ** 20).toFixed(2)} MiB`} | ${Math.round(r.predictedMiB)} MiB | ${r.predictedWork.toExponential(2)} | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(r.maxRssMiB)} MiB | ${r.wasmMiB === null ? "—" : `${Math.round(r.wasmMiB)} MiB`} | ${r.error ?? "ok"} |\n`;
  }
  md += `\nSlowest: ${worstTime.family} (${(worstTime.ms / 1000).toFixed(1)} s); most memory: ${worstRss.family} (${Math.round(worstRss.maxRssMiB)} MiB resident).\n`;
  return {
    markdown: md,
    json: { maxEstimateBytes: MAX_ESTIMATE_BYTES, maxEstimateWork: MAX_ESTIMATE_WORK, rows },
  };
}
