/** Public types of the built-in inner problems. */
import type { MatrixLike } from "../core/matrix";

/** The built-in models: linear least squares, logistic and softmax regression, and the MLP. */
export type ProblemKind = "linear" | "logistic" | "softmax" | "mlp";

/** Labels or targets: class indices (number[], Int32Array, Float64Array) or, for
 *  least squares, a vector (one output) or a matrix (n × outputs). */
export type Targets = ArrayLike<number> | MatrixLike;

/** One split of a dataset: x is n × features, y has n entries (or n rows). */
export interface DataSplit {
  readonly x: MatrixLike;
  readonly y: Targets;
}

/** Training and validation data (extra fields, such as a dataset's metadata, are ignored). */
export interface ProblemData {
  readonly train: DataSplit;
  readonly val: DataSplit;
}

/** A rows × cols block of θ (one layer); θ's canonical order is the blocks in order, each
 *  row-major. Rows are the layer's inputs (the data's features for the first layer), then
 *  the bias row when `bias` is true. */
export interface ParameterBlock {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** Whether the last row is the layer's bias. */
  readonly bias: boolean;
}

/**
 * Which parameters weight decay applies to: `all` (every parameter, biases included: the
 * default, and the library's behaviour before the option existed) or `weights` (biases
 * are not decayed — scikit-learn's unpenalised intercept, PyTorch's undecayed bias group).
 */
export type DecayMode = "all" | "weights";

/** Something about the problem's data that the caller should know (stable `code`). */
export interface ProblemWarning {
  /** `CONSTANT_FEATURE`: a training column is constant (and nonzero) while the model has
   *  its own bias, so the model has two intercepts. */
  readonly code: "CONSTANT_FEATURE";
  /** The column of x (0-based). */
  readonly column: number;
  /** Its constant value in the training data. */
  readonly value: number;
  readonly message: string;
}

/** Options shared by every built-in problem. */
export interface ProblemOptions {
  /** Seed of the initial parameters θ₀ (default 0). */
  seed?: number;
  /** θ₀'s weights are N(0, initScale² / fan-in), biases 0. Default 0 (θ₀ = 0) for the
   *  linear models, 1 for the MLP. */
  initScale?: number;
  /** Whether the model has its own bias (intercept) row (default true). Without it,
   *  z = Wᵀx: give x a constant column to fit an intercept yourself. */
  bias?: boolean;
  /** Weight decay on every parameter (`all`, default) or on the weights only (`weights`). */
  decay?: DecayMode;
}

/**
 * A built-in inner problem: a model, its loss, and the training and validation data,
 * held in WebAssembly memory (not copied per step). Dispose when done (a finaliser frees
 * the memory of a forgotten problem, later).
 */
export interface Problem {
  readonly kind: ProblemKind;
  /** Input features p. */
  readonly features: number;
  /** Outputs k (targets for least squares, classes for softmax and the MLP, 1 for logistic). */
  readonly outputs: number;
  readonly trainSize: number;
  readonly valSize: number;
  /** The blocks of θ (W and b per layer; the bias, when the layer has one, is the block's last row). */
  readonly blocks: readonly ParameterBlock[];
  /** Which parameters the optimiser's weight decay applies to. */
  readonly decay: DecayMode;
  /** Findings about the data (e.g. `CONSTANT_FEATURE`), empty when there are none. */
  readonly warnings: readonly ProblemWarning[];
  /** Number of parameters, dim θ. */
  readonly parameterCount: number;
  /** Whether the problem reports accuracy (classification). */
  readonly hasAccuracy: boolean;
  readonly disposed: boolean;
  /** θ₀ in canonical order (a fresh copy). */
  initialTheta(): Float64Array;
  /** Mean validation loss and accuracy (null for least squares) at θ (canonical order). */
  evaluate(theta: ArrayLike<number>, split?: "train" | "val"): { loss: number; accuracy: number | null };
  dispose(): void;
}
