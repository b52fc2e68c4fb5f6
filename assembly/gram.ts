// Gram matrix G = XᵀX. Only tiles touching the upper triangle are computed (half the
// flops of a general product); the lower triangle is then mirrored, so G is exactly
// symmetric.
import { gemmEx } from "./gemm";

/** G (p×p) ← XᵀX for X n×p row-major. */
export function gram(n: i32, p: i32, X: usize, G: usize): void {
  gemmEx(1, 0, p, p, n, 1.0, X, p, X, p, 0.0, G, p, 1);
  for (let i = 1; i < p; i++) {
    for (let j = 0; j < i; j++) {
      store<f64>(G + ((<usize>i * <usize>p + <usize>j) << 3), load<f64>(G + ((<usize>j * <usize>p + <usize>i) << 3)));
    }
  }
}
