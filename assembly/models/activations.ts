// Smooth hidden activations with exact first and second derivatives (the second feeds
// the Hessian-vector product). GELU is the tanh approximation
//   gelu(x) = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³)
// (PyTorch's approximate='tanh'); its derivatives below are exact for that formula.
import { f64At } from "../util";

export const ACT_TANH: i32 = 0;
export const ACT_GELU: i32 = 1;

const GELU_C: f64 = 0.7978845608028654; // √(2/π)
const GELU_A: f64 = 0.044715;

/**
 * Forward through the activation for a stack Z (n × d(1+qa)): A ← σ(Z) with tangents
 * Ȧ_j = σ'(Z) ⊙ Ż_j; S1 ← σ'(Z) and, when qa > 0, S2 ← σ''(Z) (n × d each),
 * kept for the backward pass.
 */
export function activationForward(act: i32, n: i32, d: i32, qa: i32, Z: usize, A: usize, S1: usize, S2: usize): void {
  const ld = d * (1 + qa);
  const second = qa > 0;
  for (let r = 0; r < n; r++) {
    const zr = f64At(Z, r * ld), ar = f64At(A, r * ld);
    for (let c = 0; c < d; c++) {
      const x = load<f64>(f64At(zr, c));
      let a: f64, s1: f64, s2: f64 = 0;
      if (act == ACT_TANH) {
        const t = Math.tanh(x);
        a = t;
        s1 = 1.0 - t * t;
        if (second) s2 = -2.0 * t * s1;
      } else {
        const x2 = x * x;
        const u = GELU_C * (x + GELU_A * x2 * x);
        const t = Math.tanh(u);
        const sech2 = 1.0 - t * t;
        const du = GELU_C * (1.0 + 3.0 * GELU_A * x2);
        a = 0.5 * x * (1.0 + t);
        s1 = 0.5 * (1.0 + t) + 0.5 * x * sech2 * du;
        if (second) s2 = sech2 * (du - x * t * du * du + 3.0 * GELU_C * GELU_A * x2);
      }
      store<f64>(f64At(ar, c), a);
      const o = r * d + c;
      store<f64>(f64At(S1, o), s1);
      if (second) store<f64>(f64At(S2, o), s2);
      for (let j = 1; j <= qa; j++) store<f64>(f64At(ar, j * d + c), s1 * load<f64>(f64At(zr, j * d + c)));
    }
  }
}

/**
 * Backward through the activation, in place on the stack G (n × d(1+qa)) of adjoints
 * [∂L/∂A | its tangents]: δ = G ⊙ σ'(Z) and δ̇_j = Ġ_j ⊙ σ'(Z) + G ⊙ σ''(Z) ⊙ Ż_j.
 */
export function activationBackward(n: i32, d: i32, qa: i32, G: usize, Z: usize, S1: usize, S2: usize): void {
  const ld = d * (1 + qa);
  for (let r = 0; r < n; r++) {
    const gr = f64At(G, r * ld), zr = f64At(Z, r * ld);
    for (let c = 0; c < d; c++) {
      const o = r * d + c;
      const s1 = load<f64>(f64At(S1, o));
      const g = load<f64>(f64At(gr, c));
      if (qa > 0) {
        const gs2 = g * load<f64>(f64At(S2, o));
        for (let j = 1; j <= qa; j++) {
          const p = f64At(gr, j * d + c);
          store<f64>(p, load<f64>(p) * s1 + gs2 * load<f64>(f64At(zr, j * d + c)));
        }
      }
      store<f64>(f64At(gr, c), g * s1);
    }
  }
}
