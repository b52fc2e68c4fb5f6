/**
 * How many threads one inner step uses: the `threads` option (1, 2, … or 'auto'), what the
 * runtime allows, and the measured crossover below which one thread is faster.
 *
 * The threaded step needs shared WebAssembly memory (SharedArrayBuffer), workers, and a
 * caller that may block in Atomics.wait. Node has all three (main thread and workers). A
 * browser has them only in a Web Worker of a cross-origin-isolated page (served with
 * COOP `same-origin` and COEP `require-corp`): a page's main thread may not block, and
 * without isolation there is no SharedArrayBuffer. There, 'auto' means one thread.
 */
import { GlocalError, describe } from "../../core/errors";
import { checkOptions } from "../../core/validate";
import { workerFactory } from "./pool";

export type ThreadsOption = number | "auto";

/** The most threads one step may be split over. */
export const MAX_THREADS = 64;

/**
 * Work (batch × parameters × (1 + q)) from which `auto` splits a step over 2 threads.
 * Each extra thread costs work proportional to parameters × (1 + q) (θ copied in, the
 * model's weights packed again for its products, its partial gradient added and the sum
 * copied out) plus waking it; the batch's work is what gets halved. Measured with
 * `glocal bench --suite parallel-step` (bench/results/parallel-step.md) in process CPU time,
 * which a busy machine leaves intact: a second thread adds 32 % to softmax at batch 100
 * (work 2.4e6) and 7 % to the MLP at batch 100 (1.5e7), so by CPU time alone two threads
 * would gain even there; what CPU time misses is the latency of waking a worker and waiting
 * for it, which weighs on steps of a millisecond or less. 5e6 is a conservative choice that
 * keeps such steps on one thread, to be lowered once a quiet machine shows the wall-clock
 * break-even (docs/threads.md).
 */
export const THREAD_CROSSOVER_WORK = 5_000_000;

/** `auto` never uses more than this many threads (a step's serial part caps the gain). */
const AUTO_MAX_THREADS = 8;

let defaults: { threads: ThreadsOption; crossover: number } = { threads: "auto", crossover: THREAD_CROSSOVER_WORK };

/**
 * Sets what a session without its own `threads` option uses (initially 'auto'), and the
 * crossover work of 'auto' (initially THREAD_CROSSOVER_WORK). A pool that runs independent
 * trainings on every core sets `threads: 1`, so that each run's steps do not compete with
 * the other runs for the same cores. Returns the defaults now in force.
 */
export function setThreadDefaults(options: { threads?: ThreadsOption; crossover?: number } = {}): {
  threads: ThreadsOption;
  crossover: number;
} {
  const o = checkOptions(options, ["threads", "crossover"], "setThreadDefaults options");
  const threads = o.threads === undefined ? defaults.threads : checkThreads(o.threads);
  let crossover = defaults.crossover;
  if (o.crossover !== undefined) {
    if (typeof o.crossover !== "number" || !(o.crossover > 0) || !Number.isFinite(o.crossover))
      throw new GlocalError(
        "E_OPTION",
        `option 'crossover' must be a finite number of work units > 0, got ${describe(o.crossover)}`,
        "crossover",
      );
    crossover = o.crossover;
  }
  defaults = { threads, crossover };
  return { ...defaults };
}

/** The defaults of setThreadDefaults, for a session to resolve its `threads` with. */
export function threadDefaults(): { threads: ThreadsOption; crossover: number } {
  return { ...defaults };
}

/** Validates the `threads` option (undefined: the default of setThreadDefaults, initially 'auto'). */
export function checkThreads(v: unknown, name = "threads"): ThreadsOption {
  if (v === undefined) return defaults.threads;
  if (v === "auto") return "auto";
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > MAX_THREADS) {
    throw new GlocalError(
      "E_OPTION",
      `option '${name}' must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${describe(v)}`,
      name,
    );
  }
  return v;
}

/** Whether this runtime can run the threaded step, and if not, why. */
export function threadSupport(): { ok: boolean; reason: string } {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; window?: unknown };
  if (typeof g.SharedArrayBuffer !== "function" || g.crossOriginIsolated === false) {
    return {
      ok: false,
      reason: "shared memory is unavailable (a browser page needs cross-origin isolation: COOP and COEP headers)",
    };
  }
  if (typeof g.window === "object" && g.window !== null) {
    return { ok: false, reason: "a browser's main thread may not block in Atomics.wait: run glocal in a Web Worker" };
  }
  if (workerFactory() === null) return { ok: false, reason: "this runtime cannot start worker threads" };
  return { ok: true, reason: "" };
}

/** Logical cores of this machine (1 when the runtime does not say). */
export function hardwareThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("os") as { availableParallelism?: () => number } | undefined;
  const n =
    typeof os?.availableParallelism === "function"
      ? os.availableParallelism()
      : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The thread count of a session: 1 for `threads: 1`; an explicit count (at most the batch
 * size, E_UNSUPPORTED where the runtime cannot); for 'auto', 1 below the crossover or
 * where threads are unavailable, else one thread per crossover's worth of work, at most
 * the cores and 8.
 */
export function resolveThreads(option: ThreadsOption, work: number, batch: number, crossover: number): number {
  if (option === 1) return 1;
  const support = threadSupport();
  if (option !== "auto") {
    if (!support.ok) throw new GlocalError("E_UNSUPPORTED", `threads: ${option} — ${support.reason}`, "threads");
    return Math.min(option, batch);
  }
  if (!support.ok) return 1;
  const want = 1 + Math.floor(work / crossover);
  return Math.max(1, Math.min(want, hardwareThreads(), AUTO_MAX_THREADS, batch));
}

/** What `threadInfo()` reports. */
export interface ThreadInfo {
  /** Whether this runtime can split an inner step over threads. */
  available: boolean;
  /** Why not, when not available ('' when available). */
  reason: string;
  /** Logical cores ('auto' uses at most these, and 8). */
  cores: number;
  /** Work (batch × parameters × (1 + q)) from which 'auto' uses a second thread (setThreadDefaults). */
  crossoverWork: number;
}

/** Whether the data-parallel inner step is available here (docs/threads.md). */
export function threadInfo(): ThreadInfo {
  const { ok, reason } = threadSupport();
  return { available: ok, reason, cores: hardwareThreads(), crossoverWork: defaults.crossover };
}
