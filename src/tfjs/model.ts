/**
 * The model as the derivatives see it: the shapes of its parameter tensors, θ₀, the loss
 * as a function of parameter tensors, and how to evaluate it at a θ. Two forms:
 *
 * - a function `(params, x, y) => scalar` with the initial `params` (tensors): θ enters as
 *   fresh tensors, the caller's are only read once (θ₀);
 * - a `tf.LayersModel` with a loss name or `(yTrue, yPred) => scalar`: its trainable
 *   variables are set to θ for the duration of one evaluation and put back afterwards, so
 *   the caller's model is left as it was. It is run in inference mode (`model.apply`
 *   without `training`: no dropout, batch norm on its moving statistics).
 */
import type { Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import { AccuracyFunction, LossFunction, namedLoss } from "./losses";
import type { Tf } from "./load";

/** The loss of the function form: the mean over the batch (x, y) at the parameters, a
 *  scalar tensor (checked when the problem is made). */
export type ParamsLoss = (params: Tensor[], x: Tensor, y: Tensor) => Tensor;
/** The accuracy of the function form: fraction correct on (x, y), a scalar tensor or a number. */
export type ParamsAccuracy = (params: Tensor[], x: Tensor, y: Tensor) => Tensor | number;

/** A tfjs-layers activation (what a layer's `activation` holds). */
interface ActivationLike {
  getClassName(): string;
  apply(x: Tensor): Tensor;
}

/** The parts of a `tf.LayersModel` used here (from @tensorflow/tfjs-layers). */
export interface LayersModelLike {
  readonly trainableWeights: readonly { read(): Tensor; readonly name?: string }[];
  /** The layers, the last one's `activation` read for a cross-entropy from logits. */
  readonly layers?: readonly object[];
  apply(inputs: Tensor): Tensor | Tensor[] | unknown;
}

/** The identity, as a tfjs-layers activation ('linear': Dense fuses it into its product). */
const IDENTITY: ActivationLike = { getClassName: () => "linear", apply: (x) => x };

/** The last layer's activation when it is a tfjs-layers activation object. */
function lastActivation(model: LayersModelLike): { layer: { activation?: unknown }; name: string } | null {
  const layer = model.layers?.[model.layers.length - 1] as { activation?: unknown } | undefined;
  const a = layer?.activation as Partial<ActivationLike> | undefined;
  if (!layer || typeof a?.getClassName !== "function" || typeof a.apply !== "function") return null;
  return { layer, name: a.getClassName().toLowerCase() };
}

/** The model, as the derivatives use it. */
export interface ModelAdapter {
  readonly form: "function" | "layers";
  readonly shapes: readonly (readonly number[])[];
  readonly sizes: readonly number[];
  readonly parameterCount: number;
  readonly theta0: Float64Array;
  readonly hasAccuracy: boolean;
  /** Runs `fn` on the tensors the loss reads, holding the values `theta` (tensors shaped as `shapes`). */
  withParameters<T>(theta: Tensor[], fn: (xs: Tensor[]) => T): T;
  /** The loss at the parameter tensors `xs` (those `withParameters` handed out). */
  loss(xs: Tensor[], x: Tensor, y: Tensor): Scalar;
  /** Fraction correct at `xs` (only when `hasAccuracy`). */
  accuracy(xs: Tensor[], x: Tensor, y: Tensor): Tensor | number;
}

/** True for an object shaped like a tf.LayersModel. */
export function isLayersModel(x: unknown): x is LayersModelLike {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as LayersModelLike).apply === "function" &&
    Array.isArray((x as LayersModelLike).trainableWeights)
  );
}

/** θ₀ as one f64 vector (the tensors in order, each row-major), with the shapes. */
function flatten(tensors: readonly Tensor[]): { shapes: number[][]; sizes: number[]; theta0: Float64Array } {
  const shapes = tensors.map((t) => t.shape.slice());
  const sizes = tensors.map((t) => t.size);
  const theta0 = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  tensors.forEach((t, i) => {
    theta0.set(t.dataSync() as Float32Array, off);
    off += sizes[i];
  });
  for (let i = 0; i < theta0.length; i++)
    if (!Number.isFinite(theta0[i]))
      throw new GlocalError("E_NONFINITE", `the initial parameters are not finite (entry ${i})`, "params");
  return { shapes, sizes, theta0 };
}

