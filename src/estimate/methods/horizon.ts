/**
 * `horizon`: h_T itself, Σᵢ Φᵢ λᵢᵏ bᵢ with k = T − m. Eigenvalues outside the unit circle
 * are moved onto it (λ/|λ|) -- dropping them instead zeroes the estimate whenever the
 * constant mode lands at 1 + 1e-9 (kept as the "drop" variant for comparison only).
 * Returns the newest q-block of the qd-vector, real part.
 *
 * Exact for every T: a fitted eigenvalue carries rounding, and λᵏ magnifies an error δ in λ
 * to k|λ|^(k−1)δ. So an eigenvalue within rounding of 1 is taken as exactly 1 (the constant
 * of a converged window came out at 1 − 2e-16, and (1 − 2e-16)^1e20 is 0, not 1); and where
 * the powers of the other modes cannot be resolved at this k (a rotation or a slow mode at
 * T = 1e15), the estimate carries the fatal HORIZON_PRECISION instead of a wrong phase.
 */
import type { Scope } from "../../core/scope";
import { DmdFit, dmdPredictor, modeSum, newestBlock } from "../dmd";
import type { EstimateWarning, MethodResult } from "../types";

const EPS = 2.220446049250313e-16;
/** Relative accuracy the powers must keep (of the newest block's norm) for the estimate to be trusted. */
export const HORIZON_ACCURACY = 1e-6;

/** Rounding band of a fitted eigenvalue of a model of dimension n: 32 n ε (measured: up to 5ε at n ≤ 16). */
export function eigenvalueRounding(n: number): number {
  return 32 * Math.max(1, n) * EPS;
}

/** h_T by `horizon` from a DMD fit, k = `steps` = T − m, with HORIZON_PRECISION where λᵏ cannot be resolved. */
export function horizonEstimate(
  s: Scope,
  fit: DmdFit,
  q: number,
  steps: number,
  unstable: "clamp" | "drop",
): MethodResult & { keptModes: number[] } {
  const [from, to] = newestBlock(fit, q);
  const kept: number[] = [];
  const rounding = eigenvalueRounding(fit.n);
  const blockWeights = newestBlockWeights(s, fit, from, to);
  let uncertainty = 0;
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
    if (Math.hypot(re - 1, im) <= rounding) return [1, 0];
    // |d(λᵏ)| ≤ k |λ|^(k−1) δ: what rounding in λ does to this mode's share of the estimate.
    const m = Math.min(1, Math.hypot(re, im));
    const sensitivity = m === 0 ? 0 : steps * Math.exp((steps - 1) * Math.log(m)) * rounding;
    uncertainty += sensitivity * blockWeights[i];
    return boundedPower(re, im, steps);
  });
  const warnings: EstimateWarning[] = [];
  let scale = 0;
  for (const w of blockWeights) scale = Math.max(scale, w);
  let norm = 0;
  for (const v of estimate) norm += v * v;
  scale = Math.max(scale, Math.sqrt(norm));
  if (!(uncertainty <= HORIZON_ACCURACY * scale)) {
    warnings.push({
      code: "HORIZON_PRECISION",
      message: `λᵏ at k = T − m = ${steps} cannot be resolved: rounding in the eigenvalues (${rounding.toExponential(1)}) moves the estimate by up to ${(uncertainty / Math.max(scale, 1e-300)).toExponential(2)} of its scale`,
      fatal: true,
    });
  }
  return { estimate, predict: dmdPredictor(s, fit, q), warnings, rank: fit.rank, keptModes: kept };
}

/**
 * λᵏ for |λ| ≤ 1 (up to rounding), finite for every k: |λ| is capped at 1 (λ/|λ| can land
 * at 1 + ε, and (1 + ε)^1e308 overflows), and a phase k·arg beyond float64 is reduced first
 * (such a k is flagged HORIZON_PRECISION anyway: the value only has to be finite).
 */
export function boundedPower(re: number, im: number, k: number): [number, number] {
  if (k === 0) return [1, 0];
  if (im === 0) return [Math.pow(re, k), 0];
  const mk = Math.pow(Math.min(1, Math.hypot(re, im)), k);
  if (mk === 0) return [0, 0];
  const arg = Math.atan2(im, re);
  let theta = k * arg;
  if (!Number.isFinite(theta)) theta = (k % ((2 * Math.PI) / Math.abs(arg))) * arg;
  return [mk * Math.cos(theta), mk * Math.sin(theta)];
}

/** ‖Φᵢ bᵢ‖ over the newest q-block, per mode. */
function newestBlockWeights(s: Scope, fit: DmdFit, from: number, to: number): Float64Array {
  const r = fit.rank;
  const out = new Float64Array(r);
  if (r === 0) return out;
  const pr = s.f64(fit.phiRe, fit.n * r),
    pi = s.f64(fit.phiIm, fit.n * r);
  for (let i = 0; i < r; i++) {
    let acc = 0;
    for (let row = from; row < to; row++) acc += pr[row * r + i] ** 2 + pi[row * r + i] ** 2;
    out[i] = Math.sqrt(acc) * Math.hypot(fit.bRe[i], fit.bIm[i]);
  }
  return out;
}
