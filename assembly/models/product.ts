// The one entry of every batched model product (dense.ts): X·[W | Ẇ₁ … Ẇ_q],
// Xᵀ·[R | Ṙ₁ … Ṙ_q] and the adjoint products of the hidden layers.
//
// While the host has switched offloading on (setProductOffload), each product is first
// offered to the host's dispatcher (src/gpu/dispatch.ts), which may run it on gpu.js in
// f32 and write C itself (returns 1), or decline (returns 0: WebAssembly f64 as usual).
// Offloading is off by default: the default path costs one branch per product.
// Nothing else in the module (DMD, SVD, eig, optimisers) ever reaches the host.
import { gemm } from "../gemm";
import { SKINNY_NN_MAX, SKINNY_TN_MAX, skinnyNN, skinnyTN } from "./skinny";

/** C (m×n, ldc) ← op(A)·op(B) + βC in the host's f32 backend; returns 1 when it did. */
@external("glocal", "product")
declare function hostProduct(transA: i32, transB: i32, m: i32, n: i32, k: i32, A: usize, lda: i32,
                             B: usize, ldb: i32, beta: f64, C: usize, ldc: i32): i32;

let offload: i32 = 0;

/** 1: offer every model product to the host first; 0: WebAssembly only (default). */
export function setProductOffload(on: i32): void {
  offload = on;
}

/**
 * C (m×n, ldc) ← op(A)·op(B) + βC, op(A) m×k, op(B) k×n (transposed operands are stored
 * k×m and n×k). Few columns go to the skinny kernels (which stream X without packing),
 * the rest to gemm; βC with a transposed A only through gemm.
 */
export function modelProduct(transA: i32, transB: i32, m: i32, n: i32, k: i32, A: usize, lda: i32,
                             B: usize, ldb: i32, beta: f64, C: usize, ldc: i32): void {
  if (offload != 0 && hostProduct(transA, transB, m, n, k, A, lda, B, ldb, beta, C, ldc) != 0) return;
  if (!transA && !transB && n <= SKINNY_NN_MAX) skinnyNN(m, k, n, A, lda, B, ldb, beta, C, ldc);
  else if (transA && !transB && beta == 0.0 && n <= SKINNY_TN_MAX) skinnyTN(k, m, n, A, lda, B, ldb, C, ldc);
  else gemm(transA, transB, m, n, k, 1.0, A, lda, B, ldb, beta, C, ldc);
}
