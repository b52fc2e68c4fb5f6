// Linear models z = xᵀW + b with a loss head: least squares (k outputs), binary logistic
// (k = 1) and softmax regression (k classes). θ is one (p + bias) × k block: W's p rows,
// then b when bias = 1 (a model without intercept has no bias row).
import { scratchAlloc } from "../memory";
import { denseBackward, denseForward } from "./dense";
import { headEval, headGrad } from "./heads";

/**
 * Gradient of the batch loss s·Σ w_r ℓ_r and its qa tangents (Hessian-vector products
 * plus the per-example-weight terms) into the stack `grad`; returns the batch loss.
 * X: n × p, Y: labels (see heads.ts), theta/grad: (p + bias) × k(1+q) stacks.
 */
export function linearGradJvp(head: i32, n: i32, p: i32, k: i32, bias: i32, q: i32, qa: i32, X: usize, Y: usize,
                              w: usize, wIdx: usize, wDer: usize, scale: f64, theta: usize, grad: usize): f64 {
  const Z = scratchAlloc(<usize>(n * k * (1 + qa)) << 3);
  denseForward(n, p, k, q, qa, X, 0, bias, theta, Z);
  const loss = headGrad(head, n, k, qa, Z, Y, w, wIdx, wDer, scale);
  denseBackward(n, p, k, q, qa, X, 0, bias, theta, Z, grad, 0);
  return loss;
}

/** out[0] ← Σ ℓ_r, out[1] ← correct predictions, on n examples (primal θ of the stack). */
export function linearEval(head: i32, n: i32, p: i32, k: i32, bias: i32, q: i32, X: usize, Y: usize, theta: usize,
                           out: usize): void {
  const Z = scratchAlloc(<usize>(n * k) << 3);
  denseForward(n, p, k, q, 0, X, 0, bias, theta, Z);
  headEval(head, n, k, Z, k, Y, out);
}
