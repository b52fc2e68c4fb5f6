/**
 * Correctness checks run once per case outside the timing: a benchmark of a wrong kernel
 * is worthless. Every metric is a relative error compared with a tolerance.
 */
import type { Matrix } from "../src/index";

export interface Metric {
  name: string;
  value: number;
  tol: number;
}

export function passed(metrics: Metric[]): boolean {
  // `!(v > tol)` would let NaN through; require a finite value within tolerance.
  return metrics.every((m) => Number.isFinite(m.value) && m.value <= m.tol);
}

/** max |a − b| / max |b|: normwise, so entries near zero cannot inflate it. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** max |QᵀQ − I| for an r × c row-major Q. */
function orthogonality(q: Float64Array, r: number, c: number): number {
  let worst = 0;
  const col = new Float64Array(r);
  for (let p = 0; p < c; p++) {
    for (let i = 0; i < r; i++) col[i] = q[i * c + p];
    for (let s = p; s < c; s++) {
      let dot = 0;
      for (let i = 0; i < r; i++) dot += col[i] * q[i * c + s];
      worst = Math.max(worst, Math.abs(dot - (p === s ? 1 : 0)));
    }
  }
  return worst;
}

/** Outputs of glocal's thin SVD packed as [S, U, V] (U m × k, V n × k). */
export function svdMetrics(A: Matrix, out: Float64Array[], refS: ArrayLike<number> | null): Metric[] {
  const [S, U, V] = out;
  const m = A.rows,
    n = A.cols,
    k = Math.min(m, n);
  const metrics: Metric[] = [];
  if (refS) {
    let diff = 0;
    for (let i = 0; i < k; i++) diff = Math.max(diff, Math.abs(S[i] - refS[i]));
    metrics.push({ name: "singular values vs ml-matrix (rel. to σ₁)", value: diff / refS[0], tol: 1e-10 });
  }
  // ‖A − U diag(S) Vᵀ‖_F / ‖A‖_F
  let res = 0;
  const row = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) row[l] = U[i * k + l] * S[l];
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let l = 0; l < k; l++) x += row[l] * V[j * k + l];
      const d = x - A.data[i * n + j];
      res += d * d;
    }
  }
  metrics.push({ name: "reconstruction ‖A − USVᵀ‖/‖A‖", value: Math.sqrt(res) / frobenius(A.data), tol: 1e-12 });
  metrics.push({
    name: "orthogonality of U and V",
    value: Math.max(orthogonality(U, m, k), orthogonality(V, n, k)),
    tol: 1e-12,
  });
  return metrics;
}

function sortedModuli(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const m = new Float64Array(re.length);
  for (let i = 0; i < re.length; i++) m[i] = Math.hypot(re[i], im[i]);
  return m.sort().reverse();
}

/** Outputs of glocal's eig packed as [re, im, VR, VI] (column j is eigenvector j). */
export function eigMetrics(
  A: Matrix,
  out: Float64Array[],
  ref: { re: ArrayLike<number>; im: ArrayLike<number> } | null,
): Metric[] {
  const [re, im, VR, VI] = out;
  const n = A.rows;
  const metrics: Metric[] = [];
  if (ref) {
    const mine = sortedModuli(re, im),
      theirs = sortedModuli(ref.re, ref.im);
    metrics.push({ name: "sorted |λ| vs ml-matrix (rel. to max |λ|)", value: maxRelDiff(mine, theirs), tol: 1e-8 });
  }
  // max_j ‖A v_j − λ_j v_j‖ / (‖A‖_F ‖v_j‖): the eigenvectors are timed, so check them too.
  const normA = frobenius(A.data);
  let worst = 0;
  for (let c = 0; c < n; c++) {
    let res = 0,
      vn = 0;
    for (let i = 0; i < n; i++) {
      let sr = 0,
        si = 0;
      for (let j = 0; j < n; j++) {
        const a = A.data[i * n + j];
        sr += a * VR[j * n + c];
        si += a * VI[j * n + c];
      }
      const vr = VR[i * n + c],
        vi = VI[i * n + c];
      sr -= re[c] * vr - im[c] * vi;
      si -= re[c] * vi + im[c] * vr;
      res += sr * sr + si * si;
      vn += vr * vr + vi * vi;
    }
    worst = Math.max(worst, Math.sqrt(res) / (normA * Math.sqrt(vn)));
  }
  metrics.push({ name: "eigenpair residual ‖Av − λv‖/(‖A‖‖v‖)", value: worst, tol: 1e-12 });
  return metrics;
}
