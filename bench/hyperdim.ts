/**
 * Many hyperparameters (q = 10 … 1000): what they cost.
 *
 * 1. The forward-mode step of logistic regression carrying q tangents, against the plain
 *    step (300 features, 256 examples, full batch): q = 1 (lr), 10 and 60 (lr + example
 *    weights), 300 (one weight decay per feature); beside them plain steps of softmax
 *    regression with 1 + q classes, whose products have the same shapes; and the
 *    per-feature scenario's size (60 features, 80 examples). Median ms per step over
 *    interleaved rounds, one process.
 * 2. The estimator at large q (d = 1, 2; m = 50, the default method) next to the window it
 *    extrapolates: the window's training cost (50 steps of logistic regression with
 *    p = q features and one weight decay per feature, 256 examples) and its memory (the
 *    session's WebAssembly block), against the estimate's time and the WebAssembly memory
 *    it needs — measured in a fresh child process per case, since WebAssembly memory only
 *    grows — plus the default delay and what the trust test says on those windows.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  InnerTraining,
  datasets,
  defaultDelay,
  estimateGlobal,
  hypergradientTrajectory,
  memoryStats,
  optimizers,
  problems,
} from "../src/index";
import type { HyperName, Problem, WeightsOptions } from "../src/index";
import { backendInfo } from "../src/core/load";

export interface StepRow {
  setup: string;
  q: number;
  msPerStep: number;
  /** Relative to the plain step of the same problem. */
  ratio: number;
}

export interface EstimatorRow {
  q: number;
  delay: number;
  /** One window's training: 50 steps with q tangents (ms) and the session's memory (bytes). */
  windowMs: number;
  sessionBytes: number;
  /** The estimate (median ms), its share of the window's training time, its memory. */
  estimateMs: number;
  shareOfWindow: number;
  estimateBytes: number | null;
  trusted: boolean;
  warnings: string[];
}

const M = 50;

function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Binary logistic data with p Gaussian features (the model: a sparse true weight vector). */
function logisticData(p: number, n: number, seed: number) {
  return datasets.synthetic({ kind: "binary", train: n, val: 128, features: p, noise: 0.5, seed });
}

/** Median ms per step of each session (interleaved rounds). */
function timeSessions(sessions: InnerTraining[], steps: number, rounds: number): number[] {
  sessions.forEach((s) => s.step(2));
  const times: number[][] = sessions.map(() => []);
  for (let r = 0; r < rounds; r++) {
    sessions.forEach((s, i) => {
      const t0 = performance.now();
      s.step(steps);
      times[i].push((performance.now() - t0) / steps);
    });
  }
  return times.map(median);
}

