/**
 * The losses a `tf.LayersModel` can be tuned with, by name, with tfjs-layers' formulas
 * (probabilities clipped to [ε, 1 − ε], ε = 1e-7; the mean over the batch) and built from
 * ops tfjs differentiates twice; and the accuracy each classification loss implies.
 */
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import type { Tf } from "./load";

/** The loss names accepted with a `tf.LayersModel`. */
export type LossName =
  "categoricalCrossentropy" | "sparseCategoricalCrossentropy" | "binaryCrossentropy" | "meanSquaredError";

export const LOSS_NAMES: readonly LossName[] = [
  "categoricalCrossentropy",
  "sparseCategoricalCrossentropy",
  "binaryCrossentropy",
  "meanSquaredError",
];

/** A loss of targets and the model's output: a mean over the batch, a scalar. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** Fraction of correct predictions (a scalar in [0, 1]). */
export type AccuracyFunction = (yTrue: Tensor, yPred: Tensor) => Scalar;

const EPSILON = 1e-7;

/** The named loss and its accuracy (null for least squares). */
export function namedLoss(tf: Tf, name: unknown): { loss: LossFunction; accuracy: AccuracyFunction | null } {
  const clip = (p: Tensor) => tf.clipByValue(p, EPSILON, 1 - EPSILON);
  const categorical = (y: Tensor, p: Tensor): Scalar =>
    tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(clip(tf.div(p, tf.sum(p, -1, true))))), -1)));
  const oneHot = (y: Tensor, p: Tensor) => tf.oneHot(tf.cast(tf.reshape(y, [-1]), "int32"), p.shape[p.rank - 1]);
  const argMaxAccuracy = (labels: Tensor, p: Tensor): Scalar =>
    tf.mean(tf.cast(tf.equal(labels, tf.argMax(p, -1)), "float32"));
  switch (name) {
    case "categoricalCrossentropy":
      return { loss: categorical, accuracy: (y, p) => argMaxAccuracy(tf.argMax(y, -1), p) };
    case "sparseCategoricalCrossentropy":
      return {
        loss: (y, p) => categorical(oneHot(y, p), p),
        accuracy: (y, p) => argMaxAccuracy(tf.cast(tf.reshape(y, [-1]), "int32"), p),
      };
    case "binaryCrossentropy":
      return {
        loss: (y, p) => {
          const q = clip(p),
            t = tf.reshape(y, q.shape);
          const ll = tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q))));
          return tf.mean(tf.neg(ll));
        },
        accuracy: (y, p) => tf.mean(tf.cast(tf.equal(tf.reshape(y, p.shape), tf.greater(p, 0.5)), "float32")),
      };
    case "meanSquaredError":
      return { loss: (y, p) => tf.mean(tf.square(tf.sub(p, tf.reshape(y, p.shape)))), accuracy: null };
    default:
      throw new GlocalError(
        "E_OPTION",
        `option 'loss' must be one of ${LOSS_NAMES.join(", ")} or a function (yTrue, yPred) => scalar, got ${describe(name)}`,
        "loss",
      );
  }
}
