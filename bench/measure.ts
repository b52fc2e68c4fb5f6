/**
 * Timing with benchmark.js, run synchronously. Slow operations (a single call above
 * `slowLimitS`, e.g. ml-matrix gemm at n = 1024) are timed once outside benchmark.js and
 * marked, so a baseline cannot stretch the run to many minutes.
 */
import Benchmark from "benchmark";

export interface Timing {
  /** Mean seconds per call. */
  mean: number;
  /** Relative margin of error in percent (0 for a single run). */
  rme: number;
  /** Number of samples benchmark.js took (1 for a single run). */
  samples: number;
  /** "benchmark.js" or "single run" (too slow for repeated sampling). */
  method: "benchmark.js" | "single run";
}

export interface MeasureSettings {
  maxTime: number;
  minSamples: number;
  /** A first call slower than this (seconds) is reported as a single run. */
  slowLimitS: number;
  /** Seconds of untimed calls before timing (lets the engine tier up wasm and JS). */
  warmupS: number;
}

export const FULL_SETTINGS: MeasureSettings = { maxTime: 2, minSamples: 5, slowLimitS: 2, warmupS: 0.5 };
export const QUICK_SETTINGS: MeasureSettings = { maxTime: 0.25, minSamples: 3, slowLimitS: 0.5, warmupS: 0.2 };

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export function measure(name: string, fn: () => unknown, s: MeasureSettings): Timing {
  // The first call doubles as the slowness probe and as warm-up (wasm tier-up happens
  // on the first calls, JIT of the JS baselines likewise).
  let t0 = now();
  fn();
  const first = now() - t0;
  if (first > s.slowLimitS) return { mean: first, rme: 0, samples: 1, method: "single run" };
  t0 = now();
  let calls = 1;
  while (now() - t0 < s.warmupS || calls < 3) {
    fn();
    calls++;
  }
  const bench = new Benchmark(name, fn, { maxTime: s.maxTime, minSamples: s.minSamples, initCount: 1 });
  bench.run({ async: false });
  const error = (bench as unknown as { error?: unknown }).error;
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { mean: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length, method: "benchmark.js" };
}
