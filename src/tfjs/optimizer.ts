/**
 * The inner optimisers in f64 on the JS side, with their tangent recurrences: the same
 * recurrences as the WebAssembly kernels of assembly/optim/ (SGD and heavy ball with
 * coupled weight decay, AdamW with the tangent carried through the bias corrections and
 * the normalisation), on flat arrays. The tfjs session keeps θ, the buffers and every
 * tangent here in f64; only the model's gradients and Hessian-vector products come from
 * tfjs (f32).
 */
import type { OptimizerSpec } from "../training/optim";

/** One part of the state (θ or a buffer): its primal (length P) and q tangents (j-major, q·P). */
export interface Part {
  primal: Float64Array;
  dot: Float64Array;
}

/** The arguments of one step; `gdot` holds ġ_j = H θ̇_j (j-major), qa tangents active. */
export interface StepInput {
  P: number;
  qa: number;
  g: Float64Array;
  gdot: Float64Array;
  lr: number;
  wd: number;
  /** μ (heavy ball) or β₁ (Adam); unused by SGD. */
  momentum: number;
  /** 1-based index of this step (Adam's bias correction). */
  step: number;
  /** Tangent slot of each hyperparameter, −1 when it is not differentiated. */
  jLr: number;
  jWd: number;
  jMom: number;
}

/** One optimiser step on θ and the buffers (in bufferNames order), tangents first. */
export function optimizerStep(spec: OptimizerSpec, theta: Part, buffers: readonly Part[], a: StepInput): void {
  if (spec.kind === "sgd") sgd(theta, a);
  else if (spec.kind === "momentum") heavyBall(theta, buffers[0], a);
  else adam(spec.beta2, spec.eps, theta, buffers[0], buffers[1], a);
}

/** θ ← θ − α(g + λθ); θ̇_j ← θ̇_j − α(ġ_j + λθ̇_j) − [lr] α(g + λθ) − [wd] αλθ. */
function sgd(theta: Part, a: StepInput): void {
  const { P, qa, g, gdot, lr, wd } = a;
  const th = theta.primal,
    td = theta.dot;
  for (let i = 0; i < P; i++) {
    const x = th[i],
      upd = g[i] + wd * x;
    for (let j = 0; j < qa; j++) {
      const k = j * P + i;
      let v = td[k] - lr * (gdot[k] + wd * td[k]);
      if (j === a.jLr) v -= lr * upd;
      if (j === a.jWd) v -= lr * wd * x;
      td[k] = v;
    }
    th[i] = x - lr * upd;
  }
}

/** v ← μv + g + λθ, θ ← θ − αv, and their tangents (dμ/dφ = μ(1 − μ)). */
function heavyBall(theta: Part, vel: Part, a: StepInput): void {
  const { P, qa, g, gdot, lr, wd, momentum: mu } = a;
  const dmu = mu * (1 - mu);
  const th = theta.primal,
    td = theta.dot,
    vp = vel.primal,
    vd = vel.dot;
  for (let i = 0; i < P; i++) {
    const x = th[i],
      v = vp[i];
    const vn = mu * v + g[i] + wd * x;
    for (let j = 0; j < qa; j++) {
      const k = j * P + i;
      let d = mu * vd[k] + gdot[k] + wd * td[k];
      if (j === a.jMom) d += dmu * v;
      if (j === a.jWd) d += wd * x;
      let t = td[k] - lr * d;
      if (j === a.jLr) t -= lr * vn;
      vd[k] = d;
      td[k] = t;
    }
    vp[i] = vn;
    th[i] = x - lr * vn;
  }
}

/**
 * AdamW: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − α(m̂/(√v̂ + ε) + λθ), with β₁ as a
 * hyperparameter moving the bias correction 1 − β₁ᵗ too; where v̂ = 0 the derivative of
 * √v̂ is taken as 0 (v̂'s tangent is 0 there as well), as in assembly/optim/adam.ts.
 */
function adam(b2: number, eps: number, theta: Part, M: Part, V: Part, a: StepInput): void {
  const { P, qa, g: grad, gdot, lr, wd, momentum: b1, step: t } = a;
  const db1 = b1 * (1 - b1);
  const c1 = 1 - Math.pow(b1, t),
    c2 = 1 - Math.pow(b2, t);
  const dc1 = -t * Math.pow(b1, t - 1) * db1;
  const ic1 = 1 / c1,
    ic2 = 1 / c2;
  const th = theta.primal,
    td = theta.dot;
  for (let i = 0; i < P; i++) {
    const x = th[i],
      g = grad[i],
      m = M.primal[i],
      v = V.primal[i];
    const mn = b1 * m + (1 - b1) * g;
    const vn = b2 * v + (1 - b2) * g * g;
    const mh = mn * ic1,
      vh = vn * ic2;
    const sv = Math.sqrt(vh);
    const iden = 1 / (sv + eps);
    const u = mh * iden;
    const sdc = sv > 0 ? ic2 / (2 * sv) : 0;
    const uc = mh * iden * iden * sdc;
    const g2 = 2 * (1 - b2) * g;
    for (let j = 0; j < qa; j++) {
      const k = j * P + i;
      const gt = gdot[k];
      let md = b1 * M.dot[k] + (1 - b1) * gt;
      if (j === a.jMom) md += db1 * (m - g);
      const vd = b2 * V.dot[k] + g2 * gt;
      let mhd = md * ic1;
      if (j === a.jMom) mhd -= mn * dc1 * ic1 * ic1;
      const ud = mhd * iden - uc * vd;
      const tt = td[k];
      let d = tt - lr * (ud + wd * tt);
      if (j === a.jLr) d -= lr * (u + wd * x);
      if (j === a.jWd) d -= lr * wd * x;
      M.dot[k] = md;
      V.dot[k] = vd;
      td[k] = d;
    }
    M.primal[i] = mn;
    V.primal[i] = vn;
    th[i] = x - lr * (u + wd * x);
  }
}
