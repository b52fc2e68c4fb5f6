/**
 * `glocal`: like truncated, but the update uses the Koopman estimate of the global
 * hypergradient from the window's h_1 … h_m, and falls back to h_m (counted in
 * `fallbacks`) when the estimate is not trusted — or, under a looser `glocal.fallback`
 * policy, only when it is absurd or not finite.
 */
import type { Work } from "../../core/cooperative";
import { ownProperties } from "../../core/validate";
import { GlocalEstimator } from "../../estimate/streaming";
import type { EstimateOptions } from "../../estimate/types";
import { windowSteps } from "../../training/window";
import type { Run } from "../run";
import type { GlobalEstimate } from "../../estimate/types";
import type { GlocalFallback, GlocalOptions, OptimizeResult } from "../types";
import { runWindows } from "./windows";

/**
 * The estimator of a window of `window` inner steps that records h every `glocal.stride`
 * steps (default 1), with glocal's estimate options (all but `target` and `stride`).
 * A window shorter than two strides still gets a (two-row) ring; its estimate then fails
 * and the update falls back to h_m, as for any window too short to extrapolate.
 */
export function windowEstimator(dim: number, window: number, glocal: GlocalOptions): GlocalEstimator {
  const {
    target: _target,
    stride = 1,
    valSubsample: _valSubsample,
    fallback: _fallback,
    ...estimateOptions
  } = ownProperties(glocal) as GlocalOptions;
  return new GlocalEstimator({
    dim,
    window: Math.max(2, Math.ceil(window / stride)),
    ...(estimateOptions as EstimateOptions),
  });
}

/** The driver's estimator: the DMD is fitted only where the method needs it (the update reads the estimate and its trust). */
function driverEstimator(dim: number, window: number, glocal: GlocalOptions): GlocalEstimator {
  return windowEstimator(dim, window, { dmdDiagnostics: false, ...glocal });
}

/** Whether the update falls back to h_m rather than use this estimate, under the policy. */
export function fallsBack(result: GlobalEstimate, policy: GlocalFallback): boolean {
  // A non-finite estimate is never used (the trust test never trusts one either).
  if (!result.estimate.every((x) => Number.isFinite(x))) return true;
  if (policy === "untrusted") return !result.trusted;
  if (policy === "nonfinite") return false;
  return result.diagnostics.warnings.some((w) => w.code === "ABSURD_MAGNITUDE");
}

export function* runGlocal(run: Run): Work<OptimizeResult> {
  const { target = "limit", stride = 1, fallback = "untrusted" } = run.o.glocal;
  const estimator = driverEstimator(run.phi.length, run.o.window, run.o.glocal);
  try {
    return yield* runWindows(run, function* (s, m, position) {
      estimator.reset();
      const sub = run.subsample(s);
      let h = yield* windowSteps(
        s,
        m,
        stride,
        (n) => run.steps(s, n, true),
        (row) => estimator.push(row),
      );
      // The fit saw the subset's h_t; the fallback h_m is the whole validation set's.
      if (sub) {
        s.setValidationSubset(null);
        h = s.hypergradient();
      }
      const truncated = Array.from(h);
      // "remaining": h_T with T = the rows of training left after this window's start.
      const remaining = run.o.innerSteps - position - m;
      const useHorizon = target === "remaining";
      if (useHorizon && remaining <= 0) return { h, truncated, trusted: false, target: "truncated" };
      let result;
      try {
        result = estimator.estimate(
          useHorizon ? { method: "horizon", horizon: estimator.length + Math.ceil(remaining / stride) } : undefined,
        );
      } catch (e) {
        // A window the estimator cannot use (too short, no convergence): fall back to h_m.
        run.fallbacks++;
        return {
          h,
          truncated,
          trusted: false,
          target: "truncated",
          warnings: [e instanceof Error ? e.message : String(e)],
        };
      }
      const warnings = result.diagnostics.warnings.map((w) => w.code);
      if (fallsBack(result, fallback)) {
        run.fallbacks++;
        return {
          h,
          truncated,
          estimate: Array.from(result.estimate),
          trusted: false,
          target: "truncated",
          method: result.method,
          warnings,
        };
      }
      return {
        h: result.estimate,
        truncated,
        estimate: Array.from(result.estimate),
        trusted: result.trusted,
        target,
        method: result.method,
        warnings,
      };
    });
  } finally {
    estimator.dispose();
  }
}
