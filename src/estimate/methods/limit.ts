/**
 * `limit`, the published estimate: Σ_{|λᵢ−1| ≤ τ} Φᵢ bᵢ, the DMD modes at the constant
 * eigenvalue; the zero vector, with a fatal warning, when no eigenvalue is that close to 1.
 * Returns the newest q-block of the qd-vector, real part.
 */
import type { Scope } from "../../core/scope";
import { DmdFit, dmdPredictor, modeSum, newestBlock } from "../dmd";
import type { EstimateWarning, MethodResult } from "../types";

/** The modes counted as "the constant": |λ − 1| ≤ τ. */
export function modesNearOne(fit: DmdFit, tolerance: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < fit.rank; i++) if (Math.hypot(fit.eigRe[i] - 1, fit.eigIm[i]) <= tolerance) kept.push(i);
  return kept;
}

export function limitEstimate(
  s: Scope,
  fit: DmdFit,
  q: number,
  tolerance: number,
): MethodResult & { keptModes: number[] } {
  const kept = modesNearOne(fit, tolerance);
  const set = new Set(kept);
  const [from, to] = newestBlock(fit, q);
  const estimate = modeSum(s, fit, from, to, (i) => (set.has(i) ? [1, 0] : [0, 0]));
  const warnings: EstimateWarning[] = [];
  if (kept.length === 0 && fit.rank > 0) {
    warnings.push({
      code: "NO_MODE_NEAR_ONE",
      message: `no eigenvalue lies within ${tolerance} of 1: the limit estimate is the zero vector`,
      fatal: true,
    });
  }
  return { estimate, predict: dmdPredictor(s, fit, q), warnings, rank: fit.rank, keptModes: kept };
}
