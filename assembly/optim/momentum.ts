// Heavy-ball momentum with coupled weight decay:
//   v ← μv + g + λθ,  θ ← θ − αv
// and its tangents (μ = sigmoid φ_mom, dμ/dφ = μ(1 − μ)):
//   v̇_j ← μv̇_j + ġ_j + λθ̇_j + [j = mom] μ(1−μ) v + [j = wd] λθ
//   θ̇_j ← θ̇_j − α v̇_j(new) − [j = lr] α v(new)
// Layout and conventions (λ per row: decay, dslot): see sgd.ts and decay.ts.
import { f64At } from "../util";
import { rowDecay, rowSlot } from "./decay";

export function momentumStep(rows: i32, cols: i32, q: i32, qa: i32, theta: usize, grad: usize, vel: usize,
                             lr: f64, wd: f64, mu: f64, jLr: i32, jWd: i32, jMom: i32,
                             decay: usize, dslot: usize): void {
  const ld = cols * (1 + q);
  const dmu = mu * (1.0 - mu);
  for (let r = 0; r < rows; r++) {
    const tr = f64At(theta, r * ld), gr = f64At(grad, r * ld), vr = f64At(vel, r * ld);
    const lam = rowDecay(decay, r, wd), jw = rowSlot(dslot, r, jWd);
    for (let e = 0; e < cols; e++) {
      const th = load<f64>(f64At(tr, e));
      const v = load<f64>(f64At(vr, e));
      const vn = mu * v + load<f64>(f64At(gr, e)) + lam * th;
      for (let j = 0; j < qa; j++) {
        const o = (j + 1) * cols + e;
        const tp = f64At(tr, o), vp = f64At(vr, o);
        const tt = load<f64>(tp);
        let vd = mu * load<f64>(vp) + load<f64>(f64At(gr, o)) + lam * tt;
        if (j == jMom) vd += dmu * v;
        if (j == jw) vd += lam * th;
        let td = tt - lr * vd;
        if (j == jLr) td -= lr * vn;
        store<f64>(vp, vd);
        store<f64>(tp, td);
      }
      store<f64>(f64At(vr, e), vn);
      store<f64>(f64At(tr, e), th - lr * vn);
    }
  }
}
