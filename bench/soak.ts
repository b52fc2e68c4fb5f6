/**
 * Soak test (issue: hardening): 10⁵ estimates and a long optimisation, reporting the
 * WebAssembly memory and the JS heap before and after each phase. Both must stay flat:
 * every call releases its scratch memory, and long-lived objects free theirs on dispose().
 * Run with `node --expose-gc` so the heap is measured after a collection.
 */
import { GlocalEstimator, datasets, estimateGlobal, memoryStats, optimize, optimizers, problems } from "../src/index";
import type { Method } from "../src/index";

export interface SoakOptions {
  quick: boolean;
  log: (s: string) => void;
}

interface Reading {
  wasmBytes: number;
  heapBytes: number;
  openScratchBlocks: number;
}

function read(): Reading {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = memoryStats();
  return { wasmBytes: m.wasmBytes, heapBytes: process.memoryUsage().heapUsed, openScratchBlocks: m.openScratchBlocks };
}

const MB = (b: number) => (b / 2 ** 20).toFixed(2);

export async function runSoak(o: SoakOptions): Promise<{ markdown: string; json: object }> {
  const estimates = o.quick ? 5000 : 100_000;
  const innerSteps = o.quick ? 4000 : 40_000;
  const gcExposed = typeof (globalThis as { gc?: unknown }).gc === "function";
  const methods: Method[] = ["affine", "rre", "mpe", "limit", "horizon"];
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const trajectory = () => {
    const r1 = 0.5 + 0.45 * Math.abs(rnd()),
      r2 = 0.3 + 0.5 * Math.abs(rnd());
    const c = [rnd(), rnd()],
      u = [rnd(), rnd()],
      v = [rnd(), rnd()];
    return Array.from({ length: 60 }, (_, t) =>
      c.map((ci, i) => ci + Math.pow(r1, t + 1) * u[i] + Math.pow(r2, t + 1) * v[i] + 1e-6 * rnd()),
    );
  };

  // Warm-up: the allocator reserves its pages on first use; measure from there.
  for (let i = 0; i < 200; i++) estimateGlobal(trajectory(), { delay: 4, method: methods[i % 5], horizon: 100 });
  const before = read();
  const t0 = Date.now();
  let untrusted = 0;
  for (let i = 0; i < estimates; i++) {
    if (i % 100 === 99) {
      // Every hundredth: the streaming estimator, created and disposed.
      const est = new GlocalEstimator({ dim: 2, window: 60, delay: 4 });
      for (const row of trajectory()) est.push(row);
      if (!est.estimate().trusted) untrusted++;
      est.dispose();
    } else if (!estimateGlobal(trajectory(), { delay: 4, method: methods[i % 5], horizon: 100 }).trusted) untrusted++;
    if (i > 0 && i % 20000 === 0) o.log(`  ${i} estimates, wasm ${MB(memoryStats().wasmBytes)} MiB\n`);
  }
  const estSeconds = (Date.now() - t0) / 1000;
  const afterEstimates = read();

  const data = datasets.synthetic({
    kind: "multiclass",
    train: 400,
    val: 200,
    features: 20,
    classes: 4,
    noise: 0.5,
    seed: 2,
  });
  const problem = problems.softmax(data, { classes: 4 });
  const t1 = Date.now();
  const r = optimize({
    problem,
    optimizer: optimizers.momentum({ lr: 0.05, wd: 1e-3, momentum: 0.9 }),
    hyper: ["lr", "wd", "momentum"],
    strategy: "glocal",
    innerSteps,
    window: 100,
    batchSize: 50,
    glocal: { stride: 2 },
    evalEvery: 1000,
  });
  problem.dispose();
  const optSeconds = (Date.now() - t1) / 1000;
  const afterOptimize = read();

  const flat = afterEstimates.wasmBytes === before.wasmBytes && afterOptimize.openScratchBlocks === 0;
  const md =
    `## Soak test${gcExposed ? "" : " (run with node --expose-gc for exact heap figures)"}\n\n` +
    `| phase | work | time | WebAssembly memory | JS heap (after GC) | open scratch blocks |\n| :--- | :--- | ---: | ---: | ---: | ---: |\n` +
    `| before | warm-up (200 estimates) | — | ${MB(before.wasmBytes)} MiB | ${MB(before.heapBytes)} MiB | ${before.openScratchBlocks} |\n` +
    `| after estimates | ${estimates.toLocaleString("en-US")} estimates (${estimates / 100} of them streaming, created and disposed), ${untrusted} untrusted | ${estSeconds.toFixed(1)} s | ${MB(afterEstimates.wasmBytes)} MiB | ${MB(afterEstimates.heapBytes)} MiB | ${afterEstimates.openScratchBlocks} |\n` +
    `| after optimisation | glocal, ${innerSteps.toLocaleString("en-US")} inner steps, ${r.counts.updates} updates, ${r.counts.jvps.toLocaleString("en-US")} JVPs (${r.stopped}) | ${optSeconds.toFixed(1)} s | ${MB(afterOptimize.wasmBytes)} MiB | ${MB(afterOptimize.heapBytes)} MiB | ${afterOptimize.openScratchBlocks} |\n` +
    `\nWebAssembly memory ${flat ? "flat" : "GREW"}: ${MB(before.wasmBytes)} → ${MB(afterEstimates.wasmBytes)} MiB over the estimates; JS heap ${MB(before.heapBytes)} → ${MB(afterEstimates.heapBytes)} → ${MB(afterOptimize.heapBytes)} MiB.\n`;
  o.log("\n" + md);
  return {
    markdown: md,
    json: {
      estimates,
      innerSteps,
      before,
      afterEstimates,
      afterOptimize,
      estSeconds,
      optSeconds,
      untrusted,
      gcExposed,
      flat,
    },
  };
}
