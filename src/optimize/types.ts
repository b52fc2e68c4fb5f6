/** Public types of the hyperparameter-optimisation driver. */
import type { EstimateOptions, Method } from "../estimate/types";
import type { HyperName, WeightsOptions } from "../training/hyperparameters";
import type { OptimizerSpec } from "../training/optim";
import type { Problem, ProblemWarning } from "../problems/types";
import type { SessionProblem } from "../training/types";
import type { MetaOptimizerSpec } from "./meta";
import type { ProductOptions } from "../gpu/dispatch";

/** The driver's strategies: four hypergradient strategies and two baselines (`none`, `random`). */
export type Strategy = "global" | "local" | "truncated" | "glocal" | "none" | "random";
/** Every strategy, hypergradient strategies first, then the baselines (frozen: a name pushed by a caller must not become a strategy). */
export const STRATEGIES: readonly Strategy[] = Object.freeze([
  "global",
  "local",
  "truncated",
  "glocal",
  "none",
  "random",
] as Strategy[]);
/** The strategies that update φ with hypergradients (the others never compute one). */
export const HYPERGRADIENT_STRATEGIES: readonly Strategy[] = Object.freeze([
  "global",
  "local",
  "truncated",
  "glocal",
] as Strategy[]);

/** What glocal's update aims at: the T → ∞ limit, or h_T with T = the steps that remain. */
export type GlocalTarget = "limit" | "remaining";

/**
 * When glocal's update falls back to h_m instead of using the estimate: "untrusted" (the
 * estimate failed the trust test), "absurd" (it is non-finite or its size is absurd next
 * to the window's hypergradients, warning ABSURD_MAGNITUDE) or "nonfinite" (only a
 * non-finite estimate). A window the estimator cannot fit at all always falls back.
 */
export type GlocalFallback = "untrusted" | "absurd" | "nonfinite";
/** The fallback policies, strictest first. */
export const GLOCAL_FALLBACKS: readonly GlocalFallback[] = Object.freeze([
  "untrusted",
  "absurd",
  "nonfinite",
] as GlocalFallback[]);

/** The glocal strategy's options: the estimator's options, the target, the recording stride and the fallback policy. */
export interface GlocalOptions extends EstimateOptions {
  /** "limit" (default: the estimator's method) or "remaining" (horizon = training left). */
  target?: GlocalTarget;
  /** Record a hypergradient every `stride` inner steps (default 1). */
  stride?: number;
  /**
   * Validation examples behind the recorded trajectory h_1 … h_m the estimator fits
   * (default: the whole validation set): a fresh seeded subset per window, kept for the
   * window so its h_t all differentiate one objective. h_m, the update's fallback, is then
   * computed once more on the whole set (one more validation gradient per window).
   */
  valSubsample?: number;
  /**
   * When the update uses h_m instead of the estimate (default "untrusted": whenever the
   * trust test rejects the estimate). "absurd" falls back only on a non-finite estimate or
   * one flagged ABSURD_MAGNITUDE, so estimates rejected for other reasons (e.g. SLOW_MODE:
   * a mode too slow to extrapolate reliably) are used; "nonfinite" uses every finite
   * estimate. The looser policies trade the trust test's protection for extrapolation
   * where the test is too strict for the problem; `fallbacks` counts the windows that used
   * h_m, and each history entry keeps the trust verdict.
   */
  fallback?: GlocalFallback;
}

/**
 * Random search (`strategy: "random"`): `outerSteps` trials, each a training run of
 * `innerSteps` steps from θ₀ with φ held fixed at a random draw — the same inner-step
 * budget as `global`. Each φ coordinate is drawn uniformly in [φ₀ − radius, φ₀ + radius]
 * (log-uniform lr and wd, logit-uniform momentum around the start), unless `ranges` gives
 * its interval in natural units. The trial with the lowest validation loss is kept, and
 * its model is the final model.
 */
export interface RandomSearchOptions {
  /** Half-width of the box around φ₀, in φ units (default ln 10: a factor of 10 either way
   *  for lr and wd, for momentum a factor of 10 in the odds μ/(1 − μ)). */
  radius?: number;
  /** Intervals in natural units that replace the box for these hyperparameters:
   *  lr and wd (> 0, drawn log-uniformly), momentum (in (0, 1), drawn logit-uniformly). */
  ranges?: Partial<Record<"lr" | "wd" | "momentum", readonly [number, number]>>;
}

/** `backend` / `gpuMode` (ProductOptions): where the batched model products of every
 *  session run (default 'auto', see src/gpu/dispatch.ts). */
