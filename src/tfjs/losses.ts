/**
 * The losses a `tf.LayersModel` can be tuned with, by name (the mean over the batch), and
 * the accuracy each classification loss implies.
 *
 * A cross-entropy on a model whose last activation is the matching softmax or sigmoid is
 * computed from the logits (that activation left out, as Keras's `fromLogits`): the same
 * loss, but exact where a prediction is confident. tfjs-layers' formula on probabilities
 * clips them to [1e-7, 1 − 1e-7], which zeroes the gradient of a confident mistake, and
 * log p's second derivative 1/p² overflows f32 for small p. Other models get that
 * formula (it is the loss `model.fit` would minimise).
 */
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import { GlocalError, describe } from "../core/errors";
import type { Tf } from "./load";

/** The loss names accepted with a `tf.LayersModel`. */
export type LossName =
  "categoricalCrossentropy" | "sparseCategoricalCrossentropy" | "binaryCrossentropy" | "meanSquaredError";

/** Every loss name a LayersModel accepts. */
export const LOSS_NAMES: readonly LossName[] = [
  "categoricalCrossentropy",
  "sparseCategoricalCrossentropy",
  "binaryCrossentropy",
  "meanSquaredError",
];

/** A loss of targets and the model's output: the mean over the batch, a scalar tensor. */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Fraction of correct predictions (a scalar in [0, 1]) from targets and the model's output. */
export type AccuracyFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

const EPSILON = 1e-7;

/** A named loss: on the model's output, and (cross-entropies) on the logits before `activation`. */
export interface NamedLoss {
  loss: LossFunction;
  accuracy: AccuracyFunction | null;
  fromLogits: { activation: "softmax" | "sigmoid"; loss: LossFunction } | null;
}

/** The named loss and its accuracy (null for least squares). */
export function namedLoss(tf: Tf, name: unknown): NamedLoss {
  const clip = (p: Tensor) => tf.clipByValue(p, EPSILON, 1 - EPSILON);
  const categorical = (y: Tensor, p: Tensor): Scalar =>
    tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(clip(tf.div(p, tf.sum(p, -1, true))))), -1)));
  const oneHot = (y: Tensor, p: Tensor) => tf.oneHot(tf.cast(tf.reshape(y, [-1]), "int32"), p.shape[p.rank - 1]);
  // −Σ y log softmax(z), the mean over the batch.
  const softmaxLogits = (y: Tensor, z: Tensor): Scalar => tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), -1)));
  const argMaxAccuracy = (labels: Tensor, p: Tensor): Scalar =>
    tf.mean(tf.cast(tf.equal(labels, tf.argMax(p, -1)), "float32"));
  switch (name) {
    case "categoricalCrossentropy":
      return {
        loss: categorical,
        accuracy: (y, p) => argMaxAccuracy(tf.argMax(y, -1), p),
        fromLogits: { activation: "softmax", loss: softmaxLogits },
      };
    case "sparseCategoricalCrossentropy":
      return {
        loss: (y, p) => categorical(oneHot(y, p), p),
        accuracy: (y, p) => argMaxAccuracy(tf.cast(tf.reshape(y, [-1]), "int32"), p),
        fromLogits: { activation: "softmax", loss: (y, z) => softmaxLogits(oneHot(y, z), z) },
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
        // log(1 + e^z) − y z, the mean over every output.
        fromLogits: {
          activation: "sigmoid",
          loss: (y, z) => tf.mean(tf.sub(tf.softplus(z), tf.mul(tf.reshape(y, z.shape), z))),
        },
      };
    case "meanSquaredError":
      return {
        loss: (y, p) => tf.mean(tf.square(tf.sub(p, tf.reshape(y, p.shape)))),
        accuracy: null,
        fromLogits: null,
      };
    default:
      throw new GlocalError(
        "E_OPTION",
        `option 'loss' must be one of ${LOSS_NAMES.join(", ")} or a function (yTrue, yPred) => scalar, got ${describe(name)}`,
        "loss",
      );
  }
}
