/**
 * Fixtures of the tfjs tests: TensorFlow.js on its pure-JS CPU backend, and the built-in
 * problems' models written in tfjs (function form and tf.LayersModel) with the same data
 * and θ₀. The built-in θ is per layer a (d_in + 1) × d_out block, W's rows then the bias
 * row, which is exactly [W, b] flattened row-major: the two θ vectors coincide.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import type { Problem } from "../../src/index";
import { tinyProblem, TINY_DATA } from "./training";
import { datasets } from "../../src/index";
import { tfjsProblem, TfjsProblem } from "../../src/tfjs/index";

void tf.setBackend("cpu");
quietBanner();

/** tfjs's CPU backend prints an "install tfjs-node" banner at its first tensor: silence that
 *  one console.warn (tfjs's IS_TEST flag would too, but it also checks every kernel for
 *  leaks, which slows everything). */
export function quietBanner(): void {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    console.warn = warn;
  }
}

export { tf, tfl };

export type TwinModel = "logistic" | "softmax" | "mlp-tanh";

/** The data of tinyProblem(model, seed). */
function tinyData(model: TwinModel, seed: number) {
  const common = { ...TINY_DATA, seed };
  return model === "logistic"
    ? datasets.synthetic({ kind: "binary", ...common })
    : datasets.synthetic({ kind: "multiclass", classes: 3, ...common });
}

/** θ as [W, b] tensors per layer (widths: d_in, …, d_out). */
export function layerTensors(theta: Float64Array, widths: number[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let off = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    out.push(tf.tensor2d(Float32Array.from(theta.subarray(off, off + i * o)), [i, o]));
    off += i * o;
    out.push(tf.tensor1d(Float32Array.from(theta.subarray(off, off + o))));
    off += o;
  }
  return out;
}

const split = (s: { x: { rows: number; cols: number; data: Float64Array }; y: ArrayLike<number> }) => ({
  x: tf.tensor2d(Float32Array.from(s.x.data), [s.x.rows, s.x.cols]),
  labels: tf.tensor1d(Float32Array.from(s.y as ArrayLike<number>)),
});

/** The built-in tiny problem and its tfjs twin (function form, or a LayersModel). */
export function twins(
  model: TwinModel,
  form: "function" | "layers",
  seed = 1,
): { builtin: Problem; tfjs: TfjsProblem; widths: number[] } {
  const builtin = tinyProblem(model, seed);
  const data = tinyData(model, seed);
  const k = model === "logistic" ? 1 : 3;
  const widths = model === "mlp-tanh" ? [TINY_DATA.features, 5, k] : [TINY_DATA.features, k];
  const train = split(data.train as never),
    val = split(data.val as never);
  // Targets made here are freed below with the rest (the problem keeps clones).
  const made: tf.Tensor[] = [];
  const y = (labels: tf.Tensor) =>
    tf.tidy(() => (k === 1 ? tf.reshape(labels, [-1, 1]) : tf.oneHot(tf.cast(labels, "int32"), k)));
  const target = (labels: tf.Tensor) => {
    const t = y(labels);
    made.push(t);
    return t;
  };
  const theta0 = builtin.initialTheta();
  const params = layerTensors(theta0, widths);
  try {
    if (form === "function") {
      const logits = (p: tf.Tensor[], x: tf.Tensor) => {
        let h = x;
        for (let l = 0; l < p.length; l += 2) {
          h = tf.add(tf.matMul(h, p[l]), p[l + 1]);
          if (l + 2 < p.length) h = tf.tanh(h);
        }
        return h;
      };
      const loss =
        k === 1
          ? (p: tf.Tensor[], x: tf.Tensor, t: tf.Tensor) => {
              const z = logits(p, x);
              return tf.mean(tf.sub(tf.softplus(z), tf.mul(t, z))) as tf.Scalar;
            }
          : (p: tf.Tensor[], x: tf.Tensor, t: tf.Tensor) =>
              tf.neg(tf.mean(tf.sum(tf.mul(t, tf.logSoftmax(logits(p, x))), -1))) as tf.Scalar;
      // Thresholds z at 0 (logistic) or takes the arg max, as the built-in problems do.
      const accuracy = (p: tf.Tensor[], x: tf.Tensor, t: tf.Tensor) => {
        const z = logits(p, x);
        const right =
          k === 1 ? tf.equal(tf.greater(z, 0), tf.cast(t, "bool")) : tf.equal(tf.argMax(z, -1), tf.argMax(t, -1));
        return tf.mean(tf.cast(right, "float32")) as tf.Scalar;
      };
      const tfjs = tfjsProblem({
        params,
        loss,
        accuracy,
        train: { x: train.x, y: target(train.labels) },
        val: { x: val.x, y: target(val.labels) },
      });
      return { builtin, tfjs, widths };
    }
    const layers = widths.slice(1).map((units, l) =>
      tfl.layers.dense({
        units,
        inputShape: l === 0 ? [widths[0]] : undefined,
        activation: l + 2 < widths.length ? "tanh" : k === 1 ? "sigmoid" : "softmax",
      }),
    );
    const m = tfl.sequential({ layers });
    m.setWeights(params);
    const tfjs = tfjsProblem({
      model: m,
      loss: k === 1 ? "binaryCrossentropy" : "sparseCategoricalCrossentropy",
      train: { x: train.x, y: train.labels },
      val: { x: val.x, y: val.labels },
    });
    return { builtin, tfjs, widths };
  } finally {
    tf.dispose([...params, ...made, train.x, train.labels, val.x, val.labels]);
  }
}

/** max |a − b| / max |b|. */
export function relErrMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