function stepCosts(quick: boolean, log: (s: string) => void): StepRow[] {
  const rows: StepRow[] = [];
  const steps = quick ? 3 : 8,
    rounds = quick ? 3 : 25;
  const sgd = optimizers.sgd({ lr: 0.1, wd: 1e-3 });
  const weightsFor = (q: number): WeightsOptions => ({ indices: Array.from({ length: q - 1 }, (_, i) => i) });
  // A session per row; `make` builds its problem (disposed with it).
  type Case = { setup: string; q: number; problem: () => Problem; hyper: HyperName[]; weights?: WeightsOptions };
  const groups: Case[][] = [];
  {
    const data = logisticData(300, 256, 1);
    const logistic = () => problems.logistic(data, { decay: "weights" });
    const setup = "logistic 300 features, 256 examples";
    const softmax = (k: number) => () =>
      problems.softmax(
        datasets.synthetic({ kind: "multiclass", classes: k, train: 256, val: 128, features: 300, seed: 1 }),
        {
          classes: k,
        },
      );
    groups.push([
      { setup, q: 0, problem: logistic, hyper: [] },
      { setup, q: 1, problem: logistic, hyper: ["lr"] },
      { setup, q: 10, problem: logistic, hyper: ["lr", "weights"], weights: weightsFor(10) },
      { setup, q: 60, problem: logistic, hyper: ["lr", "weights"], weights: weightsFor(60) },
      { setup, q: 300, problem: logistic, hyper: ["featureWd"] },
      // The same products without tangents: softmax regression with 1 + q classes, plain.
      { setup: "softmax, 61 classes, plain (same products as q = 60)", q: 0, problem: softmax(61), hyper: [] },
      { setup: "softmax, 301 classes, plain (same products as q = 300)", q: 0, problem: softmax(301), hyper: [] },
    ]);
  }
  {
    const data = logisticData(60, 80, 1);
    const logistic = () => problems.logistic(data, { decay: "weights" });
    const setup = "logistic 60 features, 80 examples (scenario)";
    groups.push([
      { setup, q: 0, problem: logistic, hyper: [] },
      { setup, q: 1, problem: logistic, hyper: ["lr"] },
      { setup, q: 60, problem: logistic, hyper: ["featureWd"] },
    ]);
  }
  for (const cases of groups) {
    const made = cases.map((c) => c.problem());
    const sessions = cases.map((c, i) => new InnerTraining(made[i], sgd, { hyper: c.hyper, weights: c.weights }));
    try {
      const ms = timeSessions(sessions, steps, rounds);
      cases.forEach((c, i) => {
        rows.push({ setup: c.setup, q: c.q, msPerStep: ms[i], ratio: ms[i] / ms[0] });
        log(
          `  ${c.setup}: q = ${String(c.q).padStart(3)}  ${ms[i].toFixed(3)} ms/step  ${(ms[i] / ms[0]).toFixed(2)}×\n`,
        );
      });
    } finally {
      sessions.forEach((s) => s.dispose());
      made.forEach((p) => p.dispose());
    }
  }
  return rows;
}

