/**
 * Timing of one batched model product on one backend, free of Node built-ins: used by the
 * gpu suite in Node (bench/products.ts) and, bundled for the browser, by
 * bench/browser-products.mjs in Chromium.
 */
import { withScope } from "../src/core/scope";
import { resolveProducts, runProducts } from "../src/gpu/dispatch";
import type { GpuMode } from "../src/gpu/gpujs";

export interface ProductCase {
  id: string;
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
}
/** Milliseconds per call (median), or why there is none. */
export type Cell = { ms: number; reps: number } | { missing: string };

/** Median ms of `fn` after a warm-up call, within about `budgetMs` (at least 1, at most 15 calls). */
export function timeIt(fn: () => void, budgetMs: number): { ms: number; reps: number } {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  const reps = Math.max(1, Math.min(15, Math.floor(budgetMs / Math.max(first, 1e-3))));
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], reps };
}

function seeded(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

/**
 * One product on `backend` ('wasm' or a gpu.js mode), operands already in WebAssembly
 * memory: WebAssembly is timed as training runs it; gpu.js through the dispatcher's hook,
 * so its time includes copying the operands out as f32 and the result back.
 */
export function measureCase(c: ProductCase, backend: "wasm" | GpuMode, budgetMs: number): Cell {
  try {
    const route = backend === "wasm" ? null : resolveProducts({ backend: "gpu", gpuMode: backend });
    return withScope((s) => {
      const a = s.put(seeded(c.m * c.k, 1)),
        b = s.put(seeded(c.k * c.n, 2)),
        out = s.alloc(c.m * c.n);
      const lda = c.transA ? c.m : c.k;
      const call = () => s.k.modelProduct(c.transA ? 1 : 0, 0, c.m, c.n, c.k, a, lda, b, c.n, 0, out, c.n);
      return timeIt(() => runProducts(route, call), budgetMs);
    });
  } catch (e) {
    return { missing: `error: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}` };
  }
}
