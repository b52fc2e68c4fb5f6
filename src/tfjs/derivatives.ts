/**
 * One step's derivatives from tfjs: the mini-batch loss L(θ), its gradient g = ∇L(θ) and
 * the Hessian-vector products H(θ)v_j for the q tangent directions, read back in one
 * transfer (f32 → f64).
 *
 * Exact: H v = ∇_θ ⟨∇_θ L(θ), v⟩, a gradient of a gradient (inside `secondOrderScope`,
 * which makes tfjs's second derivatives exact). tfjs has no forward mode and no batching
 * over parameters (no vmap), so each direction costs one double-backward pass; g comes
 * from the first of them. A zero direction (every tangent at a window start) costs
 * nothing. Finite differences (approximate): H v ≈ (g(θ + εv) − g(θ − εv)) / 2ε.
 *
 * Directions are scaled to max |v| = 1 before they become f32 tensors (and the products
 * scaled back in f64), so tangents of any magnitude neither underflow nor overflow f32.
 */
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "./load";
import type { ModelAdapter } from "./model";
import { ScopeReport, secondOrderScope } from "./secondOrder";

/** A step's derivatives in f64. */
export interface Derivatives {
  loss: number;
  g: Float64Array;
  /** H v_j for each direction (j-major, q·P); zero where v_j = 0. */
  hv: Float64Array;
}

/** How the Hessian-vector products are taken. */
export interface HvpMode {
  exact: boolean;
  /** Finite differences: the step, relative to 1 + max |θ|. */
  fdStep: number;
}

/** Parameter tensors (f32) of the flat f64 vector `v`, times `scale`. */
export function parameterTensors(tf: Tf, m: ModelAdapter, v: ArrayLike<number>, scale = 1, offset = 0): Tensor[] {
  let off = offset;
  return m.shapes.map((shape, i) => {
    const data = new Float32Array(m.sizes[i]);
    for (let k = 0; k < data.length; k++) data[k] = v[off + k] * scale;
    off += m.sizes[i];
    return tf.tensor(data, shape as number[], "float32");
  });
}

/** max |v[off … off + P)|. */
function maxAbs(v: Float64Array, off: number, P: number): number {
  let s = 0;
  for (let i = off; i < off + P; i++) s = Math.max(s, Math.abs(v[i]));
  return s;
}

/** The gradients of y with respect to xs (zeros where y does not depend on one). */
function gradients(tf: Tf, y: () => Scalar, xs: Tensor[]): { value: Scalar; grads: Tensor[] } {
  const r = tf.engine().gradients(y, xs, undefined, true);
  return { value: r.value, grads: xs.map((x, i) => r.grads[i] ?? tf.zerosLike(x)) };
}

function flat(tf: Tf, ts: Tensor[]): Tensor {
  return tf.concat(ts.map((t) => tf.reshape(t, [-1])));
}

/**
 * L, g and H v_j at θ on (x, y) for the q directions in `dirs` (j-major, q·P).
 * Must run inside tf.tidy (the caller's); returns plain arrays.
 */
export function derivatives(
  tf: Tf,
  m: ModelAdapter,
  theta: Float64Array,
  x: Tensor,
  y: Tensor,
  dirs: Float64Array,
  q: number,
  mode: HvpMode,
  report?: ScopeReport,
): Derivatives {
  const P = m.parameterCount;
  const scales = Array.from({ length: q }, (_, j) => maxAbs(dirs, j * P, P));
  const active = scales.flatMap((s, j) => (s > 0 ? [j] : []));
  const lossAt = (xs: Tensor[]) => () => m.loss(xs, x, y);
  const out: Derivatives = { loss: NaN, g: new Float64Array(P), hv: new Float64Array(q * P) };
  if (mode.exact && active.length === 0) {
    // First derivatives only: tfjs's own gradients are exact, no second-order scope needed.
    const data = m.withParameters(parameterTensors(tf, m, theta), (xs) => {
      const r = gradients(tf, lossAt(xs), xs);
      return tf.concat([tf.reshape(r.value, [1]), flat(tf, r.grads)]).dataSync();
    });
    out.loss = data[0];
    for (let i = 0; i < P; i++) out.g[i] = data[1 + i];
    return out;
  }
  if (mode.exact) {
    const data = m.withParameters(parameterTensors(tf, m, theta), (xs) =>
      secondOrderScope(
        tf,
        () => {
          // L and g from the first pass, kept past its tidy: freed here, also on failure.
          const kept: Tensor[] = [];
          try {
            const parts = active.map((j) => {
              const v = parameterTensors(tf, m, dirs, 1 / scales[j], j * P);
              const hv = gradients(
                tf,
                () => {
                  const r = gradients(tf, lossAt(xs), xs);
                  if (kept.length === 0) kept.push(tf.keep(tf.concat([tf.reshape(r.value, [1]), flat(tf, r.grads)])));
                  return tf.addN(r.grads.map((gi, i) => tf.sum(tf.mul(gi, v[i])))) as Scalar;
                },
                xs,
              ).grads;
              return flat(tf, hv);
            });
            return tf.concat([kept[0], ...parts]).dataSync();
          } finally {
            kept.forEach((t) => t.dispose());
          }
        },
        report,
      ),
    );
    out.loss = data[0];
    for (let i = 0; i < P; i++) out.g[i] = data[1 + i];
    active.forEach((j, a) => {
      const base = 1 + P * (1 + a);
      for (let i = 0; i < P; i++) out.hv[j * P + i] = data[base + i] * scales[j];
    });
    return out;
  }
  const gradAt = (th: Float64Array): Float32Array =>
    m.withParameters(parameterTensors(tf, m, th), (xs) =>
      secondOrderScope(tf, () => {
        const r = gradients(tf, lossAt(xs), xs);
        return tf.concat([tf.reshape(r.value, [1]), flat(tf, r.grads)]).dataSync() as Float32Array;
      }),
    );
  const g0 = gradAt(theta);
  out.loss = g0[0];
  for (let i = 0; i < P; i++) out.g[i] = g0[1 + i];
  const eps = mode.fdStep * (1 + maxAbs(theta, 0, P));
  for (const j of active) {
    const plus = theta.slice(),
      minus = theta.slice();
    for (let i = 0; i < P; i++) {
      const d = (eps * dirs[j * P + i]) / scales[j];
      plus[i] += d;
      minus[i] -= d;
    }
    const gp = gradAt(plus),
      gm = gradAt(minus);
    for (let i = 0; i < P; i++) out.hv[j * P + i] = ((gp[1 + i] - gm[1 + i]) / (2 * eps)) * scales[j];
  }
  return out;
}

/** The loss (and accuracy) at θ on (x, y), without derivatives. Inside tf.tidy. */
export function evaluateAt(
  tf: Tf,
  m: ModelAdapter,
  theta: Float64Array,
  x: Tensor,
  y: Tensor,
): { loss: number; accuracy: number | null } {
  return m.withParameters(parameterTensors(tf, m, theta), (xs) => {
    const loss = m.loss(xs, x, y).dataSync()[0];
    if (!m.hasAccuracy) return { loss, accuracy: null };
    const a = m.accuracy(xs, x, y);
    return { loss, accuracy: typeof a === "number" ? a : a.dataSync()[0] };
  });
}

/** ∇L(θ) on (x, y) (the validation gradient). Inside tf.tidy. */
export function gradientAt(tf: Tf, m: ModelAdapter, theta: Float64Array, x: Tensor, y: Tensor): Float64Array {
  const d = derivatives(tf, m, theta, x, y, new Float64Array(0), 0, { exact: true, fdStep: 0 });
  return d.g;
}
