/**
 * Trust (DESIGN §1.3 step 5): the estimator says when it cannot be trusted, so a caller can
 * tell a good estimate from a bad one without reading eigenvalues. An estimate is trusted
 * when none of these fires:
 *  - NO_MODE_NEAR_ONE (limit): no eigenvalue within τ of 1;
 *  - UNSTABLE_MODE: a mode outside the unit circle (beyond τ) carries weight;
 *  - SLOW_MODE: the slowest decaying mode's time constant −1/ln|λ| exceeds the window
 *    (training has not converged within it: every extrapolation was wrong there);
 *  - HELD_OUT_ERROR: the method predicts the held-out newest rows badly;
 *  - ABSURD_MAGNITUDE: the estimate exceeds `magnitude` × the window's largest hypergradient;
 *  - any fatal warning of the method itself (singular fixed point, degenerate extrapolation).
 */
import { DmdFit } from "../dmd";
import { EstimateWarning } from "./types";

export interface TrustThresholds {
  /** Largest acceptable held-out relative prediction error (default 0.5). */
  heldOutError: number;
  /** Largest acceptable ‖estimate‖ / max_t ‖h_t‖ (default 10). */
  magnitude: number;
  /** A mode's weight ‖Φᵢ bᵢ‖ counts when above this fraction of ‖g_N‖ (default 1e-3). */
  modeWeight: number;
}

export const DEFAULT_TRUST: TrustThresholds = { heldOutError: 0.5, magnitude: 10, modeWeight: 1e-3 };

/** Time constant of the slowest stable mode not counted as constant (∞ if none decays). */
export function slowestTimeConstant(fit: DmdFit, tolerance: number): number | null {
  let best: number | null = null;
  for (let i = 0; i < fit.rank; i++) {
    const mod = Math.hypot(fit.eigRe[i], fit.eigIm[i]);
    if (Math.hypot(fit.eigRe[i] - 1, fit.eigIm[i]) <= tolerance) continue;
    if (mod >= 1 || mod === 0) continue;
    const tc = -1 / Math.log(mod);
    if (best === null || tc > best) best = tc;
  }
  return best;
}

export function trustWarnings(args: {
  fit: DmdFit;
  modeWeights: Float64Array;
  gNorm: number;
  tolerance: number;
  windowRows: number;
  heldOutError: number | null;
  estimateNorm: number;
  maxRowNorm: number;
  thresholds: TrustThresholds;
}): EstimateWarning[] {
  const { fit, tolerance, thresholds } = args;
  const out: EstimateWarning[] = [];
  for (let i = 0; i < fit.rank; i++) {
    const mod = Math.hypot(fit.eigRe[i], fit.eigIm[i]);
    if (mod > 1 + tolerance && args.modeWeights[i] > thresholds.modeWeight * args.gNorm) {
      out.push({
        code: "UNSTABLE_MODE",
        message: `mode ${i} grows (|λ| = ${mod.toPrecision(6)}) with weight ${(args.modeWeights[i] / Math.max(args.gNorm, 1e-300)).toPrecision(3)} of the newest observable`,
        fatal: true,
      });
      break;
    }
  }
  const tc = slowestTimeConstant(fit, tolerance);
  if (tc !== null && tc > args.windowRows) {
    out.push({
      code: "SLOW_MODE",
      message: `the slowest mode's time constant (${tc.toPrecision(4)} rows) exceeds the window (${args.windowRows} rows): training has not converged within it`,
      fatal: true,
    });
  }
  if (args.heldOutError !== null && !(args.heldOutError <= thresholds.heldOutError)) {
    out.push({
      code: "HELD_OUT_ERROR",
      message: `held-out prediction error ${args.heldOutError.toPrecision(3)} exceeds ${thresholds.heldOutError}`,
      fatal: true,
    });
  }
  if (!(args.estimateNorm <= thresholds.magnitude * args.maxRowNorm)) {
    out.push({
      code: "ABSURD_MAGNITUDE",
      message: `the estimate's norm is ${(args.estimateNorm / Math.max(args.maxRowNorm, 1e-300)).toPrecision(3)} × the window's largest hypergradient (limit ${thresholds.magnitude})`,
      fatal: true,
    });
  }
  return out;
}
