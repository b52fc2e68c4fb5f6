// Adam with decoupled weight decay (AdamW):
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
//   θ ← θ − α(m̂/(√v̂ + ε) + λθ)
// with the tangent carried through the bias corrections and the normalisation. β₁ may
// be a hyperparameter (slot jMom, β₁ = sigmoid φ): then it also moves the correction
// 1 − β₁ᵗ, whose derivative is −tβ₁ᵗ⁻¹ · β₁(1−β₁). Where v̂ = 0 the derivative of √v̂ is
// taken as 0 (there v̂'s tangent is 0 too: g and ġ have been zero throughout), so √0
// never makes a NaN. t is the 1-based index of this step. Layout (λ per row: decay,
// dslot): see sgd.ts and decay.ts.
import { f64At } from "../util";
import { rowDecay, rowSlot } from "./decay";

export function adamStep(rows: i32, cols: i32, q: i32, qa: i32, theta: usize, grad: usize, M: usize, V: usize,
                         lr: f64, wd: f64, b1: f64, b2: f64, eps: f64, t: i32,
                         jLr: i32, jWd: i32, jMom: i32, decay: usize, dslot: usize): void {
  const ld = cols * (1 + q);
  const db1 = b1 * (1.0 - b1);
  const c1 = 1.0 - Math.pow(b1, <f64>t), c2 = 1.0 - Math.pow(b2, <f64>t);
  const dc1 = -(<f64>t) * Math.pow(b1, <f64>(t - 1)) * db1; // ∂c1/∂φ_mom
  const ic1 = 1.0 / c1, ic2 = 1.0 / c2;
  for (let r = 0; r < rows; r++) {
    const tr = f64At(theta, r * ld), gr = f64At(grad, r * ld);
    const mr = f64At(M, r * ld), vr = f64At(V, r * ld);
    const lam = rowDecay(decay, r, wd), jw = rowSlot(dslot, r, jWd);
    for (let e = 0; e < cols; e++) {
      const th = load<f64>(f64At(tr, e)), g = load<f64>(f64At(gr, e));
      const m = load<f64>(f64At(mr, e)), v = load<f64>(f64At(vr, e));
      const mn = b1 * m + (1.0 - b1) * g;
      const vn = b2 * v + (1.0 - b2) * g * g;
      const mh = mn * ic1, vh = vn * ic2;
      const sv = Math.sqrt(vh);
      const den = sv + eps;
      const u = mh / den;
      // Per-element factors, so each tangent costs only multiply-adds:
      // u̇ = m̂̇/den − m̂·ṡ/den², ṡ = v̇·ic2/(2√v̂) (0 where v̂ = 0).
      const iden = 1.0 / den;
      const sdc = sv > 0.0 ? ic2 / (2.0 * sv) : 0.0;
      const uc = mh * iden * iden * sdc;
      const g2 = 2.0 * (1.0 - b2) * g;
      for (let j = 0; j < qa; j++) {
        const o = (j + 1) * cols + e;
        const tp = f64At(tr, o), mp = f64At(mr, o), vp = f64At(vr, o);
        const gt = load<f64>(f64At(gr, o));
        let md = b1 * load<f64>(mp) + (1.0 - b1) * gt;
        if (j == jMom) md += db1 * (m - g);
        const vd = b2 * load<f64>(vp) + g2 * gt;
        let mhd = md * ic1;
        if (j == jMom) mhd -= mn * dc1 * ic1 * ic1;
        const ud = mhd * iden - uc * vd;
        const tt = load<f64>(tp);
        let td = tt - lr * (ud + lam * tt);
        if (j == jLr) td -= lr * (u + lam * th);
        if (j == jw) td -= lr * lam * th;
        store<f64>(mp, md);
        store<f64>(vp, vd);
        store<f64>(tp, td);
      }
      store<f64>(f64At(mr, e), mn);
      store<f64>(f64At(vr, e), vn);
      store<f64>(f64At(tr, e), th - lr * (u + lam * th));
    }
  }
}
