/**
 * Trust: the estimator says when it cannot be trusted, so a caller can
 * tell a good estimate from a bad one without reading eigenvalues. An estimate is trusted
 * when none of these fires:
 *  - NO_MODE_NEAR_ONE (limit): no eigenvalue within τ of 1;
 *  - UNSTABLE_MODE: a mode outside the unit circle (beyond τ) carries weight;
 *  - SLOW_MODE: the slowest decaying mode's time constant −1/ln|λ| exceeds the window
 *    (training has not converged within it: every extrapolation was wrong there);
 *  - HELD_OUT_ERROR: the method predicts the held-out newest rows badly;
 *  - ABSURD_MAGNITUDE: the estimate exceeds `magnitude` × the window's largest hypergradient;
 *  - any fatal warning of the method itself (singular fixed point, degenerate extrapolation).
 * Those read the fit. Two more read the estimate itself, from the held-out refit (the
 * window without its newest p rows), because fits that pass every check above still
 * extrapolated 6–100× worse than h_m under heavy ball (bench/results/accuracy.md):
 *  - POOR_FORECAST: the refit forecasts the p rows no better than `forecastRatio` × the
 *    error of holding its newest row (a model that cannot see p rows ahead is not trusted
 *    to see T);
 *  - NESTED_DISAGREEMENT: the refit's estimate differs from the estimate by more than
 *    `nestedChange` × the estimate's correction to h_m (the correction is not settled);
 *  - IMPLAUSIBLE_CORRECTION: the correction to h_m exceeds `correction` × how far the window
 *    moved over the held-out rows (a sequence converging with a time constant τ ≤ m has
 *    ‖h_∞ − h_m‖ ≤ (m/p) ‖h_m − h_{m−p}‖ = 5×); a window that has settled to 1e-7 was
 *    "extrapolated" 1e-2 away by a fit its transient dominated.
 */
import { DmdFit } from "./dmd";
import type { HeldOutEvidence } from "./evidence";
import type { EstimateWarning, TrustThresholds } from "./types";

/** The trust test's thresholds, chosen on the accuracy benchmark (docs/estimator.md, "Trust and diagnostics"). */
export const DEFAULT_TRUST: TrustThresholds = {
  heldOutError: 0.5,
  magnitude: 10,
  modeWeight: 1e-3,
  forecastRatio: 0.1,
  nestedChange: 0.1,
  correction: 10,
  floor: 1e-3,
};

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
  /**
   * `horizon` raises every mode to the power k = T − m, so only a mode that stays within
   * 1 % of 1 over k steps is its constant (`band`, instead of τ); the other weighted modes
   * near 1 are slow. A mode at 0.9932 counted as "the constant" by τ decayed to 0 by
   * T = 2000, and the estimate, 0, was trusted (bench/results/accuracy.md).
   */
  horizon: { band: number } | null;
}

/** The DMD spectrum with per-mode weights ‖Φᵢ bᵢ‖, its constant the mode closest to 1 within τ. */
export function dmdSpectrum(fit: DmdFit, weights: Float64Array): Spectrum {
  return { re: fit.eigRe, im: fit.eigIm, weights, constantNearOne: true, horizon: null };
}

/** The constant band of `horizon` at k = T − m: |λᵏ − 1| ≲ 1 %, never below the eigenvalues' rounding. */
export function horizonBand(steps: number, tolerance: number, rounding: number): number {
  return Math.max(rounding, Math.min(tolerance, 0.01 / steps));
}

/**
 * Time constant −1/ln|λ| of the slowest mode (Infinity at |λ| ≥ 1); null if there is none.
 * In a DMD spectrum one mode is the constant: the one closest to 1 within τ (or the horizon's
 * band). Further modes within τ of 1 that carry weight (above `minWeight`) are slow dynamics,
 * not a second constant: for h_t = 1 − 0.995ᵗ over 60 rows, λ = 1 and 0.995 were both summed
 * as "the constant" and the limit (0.26, truth 1) was trusted (edge-case tests).
 */
export function slowestTimeConstant(sp: Spectrum, tolerance: number, minWeight = 0): number | null {
  const band = sp.horizon ? sp.horizon.band : tolerance;
  let constant = -1;
  if (sp.constantNearOne) {
    let closest = band;
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
    const weighted = !sp.weights || sp.weights[i] > minWeight;
    const near = sp.constantNearOne && Math.hypot(sp.re[i] - 1, sp.im[i]) <= tolerance;
    if (near && !weighted) continue;
    if (mod > 1 + tolerance) continue; // growing: the unstable test's business
    // A second weighted mode near 1 is slow even at |λ| ≥ 1 (1.0003 slipped past both this
    // and the unstable test); other modes at or beyond 1 are the unstable test's business.
    if (mod === 0 || (sp.constantNearOne && mod >= 1 && !near)) continue;
    const tc = mod >= 1 ? Infinity : -1 / Math.log(mod);
    if (best === null || tc > best) best = tc;
  }
  return best;
}

/** The fatal (and other) warnings of the trust test: the fit's checks, then the held-out refit's three ratios. */
export function trustWarnings(args: {
  spectrum: Spectrum;
  gNorm: number;
  tolerance: number;
  windowRows: number;
  heldOut: HeldOutEvidence | null;
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
  const held = args.heldOut;
  if (held !== null && !(held.error <= thresholds.heldOutError)) {
    out.push({
      code: "HELD_OUT_ERROR",
      message: `held-out prediction error ${held.error.toPrecision(3)} exceeds ${thresholds.heldOutError}`,
      fatal: true,
    });
  }
  if (held !== null && !(held.forecastRatio <= thresholds.forecastRatio)) {
    out.push({
      code: "POOR_FORECAST",
      message: `refitted without the held-out rows, the model forecasts them with ${held.forecastRatio.toPrecision(3)} × the error of holding the newest row it saw (limit ${thresholds.forecastRatio})`,
      fatal: true,
    });
  }
  if (held !== null && !(held.correctionRatio <= thresholds.correction)) {
    out.push({
      code: "IMPLAUSIBLE_CORRECTION",
      message: `the estimate's correction to h_m is ${held.correctionRatio.toPrecision(3)} × how far the window moved over the held-out rows (limit ${thresholds.correction})`,
      fatal: true,
    });
  }
  if (held !== null && !(held.nestedChange <= thresholds.nestedChange)) {
    out.push({
      code: "NESTED_DISAGREEMENT",
      message: `the estimate from the window without the held-out rows differs from it by ${held.nestedChange.toPrecision(3)} × its correction to h_m (limit ${thresholds.nestedChange})`,
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