/** The function form: `loss(params, x, y)` with initial `params`. */
export function functionModel(tf: Tf, params: unknown, loss: unknown, accuracy: unknown): ModelAdapter {
  if (!Array.isArray(params) || params.length === 0 || !params.every((p) => p instanceof tf.Tensor)) {
    throw new GlocalError(
      "E_TYPE",
      `option 'params' must be a non-empty array of tensors (the initial parameters), got ${describe(params)}`,
      "params",
    );
  }
  params.forEach((p: Tensor, i) => {
    if (p.isDisposed) throw new GlocalError("E_DISPOSED", `params[${i}] is a disposed tensor`, `params[${i}]`);
    if (p.dtype !== "float32")
      throw new GlocalError("E_TYPE", `params[${i}] must be float32, got ${p.dtype}`, `params[${i}]`);
  });
  if (typeof loss !== "function")
    throw new GlocalError(
      "E_TYPE",
      `option 'loss' must be a function (params, x, y) => scalar with 'params', got ${describe(loss)}`,
      "loss",
    );
  if (accuracy !== undefined && typeof accuracy !== "function")
    throw new GlocalError(
      "E_TYPE",
      `option 'accuracy' must be a function (params, x, y) => fraction correct, got ${describe(accuracy)}`,
      "accuracy",
    );
  const f = flatten(params as Tensor[]);
  return {
    form: "function",
    ...f,
    parameterCount: f.theta0.length,
    hasAccuracy: accuracy !== undefined,
    withParameters: (theta, fn) => fn(theta),
    loss: (xs, x, y) => (loss as ParamsLoss)(xs, x, y) as Scalar,
    accuracy: (xs, x, y) => (accuracy as ParamsAccuracy)(xs, x, y),
  };
}

/** The LayersModel form: the model's trainable variables and a loss of (yTrue, yPred). */
export function layersModel(tf: Tf, model: LayersModelLike, loss: unknown): ModelAdapter {
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  if (variables.length === 0)
    throw new GlocalError("E_SHAPE", "the model has no trainable weights (build it first: give inputShape)", "model");
  let lossFn: LossFunction,
    accuracy: AccuracyFunction | null = null,
    logits: { layer: { activation?: unknown }; loss: LossFunction } | null = null;
  if (typeof loss === "function") lossFn = loss as LossFunction;
  else {
    const named = namedLoss(tf, loss);
    ({ loss: lossFn, accuracy } = named);
    const last = lastActivation(model);
    if (named.fromLogits && last && last.name === named.fromLogits.activation)
      logits = { layer: last.layer, loss: named.fromLogits.loss };
  }
  const f = flatten(variables);
  const predict = (x: Tensor): Tensor => {
    const out = model.apply(x);
    if (!(out instanceof tf.Tensor)) throw new GlocalError("E_TYPE", "the model must have one output tensor", "model");
    return out;
  };
  /** The model's output with the last activation left out (put back afterwards). */
  const predictLogits = (layer: { activation?: unknown }, x: Tensor): Tensor => {
    const activation = layer.activation;
    layer.activation = IDENTITY;
    try {
      return predict(x);
    } finally {
      layer.activation = activation;
    }
  };
  return {
    form: "layers",
    ...f,
    parameterCount: f.theta0.length,
    hasAccuracy: accuracy !== null,
    withParameters: (theta, fn) => {
      if (variables.some((v) => v.isDisposed))
        throw new GlocalError("E_DISPOSED", "the tf.LayersModel was disposed (keep it until the problem is)", "model");
      // Clones share the variables' data (no copy): the caller's values, put back after.
      const before = variables.map((v) => tf.clone(v));
      try {
        variables.forEach((v, i) => v.assign(theta[i]));
        return fn(variables);
      } finally {
        variables.forEach((v, i) => v.assign(before[i]));
        before.forEach((t) => t.dispose());
      }
    },
    loss: (_xs, x, y) => (logits ? logits.loss(y, predictLogits(logits.layer, x)) : lossFn(y, predict(x))) as Scalar,
    accuracy: (_xs, x, y) => (accuracy as AccuracyFunction)(y, predict(x)),
  };
}