/** The estimate's WebAssembly memory: growth of the reserved bytes in a fresh process. */
function estimateMemory(file: string, q: number, delay: number): number | null {
  const index = path.join(__dirname, "index.cjs");
  if (!fs.existsSync(index)) return null;
  const script = `
    const fs = require("fs");
    const lib = require(${JSON.stringify(index)});
    const b = fs.readFileSync(${JSON.stringify(file)});
    const data = new Float64Array(new Uint8Array(b).buffer);
    const t = { rows: data.length / ${q}, cols: ${q}, data };
    lib.linalg.gemm({ rows: 1, cols: 1, data: new Float64Array([1]) }, { rows: 1, cols: 1, data: new Float64Array([1]) });
    const before = lib.memoryStats().wasmBytes;
    lib.estimateGlobal(t, { delay: ${delay}, dmdDiagnostics: false });
    process.stdout.write(String(lib.memoryStats().wasmBytes - before));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 120000 });
  const v = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(v) ? v : null;
}

function estimatorCosts(quick: boolean, log: (s: string) => void): EstimatorRow[] {
  const rows: EstimatorRow[] = [];
  const qs = quick ? [50, 300] : [50, 100, 300, 1000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "glocal-hyperdim-"));
  try {
    for (const q of qs) {
      const problem: Problem = problems.logistic(logisticData(q, 256, 2), { decay: "weights" });
      try {
        const opt = optimizers.sgd({ lr: 0.2, wd: 1e-3 });
        // A window in the middle of training (from the state after 100 plain steps).
        const warm = new InnerTraining(problem, opt, { hyper: [] });
        warm.step(100, { tangent: false });
        const state = warm.state();
        warm.dispose();
        const t0 = performance.now();
        const w = hypergradientTrajectory(problem, opt, { steps: M, hyper: ["featureWd"], state });
        const windowMs = performance.now() - t0;
        const sessionBytes = 2 * problem.parameterCount * (1 + q) * 8; // θ and gradient stacks (SGD)
        const file = path.join(dir, `traj-${q}.f64`);
        const d = w.trajectory.data;
        fs.writeFileSync(file, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
        for (const delay of [1, 2]) {
          const reps = q >= 1000 ? 5 : quick ? 3 : 11;
          const times: number[] = [];
          let last = estimateGlobal(w.trajectory, { delay, dmdDiagnostics: false });
          for (let r = 0; r < reps; r++) {
            const t1 = performance.now();
            last = estimateGlobal(w.trajectory, { delay, dmdDiagnostics: false });
            times.push(performance.now() - t1);
          }
          const estimateMs = median(times);
          const row: EstimatorRow = {
            q,
            delay,
            windowMs,
            sessionBytes,
            estimateMs,
            shareOfWindow: estimateMs / windowMs,
            estimateBytes: estimateMemory(file, q, delay),
            trusted: last.trusted,
            warnings: last.diagnostics.warnings.map((x) => x.code),
          };
          rows.push(row);
          log(
            `  q = ${String(q).padStart(4)}, d = ${delay}: window ${windowMs.toFixed(0)} ms, estimate ${estimateMs.toFixed(1)} ms (${(100 * row.shareOfWindow).toFixed(1)} %), memory ${row.estimateBytes === null ? "?" : (row.estimateBytes / 2 ** 20).toFixed(2) + " MiB"} vs session ${(sessionBytes / 2 ** 20).toFixed(2)} MiB; trusted ${row.trusted} ${row.warnings.join(",")}\n`,
          );
        }
      } finally {
        problem.dispose();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The `hyperdim` suite: step cost with q tangents, and the estimator at large q. */
export async function runHyperdimBench(o: {
  quick: boolean;
  log: (s: string) => void;
}): Promise<{ markdown: string; json: object }> {
  const started = Date.now();
  o.log(`many hyperparameters (${backendInfo().wasm} binary)\n`);
  const steps = stepCosts(o.quick, o.log);
  const estimator = estimatorCosts(o.quick, o.log);
  const elapsedS = Math.round((Date.now() - started) / 100) / 10;
  let md = `## Many hyperparameters: step cost and the estimator at large q (${backendInfo().wasm} binary)\n\n`;
  md += `Forward-mode step of logistic regression (full batch, decay on the weights only), ms per step and ratio to the plain logistic step of the same data (one session per row, interleaved rounds); the softmax rows are plain steps whose two products have the shapes of the logistic step's with q tangents:\n\n`;
  md += `| setup | q | ms/step | ratio | 1 + 0.6q |\n|---|---:|---:|---:|---:|\n`;
  for (const r of steps)
    md += `| ${r.setup} | ${r.q} | ${r.msPerStep.toFixed(3)} | ${r.ratio.toFixed(2)} | ${r.q ? (1 + 0.6 * r.q).toFixed(1) : ""} |\n`;
  md += `\nThe estimate (default method, m = ${M}) next to the window it extrapolates (${M} steps of logistic regression with p = q features, one weight decay each, 256 examples):\n\n`;
  md += `| q | d | default d | window training | estimate | share | estimate memory | session memory | trusted | warnings |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n`;
  for (const r of estimator) {
    const mem = r.estimateBytes === null ? "—" : `${(r.estimateBytes / 2 ** 20).toFixed(2)} MiB`;
    md += `| ${r.q} | ${r.delay} | ${defaultDelay(M, r.q)} | ${r.windowMs.toFixed(0)} ms | ${r.estimateMs.toFixed(1)} ms | ${(100 * r.shareOfWindow).toFixed(1)} % | ${mem} | ${(r.sessionBytes / 2 ** 20).toFixed(2)} MiB | ${r.trusted ? "yes" : "no"} | ${r.warnings.join(", ") || "—"} |\n`;
  }
  md += `\nEstimate memory: growth of the WebAssembly memory reserved by one estimate in a fresh process. The allocator grows memory by doubling it, so this is an upper bound within 2× of the peak. Session memory: the θ and gradient stacks, 2·P·(1 + q)·8 bytes (SGD). ${elapsedS} s in all; ${memoryStats().openScratchBlocks} scratch blocks open at the end.\n`;
  return { markdown: md, json: { binary: backendInfo().wasm, steps, estimator, elapsedS } };
}
