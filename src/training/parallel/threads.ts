/**
 * How one inner step is split, in two separate counts:
 *  - slices: the batch's partition, and so the summation order and the bits of the result.
 *    It comes from the `threads` option (1, 2, … or 'auto') and the problem's work only.
 *  - helpers: the threads started to compute slices besides the caller. They depend on the
 *    cores, the runtime and a process-wide cap (setThreadDefaults), and change only speed.
 *
 * Helper threads need shared WebAssembly memory (SharedArrayBuffer), workers, and a caller
 * that may block in Atomics.wait. Node has all three (main thread and workers). A browser
 * has them only in a Web Worker of a cross-origin-isolated page (served with COOP
 * `same-origin` and COEP `require-corp`): a page's main thread may not block, and without
 * isolation there is no SharedArrayBuffer. There every slice runs on the caller.
 */
import { GlocalError, describe } from "../../core/errors";
import { checkOptions } from "../../core/validate";
import { workerFactory } from "./pool";

export type ThreadsOption = number | "auto";

/** The most threads one step may be split over. */
export const MAX_THREADS = 64;

/**
 * Work (batch × parameters × (1 + q)) per slice of `auto`: from it a step is cut in 2.
 * Each extra slice costs work proportional to parameters × (1 + q) (θ copied in, the
 * model's weights packed again for its products, its partial gradient added and the sum
 * copied out), and each helper thread the latency of waking it; the batch's work is what
 * gets divided. Measured on an idle 2-core machine (`npm run bench:parallel`,
 * bench/results/parallel.md): 2 threads slow softmax at batch 100 (work 2.4e6) to 1.33×
 * and speed the MLP at batch 100 (1.5e7) to 0.64×; 5e6 keeps the former in one slice.
 */
export const THREAD_CROSSOVER_WORK = 5_000_000;

/** `auto` never cuts a step into more slices than this (a step's serial part caps the gain). */
const AUTO_MAX_SLICES = 8;

/** What setThreadDefaults sets. */
export interface ThreadDefaults {
  /** The `threads` of sessions without their own option (initially 'auto'). */
  threads: ThreadsOption;
  /** The crossover work of 'auto' (initially THREAD_CROSSOVER_WORK). */
  crossover: number;
  /**
   * The most helper threads one step may start, process-wide (initially MAX_THREADS − 1:
   * no cap beyond the cores). It changes who computes the slices, never the slices, so
   * never the results: a pool of independent runs sets 0 in its workers.
   */
  maxHelpers: number;
}

const INITIAL: ThreadDefaults = { threads: "auto", crossover: THREAD_CROSSOVER_WORK, maxHelpers: MAX_THREADS - 1 };
let defaults: ThreadDefaults = { ...INITIAL };

/**
 * Sets, process-wide: what a session without its own `threads` option uses (initially
 * 'auto'), the crossover work of 'auto' (initially THREAD_CROSSOVER_WORK), and `maxHelpers`,
 * the most helper threads a step may start (an integer in [0, 63]; initially 63). A pool
 * that runs independent trainings on every core sets `maxHelpers: 0` in its workers: each
 * run's steps then stay on its own thread, with the same bits as with helpers. Sessions
 * read these when they are created (maxHelpers: on their first step). Returns the defaults
 * now in force.
 */
export function setThreadDefaults(options: Partial<ThreadDefaults> = {}): ThreadDefaults {
  const o = checkOptions(options, ["threads", "crossover", "maxHelpers"], "setThreadDefaults options");
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
  let maxHelpers = defaults.maxHelpers;
  if (o.maxHelpers !== undefined) {
    const m = o.maxHelpers;
    if (typeof m !== "number" || !Number.isInteger(m) || m < 0 || m > MAX_THREADS - 1)
      throw new GlocalError(
        "E_OPTION",
        `option 'maxHelpers' must be an integer in [0, ${MAX_THREADS - 1}], got ${describe(m)}`,
        "maxHelpers",
      );
    maxHelpers = m;
  }
  defaults = { threads, crossover, maxHelpers };
  return { ...defaults };
}

/** The defaults of setThreadDefaults, for a session to resolve its `threads` with. */
export function threadDefaults(): ThreadDefaults {
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

/**
 * What tests put in place of the machine: a core count and the runtime's support of helper
 * threads (null: the real ones). Not part of the public API.
 */
let simulated: { cores: number | null; support: { ok: boolean; reason: string } | null } = {
  cores: null,
  support: null,
};
export function simulateThreadEnvironment(env: {
  cores?: number | null;
  support?: { ok: boolean; reason: string } | null;
}): void {
  simulated = { cores: env.cores ?? null, support: env.support ?? null };
}

/** Whether this runtime can run helper threads, and if not, why. */
export function threadSupport(): { ok: boolean; reason: string } {
  if (simulated.support !== null) return { ...simulated.support };
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
  if (simulated.cores !== null) return simulated.cores;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("os") as { availableParallelism?: () => number } | undefined;
  const n =
    typeof os?.availableParallelism === "function"
      ? os.availableParallelism()
      : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The slices of a session's step: the batch is cut into this many contiguous parts whose
 * partial sums are added in order, so this count alone fixes the results. It depends on
 * the option and the problem only, never on the machine: 1 for `threads: 1`; an explicit
 * count, at most the batch size; for 'auto', one slice per crossover's worth of work
 * (1 + ⌊work / crossover⌋) rounded down to a power of two, at most 8 and the batch size.
 * Powers of two share out evenly over 2, 4 or 8 cores: 5 slices on 2 cores would leave
 * the caller 3 and its helper 2 (measured: 0.69× one slice's time against 0.58× for 2).
 */
export function resolveSlices(option: ThreadsOption, work: number, batch: number, crossover: number): number {
  if (option === 1) return 1;
  if (option !== "auto") return Math.min(option, batch);
  const want = Math.min(1 + Math.floor(work / crossover), AUTO_MAX_SLICES, batch);
  return want <= 1 ? 1 : 2 ** Math.floor(Math.log2(want));
}

/**
 * The helper threads a step of `slices` slices starts: one per slice beyond the caller's,
 * at most one fewer than the cores and at most `maxHelpers`; none where the runtime cannot
 * run them. The caller and the helpers then share the slices out in contiguous groups,
 * with the same bits whatever the sharing.
 */
export function resolveHelpers(slices: number): number {
  if (slices <= 1 || !threadSupport().ok) return 0;
  return Math.max(0, Math.min(slices - 1, hardwareThreads() - 1, defaults.maxHelpers));
}

/** What `threadInfo()` reports. */
export interface ThreadInfo {
  /** Whether this runtime can run helper threads (without them the slices run on the caller, same results). */
  available: boolean;
  /** Why not, when not available ('' when available). */
  reason: string;
  /** Logical cores (a step starts at most cores − 1 helpers). */
  cores: number;
  /** Work (batch × parameters × (1 + q)) from which 'auto' cuts a step into 2 slices (setThreadDefaults). */
  crossoverWork: number;
  /** The most helper threads one step may start (setThreadDefaults). */
  maxHelpers: number;
}

/** Whether the data-parallel inner step can use helper threads here (docs/threads.md). */
export function threadInfo(): ThreadInfo {
  const { ok, reason } = threadSupport();
  return {
    available: ok,
    reason,
    cores: hardwareThreads(),
    crossoverWork: defaults.crossover,
    maxHelpers: defaults.maxHelpers,
  };
}
