// SGD with coupled weight decay, θ ← θ − α(g + λθ), and its tangent recurrence
//   θ̇_j ← θ̇_j − α(ġ_j + λθ̇_j) − [j = lr] α(g + λθ) − [j = wd] αλθ,
// using dα/dφ_lr = α and dλ/dφ_wd = λ (α = exp φ_lr, λ = exp φ_wd).
//
// All optimiser kernels work on one parameter block in the tangent-stacked layout
// (models/stack.ts): rows × cols(1+q), first qa tangents active. g is the data-loss
// gradient stack from the model kernel, with its tangents ġ_j = H θ̇_j + ∂g/∂φ_j.
// jLr, jWd, jMom: the tangent slot of each optimiser hyperparameter, −1 when it is not
// one; lr and jLr belong to the block (per-layer learning rates). λ and its slot may vary
// by row (decay, dslot: see decay.ts; 0, 0 for one λ). Tangents are updated before the
// primal they read.
import { f64At } from "../util";
import { rowDecay, rowSlot } from "./decay";

export function sgdStep(rows: i32, cols: i32, q: i32, qa: i32, theta: usize, grad: usize,
                        lr: f64, wd: f64, jLr: i32, jWd: i32, decay: usize, dslot: usize): void {
  const ld = cols * (1 + q);
  for (let r = 0; r < rows; r++) {
    const tr = f64At(theta, r * ld), gr = f64At(grad, r * ld);
    const lam = rowDecay(decay, r, wd), jw = rowSlot(dslot, r, jWd);
    for (let e = 0; e < cols; e++) {
      const th = load<f64>(f64At(tr, e));
      const upd = load<f64>(f64At(gr, e)) + lam * th;
      for (let j = 0; j < qa; j++) {
        const o = (j + 1) * cols + e;
        const tp = f64At(tr, o);
        const tt = load<f64>(tp);
        let v = tt - lr * (load<f64>(f64At(gr, o)) + lam * tt);
        if (j == jLr) v -= lr * upd;
        if (j == jw) v -= lr * lam * th;
        store<f64>(tp, v);
      }
      store<f64>(f64At(tr, e), th - lr * upd);
    }
  }
}
