/**
 * The start of both the DMD and the affine fit: the thin SVD of the snapshots
 * X ≈ U Σ Vᵀ, the rank r the rule keeps, and B = Y V_r Σ_r⁻¹ (n × r), from which both
 * build their models without ever forming X⁺ (which loses three digits on an exactly
 * linear trajectory).
 */
import type { Scope } from "../core/scope";
import { svdInPlace } from "../linalg/svd";
import { RankRule, applyRankRule } from "./rank";

export interface Projection {
  /** Pointers to U (rowsX × k) and V (c × k), leading dimension k. */
  U: number;
  V: number;
  k: number;
  /** All singular values of X. */
  singularValues: Float64Array;
  /** The rank the rule keeps. */
  rank: number;
  /** Y V_r and B = Y V_r Σ_r⁻¹ (n × rank each; 0 when rank is 0). */
  YV: number;
  B: number;
}

/** X: rowsX × c (ldx), Y: n × c (ldy), both in WebAssembly memory; X is overwritten. */
export function projectSnapshots(
  s: Scope,
  rowsX: number,
  c: number,
  X: number,
  ldx: number,
  Y: number,
  ldy: number,
  n: number,
  rule: RankRule,
): Projection {
  const svdr = svdInPlace(s, rowsX, c, X, ldx, true);
  const k = svdr.k;
  const singularValues = s.read(svdr.S, k);
  const r = applyRankRule(rule, singularValues, rowsX, c);
  if (r === 0) return { U: svdr.U, V: svdr.V, k, singularValues, rank: 0, YV: 0, B: 0 };
  const YV = s.alloc(n * r);
  s.k.gemm(0, 0, n, r, c, 1, Y, ldy, svdr.V, k, 0, YV, r);
  const B = s.alloc(n * r);
  const yv = s.f64(YV, n * r),
    b = s.f64(B, n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) b[i * r + j] = yv[i * r + j] / singularValues[j];
  return { U: svdr.U, V: svdr.V, k, singularValues, rank: r, YV, B };
}
