/**
 * secondOrderScope: Hessian-vector products through tfjs's nested gradients against
 * analytic Hessians, for the ops whose tfjs gradients read their own output, ops with a
 * custom gradient, boolean-valued ops on the path and fused kernels.
 */
import { secondOrderScope } from "../../src/tfjs/index";
import { tf } from "../support/tfjs";

const X = [0.3, -1.2, 2.0, 0.05, -0.4];
const V = [1, -0.5, 0.25, 2, -1];

/** H v of f at x by nested gradients (inside the scope unless `plain`). */
function hvp(f: (x: tf.Tensor) => tf.Tensor, x: number[], v: number[], plain = false): number[] {
  const run = () =>
    tf.tidy(() => {
      const xt = tf.tensor1d(x),
        vt = tf.tensor1d(v);
      const outer = tf.grad(
        (z: tf.Tensor) => tf.sum(tf.mul(tf.grad(f as (x: tf.Tensor) => tf.Scalar)(z), vt)) as tf.Scalar,
      );
      return outer(xt);
    });
  const t = plain ? run() : secondOrderScope(tf, run);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** diag(d) v. */
const diag = (d: number[], v: number[]) => d.map((di, i) => di * v[i]);
const sig = (z: number) => 1 / (1 + Math.exp(-z));

function expectClose(got: number[], want: number[], tol = 2e-6): void {
  const scale = Math.max(...want.map(Math.abs), 1e-3);
  got.forEach((g, i) => expect(Math.abs(g - want[i]) / scale).toBeLessThan(tol));
}

describe("secondOrderScope: exact Hessian-vector products", () => {
  it("tanh, sigmoid, exp (gradients that read the output)", () => {
    const th = X.map(Math.tanh);
    expectClose(
      hvp((x) => tf.sum(tf.tanh(x)), X, V),
      diag(
        th.map((t) => -2 * t * (1 - t * t)),
        V,
      ),
    );
    expectClose(
      hvp((x) => tf.sum(tf.sigmoid(x)), X, V),
      diag(
        X.map((z) => sig(z) * (1 - sig(z)) * (1 - 2 * sig(z))),
        V,
      ),
    );
    expectClose(
      hvp((x) => tf.sum(tf.exp(x)), X, V),
      diag(X.map(Math.exp), V),
    );
  });

  it("softmax cross-entropy, logSoftmax and softmax: H = diag(p) − p pᵀ", () => {
    const e = X.map(Math.exp),
      s = e.reduce((a, b) => a + b, 0),
      p = e.map((v) => v / s);
    const pv = p.reduce((a, pi, i) => a + pi * V[i], 0);
    const want = p.map((pi, i) => pi * V[i] - pi * pv);
    const y = [0, 1, 0, 0, 0];
    const yt = () => tf.tensor2d([y]);
    expectClose(
      hvp((x) => tf.losses.softmaxCrossEntropy(yt(), tf.reshape(x, [1, -1])) as tf.Scalar, X, V),
      want,
    );
    expectClose(
      hvp((x) => tf.neg(tf.sum(tf.mul(tf.tensor1d(y), tf.logSoftmax(x)))), X, V),
      want,
    );
    // The same cross-entropy through tf.softmax then tf.log (Softmax's gradient reads its output).
    expectClose(
      hvp((x) => tf.neg(tf.sum(tf.mul(tf.tensor1d(y), tf.log(tf.softmax(x))))), X, V),
      want,
      1e-5,
    );
  });

  it("logSigmoid (custom gradient) and clipByValue (logicalAnd on the path)", () => {
    expectClose(
      hvp((x) => tf.neg(tf.sum(tf.logSigmoid(tf.mul(x, 1)))), X, V),
      diag(
        X.map((z) => sig(z) * sig(-z)),
        V,
      ),
    );
    expectClose(
      hvp((x) => tf.sum(tf.square(tf.clipByValue(x, -1, 1))), X, V),
      diag(
        X.map((z) => (Math.abs(z) < 1 ? 2 : 0)),
        V,
      ),
    );
  });

  it("a fused matMul with bias (linear activation keeps tfjs's own gradient)", () => {
    const A = tf.tensor2d([
      [1, 2],
      [0.5, -1],
      [3, 0],
    ]);
    // f(w) = ‖A w + 1‖²: H = 2 AᵀA.
    const f = (w: tf.Tensor) =>
      tf.sum(tf.square(tf.fused.matMul({ a: A, b: tf.reshape(w, [2, 1]), bias: tf.scalar(1) })));
    const got = hvp(f, [0.2, -0.7], [1, 2]);
    const a = A.arraySync();
    const ata = [0, 1].map((i) => [0, 1].map((j) => a.reduce((s, r) => s + r[i] * r[j], 0)));
    expectClose(
      got,
      [0, 1].map((i) => 2 * (ata[i][0] * 1 + ata[i][1] * 2)),
    );
    A.dispose();
  });

  it("tfjs alone drops the terms through saved outputs (why the scope exists)", () => {
    // Σ sigmoid(x)² has H = diag(2σ'² + 2σσ''); without the scope tfjs misses σ''.
    const f = (x: tf.Tensor) => tf.sum(tf.square(tf.sigmoid(x)));
    const want = diag(
      X.map((z) => {
        const s = sig(z),
          d1 = s * (1 - s),
          d2 = d1 * (1 - 2 * s);
        return 2 * d1 * d1 + 2 * s * d2;
      }),
      V,
    );
    expectClose(hvp(f, X, V), want);
    const plain = hvp(f, X, V, true);
    const err = Math.max(...plain.map((g, i) => Math.abs(g - want[i]))) / Math.max(...want.map(Math.abs));
    expect(err).toBeGreaterThan(0.1);
  });

  it("puts tfjs back as it was: gradients, engine methods, tensor count", () => {
    const before = { tanh: tf.getGradient("Tanh"), and: tf.getGradient("LogicalAnd"), n: tf.memory().numTensors };
    const engine = tf.engine() as unknown as Record<string, unknown>;
    hvp((x) => tf.sum(tf.square(tf.clipByValue(tf.tanh(x), -0.5, 0.5))), X, V);
    expect(tf.getGradient("Tanh")).toBe(before.tanh);
    expect(tf.getGradient("LogicalAnd")).toBe(before.and);
    expect(Object.prototype.hasOwnProperty.call(engine, "customGrad")).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(engine, "runKernel")).toBe(false);
    expect(tf.memory().numTensors).toBe(before.n);
    expect(() =>
      secondOrderScope(tf, () => {
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(tf.getGradient("Tanh")).toBe(before.tanh);
    expect(Object.prototype.hasOwnProperty.call(engine, "customGrad")).toBe(false);
  });
});
