// Triangular solve with many right-hand sides on row-major storage: back-substitution
// row by row, so each update is a unit-stride axpy over a row of B.
import { axpy, scal } from "./blas1";
import { at } from "./util";

/** Solves R X = B in place (B: n × nrhs), R upper triangular n × n (leading dim ldr). */
export function trsmUpper(n: i32, nrhs: i32, R: usize, ldr: i32, B: usize, ldb: i32): void {
  const rowB = <usize>ldb << 3;
  for (let i = n - 1; i >= 0; i--) {
    const bi = B + <usize>i * rowB;
    for (let j = i + 1; j < n; j++) {
      const rij = load<f64>(at(R, ldr, i, j));
      if (rij != 0.0) axpy(nrhs, -rij, B + <usize>j * rowB, bi);
    }
    scal(nrhs, 1.0 / load<f64>(at(R, ldr, i, i)), bi);
  }
}
