/**
 * Affine Koopman fit (`affine`): g_{j+1} = A g_j + c by least squares on
 * Z = [X; 1ᵀ] with the window's rank rule (minimum-norm solution), and the fixed point of
 * that map. The constant function is always a Koopman eigenfunction with eigenvalue exactly
 * 1, so no tolerance τ is needed.
 *
 * Never forms the qd × qd map. With Z ≈ U_r Σ_r V_rᵀ, U_r = [U_x; u₁] and B = Y V_r Σ_r⁻¹:
 * A = B U_xᵀ and c = B u₁ᵀ, so the fixed point is x = B z with (I_r − U_xᵀ B) z = u₁ᵀ
 * (an r × r system; by Sylvester's identity it is singular exactly when I − A is).
 */
import { Scope } from "../../core/scope";
import { lstsqInPlace } from "../../linalg/lstsq";
import { eigInPlace } from "../../linalg/eig";
import { projectSnapshots } from "../projection";
import type { RankRule } from "../rank";
import { EstimateWarning, MethodResult } from "../types";

const EPS = 2.220446049250313e-16;

/** H: the qd × N Hankel matrix (X = columns 0..N−2, Y = columns 1..N−1). */
export function affineEstimate(s: Scope, H: number, n: number, N: number, q: number, rule: RankRule): MethodResult {
  const c = N - 1;
  const rowsZ = n + 1;
  const Z = s.alloc(rowsZ * c);
  {
    const h = s.f64(H, n * N),
      z = s.f64(Z, rowsZ * c);
    for (let i = 0; i < n; i++) z.set(h.subarray(i * N, i * N + c), i * c);
    z.fill(1, n * c, rowsZ * c);
  }
  // B = Y V_r Σ_r⁻¹ (n × r); Y is H offset by one column.
  const proj = projectSnapshots(s, rowsZ, c, Z, c, H + 8, N, n, rule);
  const { k, rank: r, B } = proj;
  const U = s.read(proj.U, rowsZ * k);
  // M = I_r − U_xᵀ B, rhs = u₁ᵀ
  const M = s.alloc(r * r);
  s.k.gemm(1, 0, r, r, n, -1, proj.U, k, B, r, 0, M, r);
  // The linear part's spectrum: A = B U_xᵀ and U_xᵀ B share their nonzero eigenvalues.
  const UB = s.alloc(r * r);
  s.f64(UB, r * r).set(s.f64(M, r * r).map((v) => -v));
  const modelEigenvalues =
    r > 0
      ? (() => {
          const e = eigInPlace(s, r, UB, r, false);
          return { re: s.read(e.wr, r), im: s.read(e.wi, r) };
        })()
      : { re: new Float64Array(0), im: new Float64Array(0) };
  const Mv = s.f64(M, r * r);
  for (let i = 0; i < r; i++) Mv[i * r + i] += 1;
  const rhs = s.alloc(r);
  const rv = s.f64(rhs, r);
  for (let j = 0; j < r; j++) rv[j] = U[n * k + j];
  const sol = lstsqInPlace(s, r, r, 1, M, rhs, EPS * r * 16);
  const warnings: EstimateWarning[] = [];
  if (sol.rank < r) {
    warnings.push({
      code: "SINGULAR_FIXED_POINT",
      message: `the affine map has an eigenvalue at 1 (I − A is singular, rank ${sol.rank} of ${r}): the fixed point is not unique; the minimum-norm one is returned`,
      fatal: true,
    });
  }
  const z = s.read(sol.x, r);
  const Bcopy = s.read(B, n * r);
  const estimate = new Float64Array(q);
  for (let row = n - q; row < n; row++) {
    let acc = 0;
    for (let j = 0; j < r; j++) acc += Bcopy[row * r + j] * z[j];
    estimate[row - (n - q)] = acc;
  }
  // Predictor: iterate g ← B (U_xᵀ g + u₁ᵀ) from the newest observable.
  const g0 = new Float64Array(n);
  {
    const h = s.f64(H, n * N);
    for (let i = 0; i < n; i++) g0[i] = h[i * N + N - 1];
  }
  const predict = (steps: number): Float64Array[] => {
    const out: Float64Array[] = [];
    let g = g0;
    for (let t = 0; t < steps; t++) {
      const w = new Float64Array(r);
      for (let j = 0; j < r; j++) {
        let acc = U[n * k + j];
        for (let i = 0; i < n; i++) acc += U[i * k + j] * g[i];
        w[j] = acc;
      }
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < r; j++) acc += Bcopy[i * r + j] * w[j];
        next[i] = acc;
      }
      out.push(next.slice(n - q));
      g = next;
    }
    return out;
  };
  return { estimate, predict, warnings, rank: r, modelEigenvalues };
}
