/** Types shared by the training sessions (built-in and plug-in) and the hypergradient API. */
import type { Matrix } from "../core/matrix";

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
  counts: TrainingCounts;
}
