// Multilayer perceptron with one or two smooth hidden layers (tanh or GELU, see
// activations.ts) and a loss head on the output layer. θ is the blocks of the layers in
// order, each (d_in + b_l) × d_out(1+q) (W's rows, then the bias row when layer l has
// one: bit l of `biases`, b_l ∈ {0, 1}). h2 = 0 means one hidden layer.
import { scratchAlloc } from "../memory";
import { activationBackward, activationForward } from "./activations";
import { denseBackward, denseForward } from "./dense";
import { headEval, headGrad } from "./heads";
import { f64At } from "../util";

// @ts-ignore: decorator
@inline function alloc(n: i32): usize {
  return scratchAlloc(<usize>n << 3);
}

/** 1 when layer l (0-based) has a bias row. */
// @ts-ignore: decorator
@inline function hasBias(biases: i32, l: i32): i32 {
  return (biases >> l) & 1;
}

/** Gradient and qa tangents of the batch loss (see linearGradJvp); returns the loss. */
export function mlpGradJvp(act: i32, head: i32, n: i32, p: i32, h1: i32, h2: i32, k: i32, biases: i32, q: i32,
                           qa: i32, X: usize, Y: usize, w: usize, wIdx: usize, wDer: usize, scale: f64,
                           theta: usize, grad: usize): f64 {
  const s = 1 + qa;
  const two = h2 > 0;
  const last = two ? h2 : h1; // width of the hidden layer feeding the output layer
  const b1 = hasBias(biases, 0), b2 = hasBias(biases, 1), bOut = hasBias(biases, two ? 2 : 1);
  const o2 = (p + b1) * h1 * (1 + q);
  const oOut = two ? o2 + (h1 + b2) * h2 * (1 + q) : o2;

  // Forward, keeping pre-activations and σ', σ'' for the backward pass.
  const Z1 = alloc(n * h1 * s), A1 = alloc(n * h1 * s), S11 = alloc(n * h1), S21 = alloc(n * h1);
  denseForward(n, p, h1, q, qa, X, 0, b1, theta, Z1);
  activationForward(act, n, h1, qa, Z1, A1, S11, S21);
  let Zl = Z1, Al = A1, S1l = S11, S2l = S21;
  if (two) {
    Zl = alloc(n * h2 * s); Al = alloc(n * h2 * s); S1l = alloc(n * h2); S2l = alloc(n * h2);
    denseForward(n, h1, h2, q, qa, A1, 1, b2, f64At(theta, o2), Zl);
    activationForward(act, n, h2, qa, Zl, Al, S1l, S2l);
  }
  const Zo = alloc(n * k * s);
  denseForward(n, last, k, q, qa, Al, 1, bOut, f64At(theta, oOut), Zo);
  const loss = headGrad(head, n, k, qa, Zo, Y, w, wIdx, wDer, scale);

  // Backward.
  const dl = alloc(n * last * s);
  denseBackward(n, last, k, q, qa, Al, 1, bOut, f64At(theta, oOut), Zo, f64At(grad, oOut), dl);
  activationBackward(n, last, qa, dl, Zl, S1l, S2l);
  let D1 = dl;
  if (two) {
    D1 = alloc(n * h1 * s);
    denseBackward(n, h1, h2, q, qa, A1, 1, b2, f64At(theta, o2), dl, f64At(grad, o2), D1);
    activationBackward(n, h1, qa, D1, Z1, S11, S21);
  }
  denseBackward(n, p, h1, q, qa, X, 0, b1, theta, D1, grad, 0);
  return loss;
}

/** out[0] ← Σ ℓ_r, out[1] ← correct predictions (primal θ of the stack). */
export function mlpEval(act: i32, head: i32, n: i32, p: i32, h1: i32, h2: i32, k: i32, biases: i32, q: i32,
                        X: usize, Y: usize, theta: usize, out: usize): void {
  const two = h2 > 0;
  const last = two ? h2 : h1;
  const b1 = hasBias(biases, 0), b2 = hasBias(biases, 1), bOut = hasBias(biases, two ? 2 : 1);
  const o2 = (p + b1) * h1 * (1 + q);
  const oOut = two ? o2 + (h1 + b2) * h2 * (1 + q) : o2;
  const Z1 = alloc(n * h1), A1 = alloc(n * h1), S = alloc(n * max(h1, h2));
  denseForward(n, p, h1, q, 0, X, 0, b1, theta, Z1);
  activationForward(act, n, h1, 0, Z1, A1, S, 0);
  let Al = A1;
  if (two) {
    const Z2 = alloc(n * h2);
    Al = alloc(n * h2);
    denseForward(n, h1, h2, q, 0, A1, 1, b2, f64At(theta, o2), Z2);
    activationForward(act, n, h2, 0, Z2, Al, S, 0);
  }
  const Zo = alloc(n * k);
  denseForward(n, last, k, q, 0, Al, 1, bOut, f64At(theta, oOut), Zo);
  headEval(head, n, k, Zo, k, Y, out);
}
