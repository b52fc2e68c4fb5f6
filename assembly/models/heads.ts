// Output losses ("heads") of the built-in models, on a logit stack Z (n × k(1+qa)).
//
// headGrad overwrites Z, in place, with the adjoint stack D = [∂L/∂z | ∂(∂L/∂z)/∂φ_j]:
// the primal δ_r = s·w_r·∇ℓ_r(z_r) and the tangents δ̇_{j,r} = s·w_r·∇²ℓ_r(z_r) ż_{j,r}
// + s·(∂w_r/∂φ_j)·∇ℓ_r(z_r), where s = 1/batch size. Per-example weights: w (n) or 0 for
// all ones; wIdx (i32, n) names the one tangent j whose φ_j drives w_r (−1 for none)
// and wDer (n) holds ∂w_r/∂φ_j. Returns the loss s·Σ w_r ℓ_r.
import { f64At } from "../util";
import { scratchAlloc } from "../memory";

export const HEAD_SQUARED: i32 = 0; // ℓ = ½‖z − y‖², y ∈ ℝᵏ
export const HEAD_LOGISTIC: i32 = 1; // ℓ = softplus(z) − y z, y ∈ {0, 1}, k = 1
export const HEAD_SOFTMAX: i32 = 2; // ℓ = logsumexp(z) − z_y, y ∈ {0 … k−1}

/** Columns of the label block per example: k targets for squared loss, else 1 class. */
export function headLabelCols(head: i32, k: i32): i32 {
  return head == HEAD_SQUARED ? k : 1;
}

// @ts-ignore: decorator
@inline function softplus(z: f64): f64 {
  return max(z, 0.0) + Math.log1p(Math.exp(-abs(z)));
}

// @ts-ignore: decorator
@inline function sigmoid(z: f64): f64 {
  if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1.0 + e);
}

/** p (k) ← softmax(z); returns logsumexp(z). */
function softmaxRow(k: i32, z: usize, p: usize): f64 {
  let m = load<f64>(z);
  for (let c = 1; c < k; c++) m = max(m, load<f64>(f64At(z, c)));
  let s = 0.0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(load<f64>(f64At(z, c)) - m);
    store<f64>(f64At(p, c), e);
    s += e;
  }
  const inv = 1.0 / s;
  for (let c = 0; c < k; c++) store<f64>(f64At(p, c), load<f64>(f64At(p, c)) * inv);
  return m + Math.log(s);
}

export function headGrad(head: i32, n: i32, k: i32, qa: i32, Z: usize, Y: usize,
                         w: usize, wIdx: usize, wDer: usize, scale: f64): f64 {
  const ld = k * (1 + qa);
  const ycols = headLabelCols(head, k);
  const p = scratchAlloc(<usize>k << 3);
  let loss = 0.0;
  for (let r = 0; r < n; r++) {
    const zr = f64At(Z, r * ld);
    const yr = f64At(Y, r * ycols);
    const wr = w ? load<f64>(f64At(w, r)) : 1.0;
    const coef = scale * wr;
    // The one tangent (if any) whose hyperparameter is this example's weight.
    const jw = wIdx ? load<i32>(wIdx + (<usize>r << 2)) : -1;
    const dcoef = jw >= 0 && jw < qa ? scale * load<f64>(f64At(wDer, r)) : 0.0;
    if (head == HEAD_SQUARED) {
      let l = 0.0;
      for (let c = 0; c < k; c++) {
        const e = load<f64>(f64At(zr, c)) - load<f64>(f64At(yr, c));
        l += 0.5 * e * e;
        for (let j = 1; j <= qa; j++) {
          const t = f64At(zr, j * k + c);
          store<f64>(t, coef * load<f64>(t));
        }
        if (dcoef != 0.0) {
          const t = f64At(zr, (jw + 1) * k + c);
          store<f64>(t, load<f64>(t) + dcoef * e);
        }
        store<f64>(f64At(zr, c), coef * e);
      }
      loss += wr * l;
    } else if (head == HEAD_LOGISTIC) {
      const z = load<f64>(zr), y = load<f64>(yr);
      const s = sigmoid(z);
      loss += wr * (softplus(z) - y * z);
      const h = coef * s * (1.0 - s);
      for (let j = 1; j <= qa; j++) {
        const t = f64At(zr, j);
        store<f64>(t, h * load<f64>(t));
      }
      if (dcoef != 0.0) {
        const t = f64At(zr, jw + 1);
        store<f64>(t, load<f64>(t) + dcoef * (s - y));
      }
      store<f64>(zr, coef * (s - y));
    } else {
      const y = <i32>load<f64>(yr);
      const lse = softmaxRow(k, zr, p);
      loss += wr * (lse - load<f64>(f64At(zr, y)));
      // Hessian of the cross-entropy: diag(p) − ppᵀ.
      for (let j = 1; j <= qa; j++) {
        const t = f64At(zr, j * k);
        let pz = 0.0;
        for (let c = 0; c < k; c++) pz += load<f64>(f64At(p, c)) * load<f64>(f64At(t, c));
        for (let c = 0; c < k; c++) {
          const pc = load<f64>(f64At(p, c));
          store<f64>(f64At(t, c), coef * pc * (load<f64>(f64At(t, c)) - pz));
        }
      }
      for (let c = 0; c < k; c++) {
        const g = load<f64>(f64At(p, c)) - (c == y ? 1.0 : 0.0);
        if (dcoef != 0.0) {
          const t = f64At(zr, (jw + 1) * k + c);
          store<f64>(t, load<f64>(t) + dcoef * g);
        }
        store<f64>(f64At(zr, c), coef * g);
      }
    }
  }
  return scale * loss;
}

/**
 * Loss and accuracy of the logits Z (n × k, leading dimension ldz): out[0] ← Σ ℓ_r,
 * out[1] ← number of correct predictions (argmax for softmax, z > 0 for logistic; 0 for
 * the squared loss, which has no accuracy).
 */
export function headEval(head: i32, n: i32, k: i32, Z: usize, ldz: i32, Y: usize, out: usize): void {
  const ycols = headLabelCols(head, k);
  let loss = 0.0, correct = 0.0;
  for (let r = 0; r < n; r++) {
    const zr = f64At(Z, r * ldz);
    const yr = f64At(Y, r * ycols);
    if (head == HEAD_SQUARED) {
      for (let c = 0; c < k; c++) {
        const e = load<f64>(f64At(zr, c)) - load<f64>(f64At(yr, c));
        loss += 0.5 * e * e;
      }
    } else if (head == HEAD_LOGISTIC) {
      const z = load<f64>(zr), y = load<f64>(yr);
      loss += softplus(z) - y * z;
      if ((z > 0.0 ? 1.0 : 0.0) == y) correct += 1.0;
    } else {
      const y = <i32>load<f64>(yr);
      let m = load<f64>(zr);
      let arg = 0;
      for (let c = 1; c < k; c++) {
        const v = load<f64>(f64At(zr, c));
        if (v > m) { m = v; arg = c; }
      }
      let s = 0.0;
      for (let c = 0; c < k; c++) s += Math.exp(load<f64>(f64At(zr, c)) - m);
      loss += m + Math.log(s) - load<f64>(f64At(zr, y));
      if (arg == y) correct += 1.0;
    }
  }
  store<f64>(out, loss);
  store<f64>(out, correct, 8);
}
