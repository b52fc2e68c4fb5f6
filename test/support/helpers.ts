/** Shared test utilities: a seeded generator, reference products and norms. */
import { GlocalError } from "../../src/core/errors";
import { Matrix } from "../../src/core/matrix";
import { mulberry32 } from "../../src/core/random";

/** Mulberry32: small, fast, seeded (the library's own generator). */
export const rng = mulberry32;

/** Standard normal samples (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
}

export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const g = gaussian(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = g() * scale;
  return { rows, cols, data };
}

/** Plain reference product op(A) op(B). */
export function refGemm(A: Matrix, B: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? A.cols : A.rows,
    k = transA ? A.rows : A.cols,
    n = transB ? B.rows : B.cols;
  const a = (i: number, p: number) => (transA ? A.data[p * A.cols + i] : A.data[i * A.cols + p]);
  const b = (p: number, j: number) => (transB ? B.data[j * B.cols + p] : B.data[p * B.cols + j]);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      out[i * n + j] = s;
    }
  return { rows: m, cols: n, data: out };
}

export function frob(A: Matrix | Float64Array): number {
  const d = A instanceof Float64Array ? A : A.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}

export function sub(A: Matrix, B: Matrix): Matrix {
  const out = new Float64Array(A.data.length);
  for (let i = 0; i < out.length; i++) out[i] = A.data[i] - B.data[i];
  return { rows: A.rows, cols: A.cols, data: out };
}

/**
 * ‖a − b‖₂ / ‖b‖₂, NaN when b = 0 (there is no relative error then, and NaN fails every
 * comparison) or when the lengths differ.
 */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let num = 0,
    den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? NaN : Math.sqrt(num / den);
}

/** ‖a − b‖₂ / ‖b‖₂, or ‖a − b‖₂ when b = 0; NaN when the lengths differ. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

/** ‖QᵀQ − I‖_max for the columns of Q. */
export function orthogonalityError(Q: Matrix): number {
  const G = refGemm(Q, Q, true, false);
  let worst = 0;
  for (let i = 0; i < G.rows; i++)
    for (let j = 0; j < G.cols; j++) worst = Math.max(worst, Math.abs(G.data[i * G.cols + j] - (i === j ? 1 : 0)));
  return worst;
}

/** U diag(S) Vᵀ */
export function reconstructSvd(U: Matrix, S: ArrayLike<number>, V: Matrix): Matrix {
  const US = { rows: U.rows, cols: U.cols, data: U.data.slice() };
  for (let i = 0; i < U.rows; i++) for (let j = 0; j < U.cols; j++) US.data[i * U.cols + j] *= S[j];
  return refGemm(US, V, false, true);
}

/** A matrix with prescribed singular values: U diag(s) Vᵀ with random orthogonal factors. */
export function withSingularValues(m: number, n: number, s: number[], seed: number): Matrix {
  const k = Math.min(m, n);
  const U = orthonormalColumns(m, k, seed),
    V = orthonormalColumns(n, k, seed + 1);
  return reconstructSvd(U, s, V);
}

/** Gram–Schmidt (twice) on random columns. */
export function orthonormalColumns(m: number, k: number, seed: number): Matrix {
  const A = randomMatrix(m, k, seed);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += A.data[i * k + j] * A.data[i * k + p];
        for (let i = 0; i < m; i++) A.data[i * k + j] -= d * A.data[i * k + p];
      }
      let nrm = 0;
      for (let i = 0; i < m; i++) nrm += A.data[i * k + j] ** 2;
      nrm = Math.sqrt(nrm);
      for (let i = 0; i < m; i++) A.data[i * k + j] /= nrm;
    }
  }
  return A;
}

/** An eigendecomposition as linalg.eig returns it: values and unit-norm eigenvector columns. */
export interface EigPairs {
  values: { re: ArrayLike<number>; im: ArrayLike<number> };
  vectors: { re: Matrix; im: Matrix };
}

/** max_j ‖A v_j − λ_j v_j‖ / (‖A‖_F ‖v_j‖) over all eigenpairs (‖A‖ taken as 1 for A = 0). */
export function eigResidual(A: Matrix | number[][], { values, vectors }: EigPairs): number {
  const M: Matrix = Array.isArray(A) ? { rows: A.length, cols: A.length, data: Float64Array.from(A.flat()) } : A;
  const n = M.rows;
  const normA = frob(M) || 1;
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let res = 0,
      vn = 0;
    for (let i = 0; i < n; i++) {
      let sr = 0,
        si = 0;
      for (let p = 0; p < n; p++) {
        sr += M.data[i * n + p] * vectors.re.data[p * n + j];
        si += M.data[i * n + p] * vectors.im.data[p * n + j];
      }
      const vr = vectors.re.data[i * n + j],
        vi = vectors.im.data[i * n + j];
      sr -= values.re[j] * vr - values.im[j] * vi;
      si -= values.re[j] * vi + values.im[j] * vr;
      res += sr * sr + si * si;
      vn += vr * vr + vi * vi;
    }
    worst = Math.max(worst, Math.sqrt(res) / (normA * Math.sqrt(vn)));
  }
  return worst;
}

/** The code and argument of the GlocalError `fn` throws (anything else is rethrown; no throw fails). */
export function code(fn: () => unknown): { code: string; argument?: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof GlocalError)) throw e;
    return { code: e.code, argument: e.argument };
  }
  throw new Error("expected a GlocalError");
}
