/** tfjsProblem: loading TensorFlow.js, checking the spec, and leaving the caller's objects alone. */
import { GlocalError, optimizers } from "../../src/index";
import { loadTf, tfjsProblem } from "../../src/tfjs/index";
import { tf, tfl } from "../support/tfjs";

/** `${code} ${argument}` of the GlocalError fn throws. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof GlocalError)) throw e;
    return `${e.code} ${e.argument}`;
  }
  return "no error";
}

describe("loading TensorFlow.js", () => {
  it("finds tfjs-core with its backend and gradients; checks a namespace passed in", () => {
    // The same module as the tests' (the namespace object may be a copy of it).
    expect(loadTf().tensor).toBe(tf.tensor);
    expect(loadTf(tf).tensor).toBe(tf.tensor);
    expect(failure(() => loadTf({ tensor: 1 }))).toBe("E_TYPE tf");
    const noBackend = { ...tf, engine: () => ({ backendNames: () => [] }) };
    expect(failure(() => loadTf(noBackend))).toBe("E_MISSING_DEPENDENCY tf");
    const noGradients = { ...tf, getGradient: () => undefined };
    expect(failure(() => loadTf(noGradients))).toBe("E_MISSING_DEPENDENCY tf");
  });
});

describe("tfjsProblem checks its spec", () => {
  const x = [
    [1, 2],
    [0.5, -1],
    [2, 0],
  ];
  const y = [1, 0, 1];
  const w = tf.tensor2d([[0.1], [0.2]]);
  const loss = (p: tf.Tensor[], xx: tf.Tensor, yy: tf.Tensor) =>
    tf.mean(tf.square(tf.sub(tf.reshape(tf.matMul(xx, p[0]), [-1]), yy))) as tf.Scalar;
  const ok = { params: [w], loss, train: { x, y }, val: { x, y } };
  afterAll(() => w.dispose());

  it.each([
    ["an unknown key", { ...ok, lr: 1 }, "E_OPTION spec.lr"],
    ["both model and params", { ...ok, model: {} }, "E_OPTION params"],
    ["neither model nor params", { loss, train: ok.train, val: ok.val }, "E_OPTION model"],
    [
      "a model that is not a LayersModel",
      { loss: "meanSquaredError", model: {}, train: ok.train, val: ok.val },
      "E_TYPE model",
    ],
    ["params that are not tensors", { ...ok, params: [[1, 2]] }, "E_TYPE params"],
    ["a loss that is not a function", { ...ok, loss: "meanSquaredError" }, "E_TYPE loss"],
    [
      "a loss that is not a scalar",
      { ...ok, loss: (p: tf.Tensor[], xx: tf.Tensor) => tf.matMul(xx, p[0]) },
      "E_SHAPE loss",
    ],
    [
      "a loss that throws in tfjs",
      { ...ok, loss: (p: tf.Tensor[], xx: tf.Tensor) => tf.matMul(p[0], xx) },
      "E_TYPE loss",
    ],
    ["x and y of different lengths", { ...ok, train: { x, y: [1, 0] } }, "E_SHAPE train"],
    ["NaN in the data", { ...ok, val: { x: [[1, NaN]], y: [1] } }, "E_NONFINITE val.x"],
    ["a missing split", { ...ok, val: undefined }, "E_OPTION val.x"],
    ["an unknown jvp", { ...ok, jvp: "forward" }, "E_OPTION jvp"],
    ["an fdStep out of range", { ...ok, fdStep: 2 }, "E_OPTION fdStep"],
    ["a tf that is not tfjs", { ...ok, tf: {} }, "E_TYPE tf"],
  ])("rejects %s, leaving no tensor behind", (_what, spec, expected) => {
    const before = tf.memory().numTensors;
    expect(failure(() => tfjsProblem(spec as never))).toBe(expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects NaN in a tensor and a disposed tensor", () => {
    const bad = tf.tensor2d([[1, NaN]]),
      gone = tf.tensor1d([1]);
    gone.dispose();
    expect(failure(() => tfjsProblem({ ...ok, train: { x: bad, y: [1] } }))).toBe("E_NONFINITE train.x");
    expect(failure(() => tfjsProblem({ ...ok, train: { x: [[1, 2]], y: gone } }))).toBe("E_DISPOSED train.y");
    bad.dispose();
  });

  it("a LayersModel: θ₀ is its trainable weights; training leaves them as they were", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 3, inputShape: [2], activation: "tanh" }),
        tfl.layers.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    const weights = () => model.getWeights().map((t) => Array.from(t.dataSync()));
    const before = weights();
    const p = tfjsProblem({ model, loss: "binaryCrossentropy", train: { x, y }, val: { x, y } });
    expect(p.parameterCount).toBe(2 * 3 + 3 + 3 + 1);
    expect(p.shapes).toEqual([[2, 3], [3], [3, 1], [1]]);
    expect(Array.from(p.initialTheta())).toEqual(before.flat());
    const s = p.createSession(optimizers.sgd({ lr: 1, wd: 0.01 }), { hyper: ["lr", "wd"] });
    s.step(10);
    expect(Array.from(s.theta())).not.toEqual(before.flat());
    expect(p.evaluate(s.theta()).accuracy).toBeGreaterThanOrEqual(0);
    const ts = p.parameterTensors(s.theta());
    expect(ts.map((t) => t.shape)).toEqual(p.shapes);
    tf.dispose(ts);
    s.dispose();
    p.dispose();
    expect(weights()).toEqual(before);
    model.dispose();
  });

  it("a confident LayersModel: cross-entropy from the logits, exact where tfjs-layers' clip would zero the gradient", () => {
    // One example, logits (30, 0, 0) = W x for x = (1), label 1: p₁ = 1/(e³⁰ + 2) ≈ 9e-14.
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [1], activation: "softmax", useBias: false })],
    });
    model.setWeights([tf.tensor2d([[30, 0, 0]])]);
    const last = model.layers[0] as unknown as { activation: unknown };
    const activation = last.activation;
    const p = tfjsProblem({
      model,
      loss: "sparseCategoricalCrossentropy",
      train: { x: [[1]], y: [1] },
      val: { x: [[1]], y: [1] },
    });
    const { loss, accuracy } = p.evaluate(p.initialTheta());
    expect(Math.abs(loss - (30 + Math.log1p(2 * Math.exp(-30))))).toBeLessThan(1e-5); // clipped: −log 1e-7 ≈ 16.1
    expect(accuracy).toBe(0);
    // ∇_W = x (p − y) = (1 − tiny, −1 + tiny, tiny): the clip would give (≈ 1, ≈ 0, ≈ 0).
    const s = p.createSession(optimizers.sgd({ lr: 0.1 }), { hyper: ["lr"] });
    const g = s.validationGradient();
    expect(Array.from(g).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, -1, 0]);
    s.dispose();
    p.dispose();
    expect(last.activation).toBe(activation);
    model.dispose();
  });
});
