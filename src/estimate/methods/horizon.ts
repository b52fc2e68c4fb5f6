/**
 * `horizon`: h_T itself, Σᵢ Φᵢ λᵢᵏ bᵢ with k = T − m. Eigenvalues outside the unit circle
 * are moved onto it (λ/|λ|) -- dropping them instead zeroes the estimate whenever the
 * constant mode lands at 1 + 1e-9 (kept as the "drop" variant for comparison only).
 * Returns the newest q-block of the qd-vector, real part.
 */
import type { Scope } from "../../core/scope";
import { DmdFit, complexPower, dmdPredictor, modeSum, newestBlock } from "../dmd";
import type { MethodResult } from "../types";

export function horizonEstimate(
  s: Scope,
  fit: DmdFit,
  q: number,
  steps: number,
  unstable: "clamp" | "drop",
): MethodResult & { keptModes: number[] } {
  const [from, to] = newestBlock(fit, q);
  const kept: number[] = [];
  const estimate = modeSum(s, fit, from, to, (i) => {
    let re = fit.eigRe[i],
      im = fit.eigIm[i];
    const mod = Math.hypot(re, im);
    if (mod > 1) {
      if (unstable === "drop" && mod > 1 + 1e-9) return [0, 0];
      re /= mod;
      im /= mod;
    }
    kept.push(i);
    return complexPower(re, im, steps);
  });
  return { estimate, predict: dmdPredictor(s, fit, q), warnings: [], rank: fit.rank, keptModes: kept };
}
