/**
 * Models with ops the built-in problems lack: a layer norm (tfjs differentiates it twice:
 * exact) and a convolution (tfjs has no second derivative of Conv2DBackpropFilter: finite
 * differences, labelled approximate with the op). Both against finite differences of the
 * unrolled training's validation loss in φ.
 */
import { globalHypergradient, optimizers } from "../../src/index";
import type { OptimizerSpec } from "../../src/index";
import { TfjsProblem, tfjsProblem } from "../../src/tfjs/index";
import { fdGradient } from "../support/training";
import { gaussian } from "../support/helpers";
import { relErrMax, tf, tfl } from "../support/tfjs";

const STEPS = 25;

/** Seeded N(0, scale²) tensor. */
function normal(shape: number[], seed: number, scale = 1): tf.Tensor {
  const g = gaussian(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => g() * scale),
    shape,
  );
}

/** Validation loss after STEPS full-batch steps at φ (no tangent: plain training). */
function unrolled(problem: TfjsProblem, opt: OptimizerSpec, hyper: ("lr" | "wd")[]) {
  return (phi: Float64Array) => {
    const s = problem.createSession(opt, { hyper, phi });
    s.step(STEPS, { tangent: false });
    const v = s.valLoss();
    s.dispose();
    return v;
  };
}

/** Labels of a random teacher: 3 classes from x W*. */
function labels(x: tf.Tensor, seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf.oneHot(tf.argMax(tf.matMul(tf.reshape(x, [x.shape[0], -1]), normal([x.size / x.shape[0], 3], seed)), -1), 3),
  );
}

describe("tfjs models beyond the built-in ones", () => {
  const opt = optimizers.sgd({ lr: 0.2, wd: 0.05 });
  const phi = new Float64Array([Math.log(0.2), Math.log(0.05)]);

  it("layer norm: exact Hessian-vector products, h_T = finite differences of the unrolled loss", () => {
    const x = normal([16, 6], 1),
      xv = normal([10, 6], 2);
    const y = labels(x, 3),
      yv = labels(xv, 3);
    const params = [normal([6, 5], 4, 0.5), tf.zeros([5]), tf.ones([5]), normal([5, 3], 5, 0.5), tf.zeros([3])];
    const problem = tfjsProblem({
      params,
      loss: ([w1, b1, gain, w2, b2], xx, yy) => {
        const z = tf.add(tf.matMul(xx, w1), b1);
        const { mean, variance } = tf.moments(z, -1, true);
        const h = tf.tanh(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-3))), gain));
        return tf.losses.softmaxCrossEntropy(yy, tf.add(tf.matMul(h, w2), b2)) as tf.Scalar;
      },
      train: { x, y },
      val: { x: xv, y: yv },
    });
    tf.dispose([x, xv, y, yv, ...params]);
    try {
      expect(problem.approximate).toBe(false);
      const r = globalHypergradient(problem, opt, { steps: STEPS, hyper: ["lr", "wd"] });
      expect(r.approximate).toBe(false);
      const fd = fdGradient(unrolled(problem, opt, ["lr", "wd"]), phi, 1e-2);
      expect(relErrMax(r.hypergradient, fd)).toBeLessThan(2e-3);
    } finally {
      problem.dispose();
    }
  });

  it("convolution: finite-difference products, labelled approximate with the op, close to the unrolled loss's gradient", () => {
    const x = normal([12, 5, 5, 1], 6),
      xv = normal([8, 5, 5, 1], 7);
    const y = labels(x, 8),
      yv = labels(xv, 8);
    const params = [normal([3, 3, 1, 2], 9, 0.4), tf.zeros([2]), normal([18, 3], 10, 0.3), tf.zeros([3])];
    const spec = {
      params,
      loss: ([k, c, w, b]: tf.Tensor[], xx: tf.Tensor, yy: tf.Tensor) => {
        const h = tf.tanh(tf.add(tf.conv2d(xx as tf.Tensor4D, k as tf.Tensor4D, 1, "valid"), c));
        return tf.losses.softmaxCrossEntropy(
          yy,
          tf.add(tf.matMul(tf.reshape(h, [xx.shape[0], -1]), w), b),
        ) as tf.Scalar;
      },
      train: { x, y },
      val: { x: xv, y: yv },
    };
    const before = tf.memory().numTensors;
    expect(() => tfjsProblem({ ...spec, jvp: "exact" })).toThrow(
      expect.objectContaining({ code: "E_UNSUPPORTED", argument: "jvp" }),
    );
    expect(tf.memory().numTensors).toBe(before);
    const problem = tfjsProblem(spec);
    // The failed exact probe left no tensor behind (the data copies are the problem's).
    expect(tf.memory().numTensors - before).toBe(4);
    tf.dispose([x, xv, y, yv, ...params]);
    try {
      expect(problem.approximate).toBe(true);
      expect(problem.approximation).toMatch(/Conv2DBackpropFilter/);
      const r = globalHypergradient(problem, opt, { steps: STEPS, hyper: ["lr", "wd"] });
      expect(r.approximate).toBe(true);
      expect(r.approximation).toMatch(/no second derivative for Conv2DBackpropFilter/);
      const fd = fdGradient(unrolled(problem, opt, ["lr", "wd"]), phi, 1e-2);
      expect(relErrMax(r.hypergradient, fd)).toBeLessThan(1e-2);
    } finally {
      problem.dispose();
    }
  });

  it("jvp: 'finite-difference' on a model tfjs differentiates twice: approximate, close to exact", () => {
    const x = normal([20, 4], 11),
      y = labels(x, 12);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [4], activation: "softmax" })],
    });
    const spec = { model, loss: "categoricalCrossentropy" as const, train: { x, y }, val: { x, y } };
    const exact = tfjsProblem(spec),
      approx = tfjsProblem({ ...spec, jvp: "finite-difference" });
    try {
      expect(approx.approximation).toMatch(/finite differences were asked for/);
      const a = globalHypergradient(exact, opt, { steps: STEPS, hyper: ["lr", "wd"] });
      const b = globalHypergradient(approx, opt, { steps: STEPS, hyper: ["lr", "wd"] });
      expect(b.approximate).toBe(true);
      expect(relErrMax(b.hypergradient, a.hypergradient)).toBeLessThan(1e-3);
    } finally {
      exact.dispose();
      approx.dispose();
      model.dispose();
      tf.dispose([x, y]);
    }
  });
});