export interface OptimizeOptions extends ProductOptions {
  /** A built-in problem (problems.softmax(...), …), or a SessionProblem that makes its own
   *  sessions (e.g. a TensorFlow.js model from glocal-hypergrad/tfjs). */
  problem: Problem | SessionProblem;
  /** The inner optimiser with the initial hyperparameter values (natural units). */
  optimizer: OptimizerSpec;
  /** Hyperparameters to optimise (default ["lr", "wd"]). */
  hyper?: readonly HyperName[];
  /** Per-example loss weights (fixed, or optimised with hyper "weights"). */
  weights?: WeightsOptions;
  strategy: Strategy;
  /** global: steps of each training run T; others: steps of the single training run. */
  innerSteps: number;
  /** Inner steps between hyperparameter updates (the window m; local's update period). Default 50. */
  window?: number;
  /** global: number of training runs (hyperparameter updates). Default 10. */
  outerSteps?: number;
  /** Mini-batch size (default: full batch). */
  batchSize?: number;
  metaOptimizer?: MetaOptimizerSpec;
  /** glocal: the estimator options and the target. */
  glocal?: GlocalOptions;
  /** random: the search box (see RandomSearchOptions). */
  random?: RandomSearchOptions;
  /** Evaluate train/validation loss and accuracy every this many inner steps (default: every update). Evaluation time is reported apart from training time. */
  evalEvery?: number;
  /** Seed of θ₀'s mini-batch order (θ₀ itself comes from the problem). Default 0. */
  seed?: number;
  /** Called after every update. */
  onProgress?: (p: Progress) => void;
  /** Stops within one inner step; the history so far is returned. `optimize` holds the
   *  thread, so only `onProgress` (or another thread) can abort it; `optimizeAsync` lets a
   *  timer, a request or a UI do it. An AbortSignal or any object with `aborted`. */
  signal?: { readonly aborted: boolean };
}

/** The options of `optimizeAsync`: those of `optimize`, and how often to yield. */
export interface OptimizeAsyncOptions extends OptimizeOptions {
  /** Give the event loop a turn once this many milliseconds of work have passed (default
   *  25; the turn comes after the inner step in progress). */
  yieldEveryMs?: number;
}

/** What `onProgress` receives after every update. */
export interface Progress {
  strategy: Strategy;
  /** Inner steps done / planned. */
  innerSteps: number;
  totalInnerSteps: number;
  updates: number;
  valLoss: number | null;
  phi: Float64Array;
}

/** One hyperparameter update (or the initial point, update 0); random: one trial; none:
 *  one evaluation point per window, all with update 0 (it never updates φ). */
export interface HistoryEntry {
  update: number;
  /** Inner steps taken so far (all runs). */
  innerSteps: number;
  /** φ after this update. */
  phi: number[];
  /** The hyperparameters in natural units after this update. */
  hyper: { lr: number; wd: number; momentum: number | null };
  /** The hypergradient the update used (null for update 0 or a rejected update). */
  hypergradient: number[] | null;
  /** glocal: the truncated h_m of the window, and whether the estimate was trusted. */
  truncated?: number[];
  estimate?: number[];
  trusted?: boolean;
  /** random: the trial that just ended (φ, natural values, its validation loss; null when
   *  it diverged). The entry's own φ, hyper and valLoss are those of the best trial so far. */
  trial?: { phi: number[]; hyper: { lr: number; wd: number; momentum: number | null }; valLoss: number | null };
  /** glocal: which target the update used ("limit" | "remaining" | "truncated" fallback). */
  target?: GlocalTarget | "truncated";
  method?: Method;
  warnings?: string[];
  /** Losses and accuracies when evaluated at this point (null otherwise). */
  trainLoss: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Training wall time so far (ms, excluding evaluation). */
  wallTimeMs: number;
  /** Cumulative Jacobian-vector products and validation gradients (one per recorded h). */
  jvps: number;
  valGradients: number;
  /** Cumulative validation-loss evaluations the strategy decided on (random: one per trial;
   *  the history's own evaluations are not counted). */
  valLosses: number;
}

/** Something that happened during a run: a rejected divergent update, a non-finite hypergradient, an abort. */
export interface OptimizeEvent {
  kind: "diverged" | "nonfinite-hypergradient" | "aborted";
  innerSteps: number;
  update: number;
  message: string;
}

/** What `optimize` returns: the history, the final hyperparameters and model, counts, wall time, events and why it stopped. */
export interface OptimizeResult {
  strategy: Strategy;
  names: string[];
  history: HistoryEntry[];
  /** The final hyperparameters and the model trained with them. */
  final: {
    phi: number[];
    hyper: { lr: number; wd: number; momentum: number | null };
    trainLoss: number;
    valLoss: number;
    valAccuracy: number | null;
  };
  /** Work done: inner steps, JVPs, validation gradients (one per recorded hypergradient,
   *  over `glocal.valSubsample` examples when set), the validation-loss evaluations the strategy
   *  decided on (random), updates of φ (random: trials), glocal's fallbacks, rejected
   *  updates (random: diverged trials) and clipped hypergradients. */
  counts: {
    innerSteps: number;
    jvps: number;
    valGradients: number;
    valLosses: number;
    updates: number;
    fallbacks: number;
    rejected: number;
    clipped: number;
  };
  /** Training wall time (ms) without evaluation, and the evaluation time. */
  wallTimeMs: number;
  evalTimeMs: number;
  events: OptimizeEvent[];
  /** The problem's findings about its data (e.g. `CONSTANT_FEATURE`), empty when none. */
  warnings: ProblemWarning[];
  /** "done", "aborted" (signal) or "diverged" (gave up after repeated divergence). */
  stopped: "done" | "aborted" | "diverged";
}
