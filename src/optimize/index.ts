/**
 * Hyperparameter optimisation with the global, local, truncated and glocal strategies and
 * the baselines none (no tuning) and random (random search), one interface and one
 * history for all of them; synchronous and asynchronous forms.
 */
import { GlocalError, describe, isGlocalError } from "../core/errors";
import { checkOptions, hasMember, optInteger, ownProperties } from "../core/validate";
import { checkOptimizer } from "../training/optim";
import { isSessionProblem } from "../training/types";
import { Run, ResolvedOptions } from "./run";
import {
  checkRandomOptions,
  runGlobal,
  runGlocal,
  runLocal,
  runNone,
  runRandom,
  runTruncated,
} from "./strategies/index";
import { GLOCAL_OPTION_KEYS, checkGlocalOptions, checkGlocalWork } from "./glocalOptions";
import { STRATEGIES, OptimizeAsyncOptions, OptimizeOptions, OptimizeResult, Strategy } from "./types";
import { Work, checkYieldEvery, runToEnd, runYielding, unit } from "../core/cooperative";
import { TrialOutcome, randomDraws, randomFromTrials, randomTrial } from "./strategies/randomTrials";

export type { TrialOutcome } from "./strategies/randomTrials";
import { translateError } from "../core/traps";
import { PRODUCT_OPTION_KEYS, ProductOptions } from "../gpu/dispatch";

export { STRATEGIES, HYPERGRADIENT_STRATEGIES } from "./types";

const OPTION_KEYS = [
  "problem",
  "optimizer",
  "hyper",
  "weights",
  "strategy",
  "innerSteps",
  "window",
  "outerSteps",
  "batchSize",
  "metaOptimizer",
  "glocal",
  "random",
  "evalEvery",
  "seed",
  "onProgress",
  "signal",
  ...PRODUCT_OPTION_KEYS,
] as const;

function resolve(options: OptimizeOptions): ResolvedOptions {
  const o = checkOptions(options, OPTION_KEYS);
  const problem = o.problem as OptimizeOptions["problem"];
  if (
    typeof problem !== "object" ||
    problem === null ||
    (typeof (problem as { initialTheta?: unknown }).initialTheta !== "function" && !isSessionProblem(problem))
  ) {
    throw new GlocalError(
      "E_TYPE",
      `problem must be a built-in problem (problems.softmax(...), …) or a SessionProblem, got ${describe(problem)}`,
      "problem",
    );
  }
  const optimizer = checkOptimizer(o.optimizer);
  if (!STRATEGIES.includes(o.strategy as Strategy)) {
    throw new GlocalError(
      "E_OPTION",
      `strategy must be one of ${STRATEGIES.join(", ")}, got ${describe(o.strategy)}`,
      "strategy",
    );
  }
  const strategy = o.strategy as Strategy;
  if (o.innerSteps === undefined) throw new GlocalError("E_OPTION", "option 'innerSteps' is required", "innerSteps");
  const innerSteps = optInteger(o.innerSteps, "innerSteps", 0, 1);
  const window = optInteger(o.window, "window", Math.min(50, innerSteps), 1);
  if (strategy !== "global" && window > innerSteps) {
    throw new GlocalError("E_OPTION", `window (${window}) must not exceed innerSteps (${innerSteps})`, "window");
  }
  const outerSteps = optInteger(o.outerSteps, "outerSteps", 10, 1);
  const batchSize = o.batchSize === undefined ? undefined : optInteger(o.batchSize, "batchSize", 0, 1);
  const seed = optInteger(o.seed, "seed", 0, 0);
  const evalEvery = optInteger(o.evalEvery, "evalEvery", 1, 1);
  const glocal = checkOptions(o.glocal, GLOCAL_OPTION_KEYS, "glocal");
  checkGlocalOptions(glocal, strategy === "glocal" ? window : null);
  const random = checkRandomOptions(o.random);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new GlocalError("E_OPTION", `onProgress must be a function, got ${describe(o.onProgress)}`, "onProgress");
  }
  const signal = o.signal as OptimizeOptions["signal"];
  // Only the presence of `aborted` is checked here: reading it is the signal's business.
  if (signal !== undefined && (typeof signal !== "object" || signal === null || !hasMember(signal, "aborted"))) {
    throw new GlocalError("E_OPTION", `signal must be an AbortSignal, got ${describe(signal)}`, "signal");
  }
  return {
    problem,
    optimizer,
    strategy,
    innerSteps,
    window,
    outerSteps,
    batchSize,
    seed,
    evalEvery,
    hyper: (o.hyper as OptimizeOptions["hyper"]) ?? ["lr", "wd"],
    weights: o.weights as OptimizeOptions["weights"],
    glocal: glocal as NonNullable<OptimizeOptions["glocal"]>,
    random,
    metaOptimizer: o.metaOptimizer as OptimizeOptions["metaOptimizer"],
    onProgress: o.onProgress as OptimizeOptions["onProgress"],
    signal,
    products: { backend: o.backend as ProductOptions["backend"], gpuMode: o.gpuMode as ProductOptions["gpuMode"] },
  };
}

