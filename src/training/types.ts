/** Types shared by the training sessions (built-in and plug-in) and the hypergradient API. */
import type { Matrix } from "../core/matrix";
import { member } from "../core/validate";
import type { DecayMode, ParameterBlock, ProblemWarning } from "../problems/types";
import type { HyperName, WeightsOptions } from "./hyperparameters";
import type { OptimizerSpec } from "./optim";

/** Work done by a session (never rolled back by `restore`). */
export interface TrainingCounts {
  /** Inner optimisation steps, with or without tangent. */
  steps: number;
  /** Steps that carried the tangent. */
  tangentSteps: number;
  /** Jacobian-vector products: q per tangent step. */
  jvps: number;
  /** Validation-loss gradients (one per hypergradient). */
  valGradients: number;
}

/**
 * Where inner training stands, without the tangent (a window starts with a zero tangent).
 * Plain data: pass it as `state` to continue training.
 */
export interface TrainingState {
  /** Inner steps taken since θ₀: the position in the seeded mini-batch sequence and
   *  Adam's bias-correction step. */
  readonly step: number;
  /** θ in canonical order (the problem's blocks in order, each row-major). */
  readonly theta: Float64Array;
  /** Optimiser buffers by name, each shaped like θ: `velocity` (momentum), `m` and `v` (Adam). */
  readonly buffers: Readonly<Record<string, Float64Array>>;
}

/** A session's complete state, tangent included, for `restore` (e.g. after divergence). */
export interface TrainingSnapshot {
  readonly state: TrainingState;
  /** φ at the time of the snapshot. */
  readonly phi: Float64Array;
  /** @internal The session's memory image (θ, buffers, tangents). */
  readonly image: Float64Array;
  /** @internal */
  readonly tangentStale: boolean;
}

/** Options of a session's `step`. */
export interface StepOptions {
  /** Carry the tangent (default true). A step without it discards the tangent: the next
   *  window starts from zero after it, as if `resetTangent()` followed. */
  tangent?: boolean;
}

/**
 * What the hyperparameter-optimisation driver needs from inner training; implemented by
 * `InnerTraining` (built-in problems) and `PluginTraining` (caller-supplied models).
 */
export interface TrainingSession {
  /** Hyperparameter names, in φ's order. */
  readonly names: readonly string[];
  /** Number of hyperparameters q. */
  readonly q: number;
  /** True when tangents come from finite differences (plug-ins without a `jvp`). */
  readonly approximate: boolean;
  /** Why the tangents are approximate, when a session can say (e.g. the op without a
   *  second derivative); absent or null when they are exact. */
  readonly approximation?: string | null;
  /** Inner steps taken since θ₀. */
  readonly stepIndex: number;
  readonly counts: Readonly<TrainingCounts>;
  step(nSteps?: number, options?: StepOptions): void;
  resetTangent(): void;
  hypergradient(): Float64Array;
  localHypergradient(): Float64Array;
  valLoss(): number;
  getPhi(): Float64Array;
  setPhi(phi: ArrayLike<number>): void;
  theta(): Float64Array;
  /** dθ/dφ, dim θ × q. */
  tangent(): Matrix;
  dispose(): void;
}

/** The result of `hypergradientTrajectory`. */
export interface TrajectoryResult<State = TrainingState> {
  /** m × q: row i is the hypergradient h after (i + 1)·stride steps from the window start. */
  trajectory: Matrix;
  /** Hyperparameter names (columns of the trajectory). */
  names: string[];
  /** The state after the window, to continue training from. */
  state: State;
  /** φ used for the window. */
  phi: Float64Array;
  /** Validation loss at the end of the window (null for a plug-in without `valLoss`). */
  valLoss: number | null;
  /** True when the tangents were finite-difference approximations. */
  approximate: boolean;
  /** Why they were (present only when the session said). */
  approximation?: string;
  counts: TrainingCounts;
}

/**
 * A session the optimisation driver (`optimize`) can run: a TrainingSession that also
 * takes snapshots (to reject a divergent window) and evaluates its losses. `InnerTraining`
 * is one; so is every session a {@link SessionProblem} makes.
 */
export interface DriverSession extends TrainingSession {
  readonly disposed: boolean;
  snapshot(): unknown;
  /** Returns to a snapshot taken by this session (also after E_DIVERGED). */
  restore(snapshot: unknown): void;
  /** Mean training-set loss (unweighted, no regularisation). */
  trainLoss(): number;
  /** Validation accuracy in [0, 1], or null when the problem has none. */
  valAccuracy(): number | null;
  /** Where training stands (θ and the optimiser buffers), to continue from. */
  state(): TrainingState;
  /** Hypergradients from these validation rows only until called with null (the
   *  driver's `glocal.valSubsample`); the validation loss stays the whole set's. */
  setValidationSubset(rows: ArrayLike<number> | null): void;
}

/** What a {@link SessionProblem} is asked for: the options of a built-in session. */
export interface SessionProblemOptions {
  hyper?: readonly HyperName[];
  batchSize?: number;
  seed?: number;
  weights?: WeightsOptions;
  state?: TrainingState;
  phi?: ArrayLike<number>;
  /** Where a built-in problem's products run; a problem that does not use them rejects them. */
  backend?: unknown;
  gpuMode?: unknown;
}

/**
 * An inner problem defined outside the built-in WebAssembly models (e.g. a TensorFlow.js
 * model from `glocal-hypergrad/tfjs`) that makes its own training sessions. It is accepted
 * wherever a built-in problem is: `hypergradientTrajectory`, `globalHypergradient`,
 * `localHypergradient` and `optimize`, with the same optimiser specs and options.
 */
export interface SessionProblem {
  /** Training- and validation-set sizes (the ranges of `batchSize` and `glocal.valSubsample`). */
  readonly trainSize: number;
  readonly valSize: number;
  /** Input features, the parameter blocks and the decay mode, as a built-in problem has
   *  them: what the range checks of the hyperparameters need. */
  readonly features: number;
  readonly blocks: readonly ParameterBlock[];
  readonly decay: DecayMode;
  /** Findings about the data, empty when there are none. */
  readonly warnings: readonly ProblemWarning[];
  /** A fresh session from θ₀ (or `options.state`) for this optimiser. */
  createSession(optimizer: OptimizerSpec, options: SessionProblemOptions): DriverSession;
}

/** True for an object with a `createSession` method (a {@link SessionProblem}). */
export function isSessionProblem(x: unknown): x is SessionProblem {
  // Its own or its class's method, never one planted on Object.prototype.
  return typeof x === "object" && x !== null && typeof member(x, "createSession") === "function";
}
