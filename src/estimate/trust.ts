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
import { DmdFit } from "./dmd";
import type { EstimateWarning, TrustThresholds } from "./types";

export const DEFAULT_TRUST: TrustThresholds = { heldOutError: 0.5, magnitude: 10, modeWeight: 1e-3 };

/**
 * The spectrum the stability and time-constant tests read: the DMD's (limit, horizon), with
 * per-mode weights and the constant modes (|λ − 1| ≤ τ) set aside, or the method's own model
 * (affine map, rre/mpe recurrence), where every eigenvalue is a dynamic mode and none may
 * sit at 1.
 */
export interface Spectrum {
  re: ArrayLike<number>;
  im: ArrayLike<number>;
  /** ‖Φᵢ bᵢ‖ per mode (DMD); null when every mode counts. */
  weights: ArrayLike<number> | null;
  /** Whether modes within τ of 1 are the constant (DMD) rather than slow dynamics. */
  constantNearOne: boolean;
}

export function dmdSpectrum(fit: DmdFit, weights: Float64Array): Spectrum {
  return { re: fit.eigRe, im: fit.eigIm, weights, constantNearOne: true };
}

/**
 * Time constant −1/ln|λ| of the slowest mode (Infinity at |λ| ≥ 1); null if there is none.
 * In a DMD spectrum one mode is the constant: the one closest to 1 within τ. Further modes
 * within τ of 1 that carry weight (above `minWeight`) are slow dynamics, not a second
 * constant: for h_t = 1 − 0.995ᵗ over 60 rows, λ = 1 and 0.995 were both summed as "the
 * constant" and the limit (0.26, truth 1) was trusted (edge-case tests).
 */
export function slowestTimeConstant(sp: Spectrum, tolerance: number, minWeight = 0): number | null {
  let constant = -1;
  if (sp.constantNearOne) {
    let closest = tolerance;
    for (let i = 0; i < sp.re.length; i++) {
      const dist = Math.hypot(sp.re[i] - 1, sp.im[i]);
      if (dist <= closest) {
        closest = dist;
        constant = i;
      }
    }
  }
  let best: number | null = null;
  for (let i = 0; i < sp.re.length; i++) {
    const mod = Math.hypot(sp.re[i], sp.im[i]);
    if (i === constant) continue;
    const near = sp.constantNearOne && Math.hypot(sp.re[i] - 1, sp.im[i]) <= tolerance;
    if (near && !(sp.weights && sp.weights[i] > minWeight)) continue;
    // A second weighted mode near 1 is slow even at |λ| ≥ 1 (1.0003 slipped past both this
    // and the unstable test); other modes at or beyond 1 are the unstable test's business.
    if (mod === 0 || (sp.constantNearOne && mod >= 1 && !near)) continue;
    if (mod > 1 + tolerance) continue; // growing: the unstable test's business
    const tc = mod >= 1 ? Infinity : -1 / Math.log(mod);
    if (best === null || tc > best) best = tc;
  }
  return best;
}

export function trustWarnings(args: {
  spectrum: Spectrum;
  gNorm: number;
  tolerance: number;
  windowRows: number;
  heldOutError: number | null;
  estimateNorm: number;
  maxRowNorm: number;
  thresholds: TrustThresholds;
}): EstimateWarning[] {
  const { spectrum: sp, tolerance, thresholds } = args;
  const out: EstimateWarning[] = [];
  for (let i = 0; i < sp.re.length; i++) {
    const mod = Math.hypot(sp.re[i], sp.im[i]);
    const weight = sp.weights ? sp.weights[i] : Infinity;
    if (mod > 1 + tolerance && weight > thresholds.modeWeight * args.gNorm) {
      const share = sp.weights
        ? ` with weight ${(weight / Math.max(args.gNorm, 1e-300)).toPrecision(3)} of the newest observable`
        : "";
      out.push({ code: "UNSTABLE_MODE", message: `a mode grows (|λ| = ${mod.toPrecision(6)})${share}`, fatal: true });
      break;
    }
  }
  const tc = slowestTimeConstant(sp, tolerance, thresholds.modeWeight * args.gNorm);
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
