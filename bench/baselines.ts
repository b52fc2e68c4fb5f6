/**
 * Plain-JavaScript baselines: the loops a careful JS programmer would write, on the same
 * row-major Float64Array layout glocal uses (no per-element method calls, unlike
 * ml-matrix). SVD and eig have no separate plain-JS baseline: ml-matrix's decompositions
 * are a JAMA port, i.e. already the plain-JS implementation.
 */
import type { Matrix } from "../src/index";

/** C = A B with the cache-friendly i-k-j loop: the inner loop streams rows of B and C. */
export function plainGemm(A: Matrix, B: Matrix): Matrix {
  const m = A.rows,
    k = A.cols,
    n = B.cols;
  const a = A.data,
    b = B.data;
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return { rows: m, cols: n, data: c };
}

/**
 * G = XᵀX in the i-k-j form, computing only the upper triangle (j ≥ i) and mirroring it,
 * so it does the same n·p·(p+1) useful flops the GFLOP/s figure counts.
 */
export function plainGram(X: Matrix): Matrix {
  const n = X.rows,
    p = X.cols,
    x = X.data;
  const g = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const gi = i * p;
    for (let k = 0; k < n; k++) {
      const xk = k * p;
      const a = x[xk + i];
      for (let j = i; j < p; j++) g[gi + j] += a * x[xk + j];
    }
  }
  for (let i = 1; i < p; i++) for (let j = 0; j < i; j++) g[i * p + j] = g[j * p + i];
  return { rows: p, cols: p, data: g };
}
