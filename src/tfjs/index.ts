/**
 * glocal-hypergrad/tfjs: TensorFlow.js models as inner problems. `tfjsProblem` turns a
 * `tf.LayersModel` with a loss, or a loss function of parameter tensors, and its data into
 * a problem that `optimize`, `hypergradientTrajectory`, `globalHypergradient` and
 * `localHypergradient` of `glocal-hypergrad` accept like a built-in one. Hypergradients
 * are exact (Hessian-vector products through tfjs) or, where tfjs lacks a second
 * derivative, finite differences labelled `approximate` with the reason. TensorFlow.js is
 * an optional peer dependency: without it, `E_MISSING_DEPENDENCY`.
 *
 * @packageDocumentation
 */
export { tfjsProblem, TfjsProblem } from "./problem";
export type { TfjsProblemSpec } from "./problem";
export { TfjsTraining } from "./training";
export type { TfjsTrainingOptions, TfjsSnapshot, TfjsSource } from "./training";
export type { TfjsSplit, TfjsArray } from "./data";
export { LOSS_NAMES } from "./losses";
export type { LossName, LossFunction, AccuracyFunction } from "./losses";
export type { LayersModelLike, ParamsLoss, ParamsAccuracy, ModelAdapter } from "./model";
export { loadTf } from "./load";
export type { Tf } from "./load";
export { secondOrderScope } from "./secondOrder";
export type { ScopeReport } from "./secondOrder";
