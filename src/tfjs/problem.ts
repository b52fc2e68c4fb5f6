/**
 * `tfjsProblem`: a TensorFlow.js model with its data as an inner problem. It makes its own
 * training sessions (a SessionProblem), so every part of the library that takes a built-in
 * problem takes it too: `hypergradientTrajectory`, `globalHypergradient`,
 * `localHypergradient`, `optimize` with every strategy, and the estimator on the
 * trajectories they record.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import { checkOptions } from "../core/validate";
import type { OptimizerSpec } from "../training/optim";
import type { DecayMode, ParameterBlock, ProblemWarning } from "../problems/types";
import type { SessionProblem, SessionProblemOptions } from "../training/types";
import { Split, TfjsSplit, toSplit } from "./data";
import { evaluateAt, parameterTensors } from "./derivatives";
import { Tf, loadTf, tidy } from "./load";
import { LossFunction, LossName } from "./losses";
import {
  LayersModelLike,
  ModelAdapter,
  ParamsAccuracy,
  ParamsLoss,
  functionModel,
  isLayersModel,
  layersModel,
} from "./model";
import { probe } from "./probe";
import { TfjsTraining, TfjsTrainingOptions } from "./training";

/** A tfjs model and its data. Give either `model` (+ a loss name or function of
 *  (yTrue, yPred)) or `params` (+ a loss function of (params, x, y)). */
export interface TfjsProblemSpec {
  /** A `tf.LayersModel` (built: its weights exist); its trainable weights are θ. */
  model?: LayersModelLike;
  /** The initial parameter tensors θ₀ of a function `loss` (read once, never changed). */
  params?: Tensor[];
  /** With `model`: a loss name or `(yTrue, yPred) => scalar`. With `params`:
   *  `(params, x, y) => scalar`. The mean over the batch; no regularisation (weight
   *  decay is the optimiser's). */
  loss: LossName | LossFunction | ParamsLoss;
  /** With `params`: the fraction of correct predictions (optional). With `model`, a
   *  classification loss name implies it. */
  accuracy?: ParamsAccuracy;
  /** Training and validation data (tensors are cloned; arrays become f32 tensors). */
  train: TfjsSplit;
  val: TfjsSplit;
  /** `exact` (Hessian-vector products through tfjs; the default where tfjs has every
   *  second derivative) or `finite-difference` (approximate; the fallback otherwise). */
  jvp?: "exact" | "finite-difference";
  /** Finite differences' step relative to 1 + max |θ| (default 5e-3, about ∛ε of f32). */
  fdStep?: number;
  /** The TensorFlow.js namespace to use (default: found, see loadTf). */
  tf?: unknown;
}

const SPEC_KEYS = ["model", "params", "loss", "accuracy", "train", "val", "jvp", "fdStep", "tf"];

/**
 * A TensorFlow.js model and its data as an inner problem. Precision: the model's
 * gradients and Hessian-vector products are computed by tfjs in f32 (its CPU, WebGL,
 * WebGPU and WebAssembly backends all compute in f32); θ, the optimiser's buffers, every
 * tangent and the hypergradient are kept in f64. Dispose it when done (it holds the data
 * as tensors).
 */
export class TfjsProblem implements SessionProblem {
  /** The TensorFlow.js namespace the problem uses. */
  readonly tf: Tf;
  /** Training- and validation-set sizes. */
  readonly trainSize: number;
  readonly valSize: number;
  /** Number of parameters, dim θ. */
  readonly parameterCount: number;
  /** Input features (x's entries per example). */
  readonly features: number;
  /** θ's blocks: one per parameter tensor (rows × last axis; a vector is one row). */
  readonly blocks: readonly ParameterBlock[];
  /** Weight decay applies to every parameter (the tfjs optimiser is coupled AdamW/SGD). */
  readonly decay: DecayMode = "all";
  /** No data findings are made for tfjs data. */
  readonly warnings: readonly ProblemWarning[] = Object.freeze([]);
  /** Shapes of the parameter tensors (θ is them in order, each row-major). */
  readonly shapes: readonly (readonly number[])[];
  /** Whether the problem reports accuracy. */
  readonly hasAccuracy: boolean;
  /** True when the tangents come from finite differences. */
  readonly approximate: boolean;
  /** Why they do (the op tfjs cannot differentiate twice), null when exact. */
  readonly approximation: string | null;
  /** @internal */
  readonly model: ModelAdapter;
  /** @internal */
  readonly train: Split;
  /** @internal */
  readonly val: Split;
  /** @internal */
  readonly fdStep: number;
  private disposedFlag = false;

