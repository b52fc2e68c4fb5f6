/**
 * Vector extrapolation of the delay-embedded sequence g_1 … g_N:
 * reduced-rank (RRE) and minimal-polynomial (MPE) extrapolation, the classical limit
 * estimators for vector sequences and DMD's close relatives, so the honest baseline.
 * They use the newest k + 2 members x_0 … x_{k+1}, k = min(qd, N − 2), differences
 * u_i = x_{i+1} − x_i, and solve their least-squares problems by truncated SVD with
 * relative cutoff 1e-6.
 *   MPE: c = [c'; 1] with c' = argmin ‖U_{0:k} c' + u_k‖; γ = c / Σc; s = Σ γᵢ xᵢ.
 *   RRE: γ = argmin ‖U γ‖ subject to Σγ = 1; s = Σ γᵢ xᵢ.
 */
import { Scope } from "../../core/scope";
import { svdSolve } from "../../linalg/lstsq";
import { eigInPlace } from "../../linalg/eig";
import { EstimateWarning, MethodResult } from "../types";

export const EXTRAPOLATION_CUTOFF = 1e-6;

/** H: the qd × N Hankel matrix. */
export function extrapolationEstimate(
  s: Scope,
  H: number,
  n: number,
  N: number,
  q: number,
  kind: "rre" | "mpe",
): MethodResult {
  const k = Math.min(n, N - 2);
  const warnings: EstimateWarning[] = [];
  const h = s.read(H, n * N);
  const first = N - k - 2; // column index of x_0
  const x = (i: number, row: number) => h[row * N + first + i];
  // Columns of U: u_0 … u_k (n × (k+1)).
  const U = new Float64Array(n * (k + 1));
  for (let row = 0; row < n; row++) for (let i = 0; i <= k; i++) U[row * (k + 1) + i] = x(i + 1, row) - x(i, row);
  let gamma: Float64Array;
  let rank = 0;
  if (k === 0) {
    gamma = Float64Array.of(1);
  } else if (kind === "mpe") {
    const A = s.alloc(n * k),
      b = s.alloc(n);
    const av = s.f64(A, n * k),
      bv = s.f64(b, n);
    for (let row = 0; row < n; row++) {
      for (let i = 0; i < k; i++) av[row * k + i] = U[row * (k + 1) + i];
      bv[row] = -U[row * (k + 1) + k];
    }
    const sol = svdSolve(s, n, k, 1, A, b, EXTRAPOLATION_CUTOFF);
    rank = sol.rank;
    const c = new Float64Array(k + 1);
    c.set(s.f64(sol.x, k));
    c[k] = 1;
    gamma = normalise(c, warnings);
  } else {
    // Σγ = 1 eliminated: γ_k = 1 − Σ_{i<k} γ_i, so U γ = u_k + Σ_{i<k} γ_i (u_i − u_k).
    const A = s.alloc(n * k),
      b = s.alloc(n);
    const av = s.f64(A, n * k),
      bv = s.f64(b, n);
    for (let row = 0; row < n; row++) {
      const uk = U[row * (k + 1) + k];
      for (let i = 0; i < k; i++) av[row * k + i] = U[row * (k + 1) + i] - uk;
      bv[row] = -uk;
    }
    const sol = svdSolve(s, n, k, 1, A, b, EXTRAPOLATION_CUTOFF);
    rank = sol.rank;
    gamma = new Float64Array(k + 1);
    const g = s.f64(sol.x, k);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      gamma[i] = g[i];
      sum += g[i];
    }
    gamma[k] = 1 - sum;
  }
  const estimate = new Float64Array(q);
  for (let row = n - q; row < n; row++) {
    let acc = 0;
    for (let i = 0; i <= k; i++) acc += gamma[i] * x(i, row);
    estimate[row - (n - q)] = acc;
  }
  // Implied model: Σ γᵢ (x_{j+i} − s) = 0, so x_{j+k} = s − Σ_{i<k} (γᵢ/γ_k)(x_{j+i} − s).
  const sFull = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    let acc = 0;
    for (let i = 0; i <= k; i++) acc += gamma[i] * x(i, row);
    sFull[row] = acc;
  }
  const predict = (steps: number): Float64Array[] => {
    const out: Float64Array[] = [];
    const gk = gamma[k];
    // History: the newest k members x_2 … x_{k+1}, as deviations from s.
    const hist: Float64Array[] = [];
    for (let i = 2; i <= k + 1; i++) {
      const v = new Float64Array(n);
      for (let row = 0; row < n; row++) v[row] = x(i, row) - sFull[row];
      hist.push(v);
    }
    for (let t = 0; t < steps; t++) {
      const next = new Float64Array(n);
      if (gk !== 0 && k > 0) {
        for (let i = 0; i < k; i++) {
          const w = gamma[i] / gk;
          const v = hist[hist.length - k + i];
          for (let row = 0; row < n; row++) next[row] -= w * v[row];
        }
      }
      hist.push(next);
      const hNext = new Float64Array(q);
      for (let row = n - q; row < n; row++) hNext[row - (n - q)] = next[row] + sFull[row];
      out.push(hNext);
    }
    return out;
  };
  return { estimate, predict, warnings, rank, modelEigenvalues: polynomialRoots(s, gamma) };
}

/** Roots of Σ γᵢ zⁱ (the implied recurrence's characteristic polynomial), by companion matrix. */
function polynomialRoots(s: Scope, gamma: Float64Array): { re: Float64Array; im: Float64Array } {
  const k = gamma.length - 1;
  const lead = gamma[k];
  if (k === 0 || lead === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  const C = s.alloc(k * k);
  const c = s.f64(C, k * k);
  c.fill(0);
  for (let j = 0; j < k; j++) c[j] = -gamma[k - 1 - j] / lead;
  for (let i = 1; i < k; i++) c[i * k + i - 1] = 1;
  const e = eigInPlace(s, k, C, k, false);
  return { re: s.read(e.wr, k), im: s.read(e.wi, k) };
}

function normalise(c: Float64Array, warnings: EstimateWarning[]): Float64Array {
  let sum = 0,
    mag = 0;
  for (let i = 0; i < c.length; i++) {
    sum += c[i];
    mag += Math.abs(c[i]);
  }
  if (!(Math.abs(sum) > 1e-12 * mag)) {
    warnings.push({
      code: "DEGENERATE_EXTRAPOLATION",
      message: "MPE coefficients sum to zero (the sequence looks non-convergent): no limit",
      fatal: true,
    });
    const out = new Float64Array(c.length);
    out[c.length - 1] = 1; // fall back to the newest member
    return out;
  }
  return c.map((v) => v / sum);
}
