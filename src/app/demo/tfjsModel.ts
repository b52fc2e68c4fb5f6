/**
 * The demo's TensorFlow.js model (`model: "tfjs"`): the demo's one-hidden-layer tanh MLP
 * with the same θ₀, computed by TensorFlow.js through glocal-hypergrad/tfjs (model math in
 * f32, exact hypergradients by Hessian-vector products). Written as a loss of parameter
 * tensors, so tfjs-core with a backend is all it needs (a global `tf` in the browser's
 * worker, @tensorflow/tfjs or -core in Node).
 */
import type { ClassificationData } from "../../datasets/mnist";
import { mlp } from "../../problems/index";
import { TfTensor, loadTf } from "../../tfjs/load";
import { TfjsProblem, tfjsProblem } from "../../tfjs/problem";

/** The MLP (features → hidden tanh → classes) on `data` as a tfjs problem; θ₀ as problems.mlp's. */
export function tfjsMlp(data: ClassificationData, hidden: number, seed: number): TfjsProblem {
  const tf = loadTf();
  const reference = mlp(data, { hidden, activation: "tanh", seed });
  const widths = [reference.features, hidden, reference.outputs];
  const theta0 = reference.initialTheta();
  reference.dispose();
  const owned: TfTensor[] = [];
  const keep = <T extends TfTensor>(t: T): T => (owned.push(t), t);
  // θ's layout is the built-in one: per layer W's rows, then the bias row.
  const params = [];
  let off = 0;
  for (let l = 0; l < 2; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    params.push(keep(tf.tensor2d(Float32Array.from(theta0.subarray(off, off + i * o)), [i, o])));
    params.push(keep(tf.tensor1d(Float32Array.from(theta0.subarray(off + i * o, off + i * o + o)))));
    off += i * o + o;
  }
  const split = (s: ClassificationData["train"]) => ({
    x: keep(tf.tensor2d(Float32Array.from(s.x.data), [s.x.rows, s.x.cols])),
    y: keep(tf.oneHot(keep(tf.tensor1d(s.y, "int32")), widths[2])),
  });
  const logits = ([w1, b1, w2, b2]: TfTensor[], x: TfTensor) =>
    tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2);
  try {
    return tfjsProblem({
      tf,
      params,
      loss: (p, x, y) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits(p, x))), -1))),
      accuracy: (p, x, y) => tf.mean(tf.cast(tf.equal(tf.argMax(logits(p, x), -1), tf.argMax(y, -1)), "float32")),
      train: split(data.train),
      val: split(data.val),
    });
  } finally {
    tf.dispose(owned);
  }
}
