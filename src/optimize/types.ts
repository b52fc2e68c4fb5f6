/** Public types of the hyperparameter-optimisation driver (DESIGN §1.4, §3.1). */
import type { EstimateOptions, Method } from "../estimate/types";
import type { HyperName, WeightsOptions } from "../training/hyperparameters";
import type { OptimizerSpec } from "../training/optim";
import type { Problem } from "../problems/types";
import type { SessionProblem } from "../training/types";
import type { MetaOptimizerSpec } from "./meta";
import type { ProductOptions } from "../gpu/dispatch";

export type Strategy = "global" | "local" | "truncated" | "glocal";
export const STRATEGIES: readonly Strategy[] = ["global", "local", "truncated", "glocal"];

/** What glocal's update aims at: the T → ∞ limit, or h_T with T = the steps that remain. */
export type GlocalTarget = "limit" | "remaining";

export interface GlocalOptions extends EstimateOptions {
  /** "limit" (default: the estimator's method) or "remaining" (horizon = training left). */
  target?: GlocalTarget;
  /** Record a hypergradient every `stride` inner steps (default 1). */
  stride?: number;
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
  /** Evaluate train/validation loss and accuracy every this many inner steps (default: every update). Evaluation time is reported apart from training time. */
  evalEvery?: number;
  /** Seed of θ₀'s mini-batch order (θ₀ itself comes from the problem). Default 0. */
  seed?: number;
  /** Called after every update. */
  onProgress?: (p: Progress) => void;
  /** Stops within one inner step; the history so far is returned. */
  signal?: { readonly aborted: boolean };
}

export interface Progress {
  strategy: Strategy;
  /** Inner steps done / planned. */
  innerSteps: number;
  totalInnerSteps: number;
  updates: number;
  valLoss: number | null;
  phi: Float64Array;
}

/** One hyperparameter update (or the initial point, update 0). */
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
  /** Cumulative Jacobian-vector products and validation gradients. */
  jvps: number;
  valGradients: number;
}

export interface OptimizeEvent {
  kind: "diverged" | "nonfinite-hypergradient" | "aborted";
  innerSteps: number;
  update: number;
  message: string;
}

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
  counts: {
    innerSteps: number;
    jvps: number;
    valGradients: number;
    updates: number;
    fallbacks: number;
    rejected: number;
    clipped: number;
  };
  /** Training wall time (ms) without evaluation, and the evaluation time. */
  wallTimeMs: number;
  evalTimeMs: number;
  events: OptimizeEvent[];
  /** "done", "aborted" (signal) or "diverged" (gave up after repeated divergence). */
  stopped: "done" | "aborted" | "diverged";
}
