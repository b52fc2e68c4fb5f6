/**
 * The DMD-based estimates (DESIGN §1.3 step 4):
 *  - limit: Σ_{|λᵢ−1| ≤ τ} Φᵢ bᵢ (the published estimate; zero with a warning when no
 *    eigenvalue is that close to 1);
 *  - horizon: Σᵢ Φᵢ λᵢᵏ bᵢ with k = T − m, eigenvalues outside the unit circle moved onto
 *    it (λ/|λ|) -- dropping them instead zeroes the estimate whenever the constant mode
 *    lands at 1 + 1e-9 (kept as the "drop" variant for comparison only).
 * All return the newest q-block of the qd-vector, real part.
 */
import { DmdFit, complexPower, modeSum } from "../dmd";
import { Scope } from "../../core/scope";
import { EstimateWarning, MethodResult } from "../types";

function newestBlock(fit: DmdFit, q: number): [number, number] {
  return [fit.n - q, fit.n];
}

/** Predictions of the rows after the window: newest block of Φ λʲ b, j = 1 … steps. */
function dmdPredictor(s: Scope, fit: DmdFit, q: number): (steps: number) => Float64Array[] {
  // Read the newest block of the modes once: the scope may be gone when predict runs.
  const [from, to] = newestBlock(fit, q);
  const r = fit.rank;
  const pr = new Float64Array(q * r), pi = new Float64Array(q * r);
  if (r > 0) {
    const PR = s.f64(fit.phiRe, fit.n * r), PI = s.f64(fit.phiIm, fit.n * r);
    pr.set(PR.subarray(from * r, to * r));
    pi.set(PI.subarray(from * r, to * r));
  }
  return (steps: number) => {
    const out: Float64Array[] = [];
    for (let j = 1; j <= steps; j++) {
      const h = new Float64Array(q);
      for (let i = 0; i < r; i++) {
        const [lr, li] = complexPower(fit.eigRe[i], fit.eigIm[i], j);
        const cr = lr * fit.bRe[i] - li * fit.bIm[i], ci = lr * fit.bIm[i] + li * fit.bRe[i];
        for (let row = 0; row < q; row++) h[row] += pr[row * r + i] * cr - pi[row * r + i] * ci;
      }
      out.push(h);
    }
    return out;
  };
}

/** The modes counted as "the constant": |λ − 1| ≤ τ. */
export function modesNearOne(fit: DmdFit, tolerance: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < fit.rank; i++) if (Math.hypot(fit.eigRe[i] - 1, fit.eigIm[i]) <= tolerance) kept.push(i);
  return kept;
}

export function limitEstimate(s: Scope, fit: DmdFit, q: number, tolerance: number): MethodResult & { keptModes: number[] } {
  const kept = modesNearOne(fit, tolerance);
  const set = new Set(kept);
  const [from, to] = newestBlock(fit, q);
  const estimate = modeSum(s, fit, from, to, (i) => (set.has(i) ? [1, 0] : [0, 0]));
  const warnings: EstimateWarning[] = [];
  if (kept.length === 0 && fit.rank > 0) {
    warnings.push({ code: "NO_MODE_NEAR_ONE", message: `no eigenvalue lies within ${tolerance} of 1: the limit estimate is the zero vector`, fatal: true });
  }
  return { estimate, predict: dmdPredictor(s, fit, q), warnings, rank: fit.rank, keptModes: kept };
}

export function horizonEstimate(s: Scope, fit: DmdFit, q: number, steps: number, unstable: "clamp" | "drop"): MethodResult & { keptModes: number[] } {
  const [from, to] = newestBlock(fit, q);
  const kept: number[] = [];
  const estimate = modeSum(s, fit, from, to, (i) => {
    let re = fit.eigRe[i], im = fit.eigIm[i];
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