  /** @internal Use `tfjsProblem(spec)`. */
  constructor(spec: TfjsProblemSpec) {
    const o = checkOptions(spec, SPEC_KEYS, "spec");
    const tf = (this.tf = loadTf(o.tf));
    if ((o.model === undefined) === (o.params === undefined))
      throw new GlocalError(
        "E_OPTION",
        "give either 'model' (a tf.LayersModel) or 'params' (the initial tensors of a loss function), not both or neither",
        o.model === undefined ? "model" : "params",
      );
    if (o.model !== undefined && !isLayersModel(o.model))
      throw new GlocalError("E_TYPE", `option 'model' must be a tf.LayersModel, got ${describe(o.model)}`, "model");
    if (o.model !== undefined && o.accuracy !== undefined)
      throw new GlocalError(
        "E_OPTION",
        "option 'accuracy' goes with 'params'; a model's loss name implies it",
        "accuracy",
      );
    if (o.jvp !== undefined && o.jvp !== "exact" && o.jvp !== "finite-difference")
      throw new GlocalError(
        "E_OPTION",
        `option 'jvp' must be 'exact' or 'finite-difference', got ${describe(o.jvp)}`,
        "jvp",
      );
    if (o.fdStep !== undefined && (typeof o.fdStep !== "number" || !(o.fdStep > 0 && o.fdStep < 1)))
      throw new GlocalError(
        "E_OPTION",
        `option 'fdStep' must be a number in (0, 1), got ${describe(o.fdStep)}`,
        "fdStep",
      );
    this.fdStep = (o.fdStep as number | undefined) ?? 5e-3;
    this.model =
      o.model !== undefined
        ? layersModel(tf, o.model as LayersModelLike, o.loss)
        : functionModel(tf, o.params, o.loss, o.accuracy);
    this.parameterCount = this.model.parameterCount;
    this.shapes = this.model.shapes;
    this.hasAccuracy = this.model.hasAccuracy;
    this.train = toSplit(tf, o.train, "train");
    try {
      this.val = toSplit(tf, o.val, "val");
    } catch (e) {
      this.train.dispose();
      throw e;
    }
    this.trainSize = this.train.n;
    this.valSize = this.val.n;
    this.features = this.train.x.shape.slice(1).reduce((a, b) => a * b, 1);
    this.blocks = Object.freeze(this.shapes.map((shape, i) => block(shape, i)));
    try {
      const p = probe(tf, this.model, this.train);
      if (o.jvp === "exact" && !p.exact)
        throw new GlocalError("E_UNSUPPORTED", `jvp: 'exact' is not available: ${p.reason}`, "jvp");
      this.approximate = o.jvp === "finite-difference" || !p.exact;
      this.approximation = this.approximate
        ? (p.reason ?? "finite differences were asked for (jvp: 'finite-difference')")
        : null;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** θ₀ (a copy): the model's weights, or `params`, when the problem was made. */
  initialTheta(): Float64Array {
    return this.model.theta0.slice();
  }

  /** A training session with this optimiser (options as InnerTraining's). */
  createSession(optimizer: OptimizerSpec, options: SessionProblemOptions = {}): TfjsTraining {
    return new TfjsTraining(this, optimizer, options as TfjsTrainingOptions);
  }

  /** Mean loss and accuracy (null without one) of `split` at θ (canonical order). */
  evaluate(theta: ArrayLike<number>, split: "train" | "val" = "val"): { loss: number; accuracy: number | null } {
    this.checkLive();
    const th = this.checkTheta(theta);
    if (split !== "train" && split !== "val")
      throw new GlocalError("E_OPTION", `split must be 'train' or 'val', got ${describe(split)}`, "split");
    const s = split === "train" ? this.train : this.val;
    return tidy(this.tf, () => evaluateAt(this.tf, this.model, th, s.x, s.y));
  }

  /** θ as parameter tensors shaped like the model's (new tensors: the caller disposes them). */
  parameterTensors(theta: ArrayLike<number>): Tensor[] {
    this.checkLive();
    return parameterTensors(this.tf, this.model, this.checkTheta(theta));
  }

  /** Frees the data tensors (idempotent); the caller's model and tensors are untouched. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.train?.dispose();
    this.val?.dispose();
  }

  /** @internal */
  checkLive(): void {
    if (this.disposedFlag) throw new GlocalError("E_DISPOSED", "this tfjs problem was disposed", "problem");
  }

  private checkTheta(theta: ArrayLike<number>): Float64Array {
    if (!(Array.isArray(theta) || ArrayBuffer.isView(theta)))
      throw new GlocalError("E_TYPE", `theta must be an array of numbers, got ${describe(theta)}`, "theta");
    if (theta.length !== this.parameterCount)
      throw new GlocalError("E_SHAPE", `theta must have ${this.parameterCount} entries, got ${theta.length}`, "theta");
    const out = Float64Array.from(theta as ArrayLike<number>);
    for (let i = 0; i < out.length; i++)
      if (!Number.isFinite(out[i])) throw new GlocalError("E_NONFINITE", `theta[${i}] is not finite`, "theta");
    return out;
  }
}

/** A parameter tensor as a block: its last axis the columns, the rest the rows. */
function block(shape: readonly number[], i: number): ParameterBlock {
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return Object.freeze({ name: `param${i}`, rows, cols, bias: false });
}

/**
 * A TensorFlow.js model as an inner problem:
 *
 * ```ts
 * const problem = tfjsProblem({ model, loss: "categoricalCrossentropy", train: { x, y }, val: { x: xv, y: yv } });
 * const r = optimize({ problem, optimizer: optimizers.sgd({ lr: 0.1, wd: 1e-3 }), strategy: "glocal", innerSteps: 500 });
 * problem.dispose();
 * ```
 */
export function tfjsProblem(spec: TfjsProblemSpec): TfjsProblem {
  return new TfjsProblem(spec);
}
