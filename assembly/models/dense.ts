// A dense layer z = a W + b on tangent stacks (see stack.ts), primal and all active
// tangents at once: each product below is ONE call (gemm or a skinny kernel), whatever
// the number of tangents.
//
// Shapes: the parameter block is (din + bias) × dout(1+q) — the rows of W, then the bias
// row when `bias` is 1 (no bias row when 0) — with q tangent slots of which the first qa
// are active. The input A is the data (n × din, no tangents: aTangent = 0) or an
// activation stack (n × din(1+qa)).
// Outputs and adjoints are stacks n × dout(1+qa). Products with few columns go to the
// skinny kernels (skinny.ts), the rest to gemm, all through modelProduct (product.ts).
import { scratchAlloc } from "../memory";
import { axpy } from "../blas1";
import { f64At } from "../util";
import { modelProduct } from "./product";

/** Z ← A W + b, with tangents Ż_j = A Ẇ_j + Ȧ_j W + ḃ_j (b = 0 without a bias row). */
export function denseForward(n: i32, din: i32, dout: i32, q: i32, qa: i32, A: usize, aTangent: i32, bias: i32,
                             theta: usize, Z: usize): void {
  const ldw = dout * (1 + q), ldz = dout * (1 + qa);
  if (!aTangent) {
    // X · [W | Ẇ₁ … Ẇ_qa]
    modelProduct(0, 0, n, ldz, din, A, din, theta, ldw, 0.0, Z, ldz);
  } else {
    // Rows [a_r; ȧ_{1,r}; …] (the stack read as n(1+qa) × din) times W: a W and every Ȧ_j W,
    // landing as the stack n × dout(1+qa).
    modelProduct(0, 0, n * (1 + qa), dout, din, A, din, theta, ldw, 0.0, Z, dout);
    // + a · [Ẇ₁ … Ẇ_qa] into the tangent blocks.
    if (qa > 0) modelProduct(0, 0, n, dout * qa, din, A, din * (1 + qa), f64At(theta, dout), ldw, 1.0, f64At(Z, dout), ldz);
  }
  if (!bias) return;
  const b = f64At(theta, din * ldw);
  for (let r = 0; r < n; r++) axpy(ldz, 1.0, b, f64At(Z, r * ldz));
}

/**
 * Backward from the adjoint stack D = [δ | δ̇_j] (n × dout(1+qa)):
 *   grad rows of W:  Aᵀ[δ | δ̇_j]  (+ Ȧ_jᵀ δ in tangent block j when the input has tangents)
 *   grad bias row:   Σ_r D_r (only when the block has one)
 *   dA (if ≠ 0):     [δ | δ̇_j] Wᵀ (+ δ Ẇ_jᵀ), an n × din(1+qa) stack.
 * grad has the parameter block's shape; only its first 1 + qa slots are written.
 */
export function denseBackward(n: i32, din: i32, dout: i32, q: i32, qa: i32, A: usize, aTangent: i32, bias: i32,
                              theta: usize, D: usize, grad: usize, dA: usize): void {
  const ldw = dout * (1 + q), ldd = dout * (1 + qa);
  const lda = aTangent ? din * (1 + qa) : din;
  modelProduct(1, 0, din, ldd, n, A, lda, D, ldd, 0.0, grad, ldw);
  if (aTangent && qa > 0) {
    // T (din·qa × dout) = [Ȧ₁ … Ȧ_qa]ᵀ δ, then scattered into the tangent blocks.
    const T = scratchAlloc(<usize>(din * qa * dout) << 3);
    modelProduct(1, 0, din * qa, dout, n, f64At(A, din), lda, D, ldd, 0.0, T, dout);
    for (let j = 0; j < qa; j++) {
      for (let i = 0; i < din; i++) axpy(dout, 1.0, f64At(T, (j * din + i) * dout), f64At(grad, i * ldw + (j + 1) * dout));
    }
  }
  if (bias) {
    const gb = f64At(grad, din * ldw);
    memory.fill(gb, 0, <usize>ldd << 3);
    for (let r = 0; r < n; r++) axpy(ldd, 1.0, f64At(D, r * ldd), gb);
  }
  if (dA) {
    // Rows [δ_r; δ̇_{1,r}; …] (D read as n(1+qa) × dout) times Wᵀ.
    modelProduct(0, 1, n * (1 + qa), din, dout, D, dout, theta, ldw, 0.0, dA, din);
    if (qa > 0) {
      // δ · [Ẇ₁ … Ẇ_qa]ᵀ: pack the tangent weights as (qa·din) × dout, then one product.
      const P = scratchAlloc(<usize>(qa * din * dout) << 3);
      for (let j = 0; j < qa; j++) {
        for (let i = 0; i < din; i++) {
          memory.copy(f64At(P, (j * din + i) * dout), f64At(theta, i * ldw + (j + 1) * dout), <usize>dout << 3);
        }
      }
      modelProduct(0, 1, n, din * qa, dout, D, ldd, P, dout, 1.0, f64At(dA, din), din * (1 + qa));
    }
  }
}
