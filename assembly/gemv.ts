// Matrix-vector product y ← α op(A) x + β y on row-major storage. Without transpose
// each row meets x in a SIMD dot product; with transpose the rows are accumulated
// into y (axpy), so both directions read A with unit stride.
import { dot, axpy } from "./blas1";

export function gemv(trans: i32, m: i32, n: i32, alpha: f64, A: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const ylen = trans ? n : m;
  for (let i = 0; i < ylen; i++) {
    const p = y + (<usize>i << 3);
    store<f64>(p, beta == 0.0 ? 0.0 : beta * load<f64>(p));
  }
  if (alpha == 0.0) return;
  const rowBytes = <usize>lda << 3;
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const p = y + (<usize>i << 3);
      store<f64>(p, load<f64>(p) + alpha * dot(n, A + <usize>i * rowBytes, x));
    }
  } else {
    for (let i = 0; i < m; i++) {
      const xi = alpha * load<f64>(x + (<usize>i << 3));
      if (xi != 0.0) axpy(n, xi, A + <usize>i * rowBytes, y);
    }
  }
}