/**
 * The driver as a generator that yields after every inner step: `optimize` runs it to the
 * end, `optimizeAsync` gives the event loop turns in between. `pauses` accumulates the time
 * spent in those turns, which the run's wall time leaves out.
 */
export function* optimizeWork(options: OptimizeOptions, pauses: { ms: number } = { ms: 0 }): Work<OptimizeResult> {
  let run: Run | undefined;
  try {
    run = new Run(resolve(options), pauses);
    if (run.strategy === "glocal") checkGlocalWork(ownProperties(run.o.glocal), run.o.window, run.phi.length);
    return yield* runStrategy(run);
  } catch (e) {
    const t = translateError(e);
    if (isGlocalError(t)) throw t;
    throw new GlocalError("E_INTERNAL", `optimize failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    // A strategy that threw (a callback's error, say) leaves its session open: free it.
    run?.dispose();
  }
}

/** A Run for `options` (validated as optimize validates them), handed to `fn` and disposed after. */
function* withRun<T>(options: OptimizeOptions, fn: (run: Run) => Work<T>, pauses = { ms: 0 }): Work<T> {
  let run: Run | undefined;
  try {
    run = new Run(resolve(options), pauses);
    return yield* fn(run);
  } catch (e) {
    const t = translateError(e);
    if (isGlocalError(t)) throw t;
    throw new GlocalError("E_INTERNAL", `optimize failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    run?.dispose();
  }
}

function randomRun(run: Run): Run {
  if (run.strategy !== "random")
    throw new GlocalError(
      "E_OPTION",
      `random search's trials need strategy 'random', got '${run.strategy}'`,
      "strategy",
    );
  return run;
}

/**
 * Random search split into its trials (randomTrials.ts), for runners that train them on
 * workers that can rebuild the problem: the trials' φ, one trial's work, and the result of
 * `optimize` with the same options from the outcomes, bit for bit (wall times aside).
 */
export const randomSearchTrials = {
  draws: (options: OptimizeOptions): number[][] =>
    runToEnd(withRun(options, (run) => unit(() => randomDraws(randomRun(run))))),
  trial: (options: OptimizeOptions, phi: readonly number[], onChunk?: (steps: number) => void): Work<TrialOutcome> =>
    withRun(options, (run) => randomTrial(randomRun(run), phi, onChunk)),
  result: (
    options: OptimizeOptions,
    draws: readonly number[][],
    outcomes: ReadonlyArray<TrialOutcome | undefined>,
  ): OptimizeResult =>
    runToEnd(withRun(options, (run) => unit(() => randomFromTrials(randomRun(run), draws, outcomes)))),
};

function* runStrategy(run: Run): Work<OptimizeResult> {
  switch (run.strategy) {
    case "global":
      return yield* runGlobal(run);
    case "local":
      return yield* runLocal(run);
    case "truncated":
      return yield* runTruncated(run);
    case "glocal":
      return yield* runGlocal(run);
    case "none":
      return yield* runNone(run);
    case "random":
      return yield* runRandom(run);
  }
}

/**
 * Optimises hyperparameters with one strategy and returns its history (φ per update,
 * losses, hypergradients used, glocal's trust and fallbacks, wall time, counts).
 *
 * Divergence of the inner training (non-finite loss or hypergradient) rejects the update,
 * restores the last good state, halves the meta step and is recorded in `events`; after
 * repeated rejections the run stops with `stopped: "diverged"`. An aborted `signal` stops
 * within one inner step and returns the history so far (`stopped: "aborted"`).
 *
 * This call holds the thread until the run ends, so a `signal` can only be aborted from
 * inside `onProgress` (or from another thread through shared memory). To abort from a
 * timer, a request handler or a UI, use {@link optimizeAsync}.
 */
export function optimize(options: OptimizeOptions): OptimizeResult {
  return runToEnd(optimizeWork(options));
}

/**
 * `optimize` that gives the event loop a turn at least every `yieldEveryMs` (default 25 ms,
 * and after the inner step in progress), so timers, I/O and a UI keep running and an
 * `AbortController` aborted meanwhile stops the run within one inner step (`stopped:
 * "aborted"`, the history so far). Same options, same computation: the result equals
 * `optimize`'s bit for bit, apart from the wall-clock fields (`wallTimeMs` leaves out the
 * time given to the event loop). Rejects with the same GlocalErrors.
 */
export async function optimizeAsync(options: OptimizeAsyncOptions): Promise<OptimizeResult> {
  const { yieldEveryMs, rest } = splitYieldOption(options);
  const pauses = { ms: 0 };
  return runYielding(optimizeWork(rest, pauses), { yieldEveryMs, onPause: (ms) => (pauses.ms += ms) });
}

/** Separates `yieldEveryMs` from the options of `optimize` (validated, E_OPTION). */
export function splitYieldOption<T extends { yieldEveryMs?: number }>(
  options: T,
): { yieldEveryMs: number; rest: Omit<T, "yieldEveryMs"> } {
  if (typeof options !== "object" || options === null || !("yieldEveryMs" in options)) {
    return { yieldEveryMs: checkYieldEvery(undefined), rest: options };
  }
  const { yieldEveryMs, ...rest } = options;
  return { yieldEveryMs: checkYieldEvery(yieldEveryMs), rest };
}
