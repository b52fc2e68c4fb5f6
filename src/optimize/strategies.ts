/**
 * The four strategies of DESIGN §1.4, on the shared Run bookkeeping:
 *  - global:    each outer iteration trains from θ₀ for T steps with the tangent, takes h_T;
 *  - local:     one run; every k steps, the one-step (greedy) hypergradient;
 *  - truncated: one run; every m steps, h_m of a tangent reset at the window start;
 *  - glocal:    like truncated, but the Koopman estimate of the global hypergradient from
 *               h_1 … h_m, falling back to h_m when the estimate is not trusted.
 * A divergent window is rejected (state restored, φ returned, meta step halved) and retried.
 */
import { GlocalEstimator } from "../estimate/streaming";
import type { EstimateOptions } from "../estimate/pipeline";
import type { InnerTraining } from "../training/builtin";
import type { TrainingSnapshot } from "../training/types";
import { Aborted, Run } from "./run";
import type { GlocalOptions, HistoryEntry, OptimizeResult } from "./types";

/** The result from the final session, which is then released. */
function finish(run: Run, s: InnerTraining): OptimizeResult {
  try {
    return run.result(s);
  } finally {
    run.release(s);
  }
}

export function runGlobal(run: Run): OptimizeResult {
  const { innerSteps: T, outerSteps: K } = run.o;
  let s = run.session();
  run.record(s, 0, {}, true);
  try {
    for (let k = 1; k <= K; k++) {
      const last = k === K;
      run.release(s);
      s = run.session();
      try {
        // The last run trains the final model with the final φ: no tangent needed.
        run.steps(s, T, !last);
        if (last) break;
        const h = s.hypergradient();
        const used = Array.from(h);
        run.update(h, null);
        run.record(s, k * T, { hypergradient: used }, true);
      } catch (e) {
        if (e instanceof Aborted) throw e;
        if (!run.reject(e, null, null)) break;
        k--; // retry this run with the returned φ
      }
    }
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    run.aborted();
  }
  // Given up after repeated divergence, s is a diverged session whose losses are not
  // finite (optimize threw E_DIVERGED from result()): report the final φ on θ₀ instead.
  if (run.stopped === "diverged") {
    run.release(s);
    s = run.session();
  }
  return finish(run, s);
}

/** Shared loop of the single-run strategies: windows of `run.o.window` steps. */
function runWindows(run: Run, window: (s: InnerTraining, m: number, position: number) => Partial<HistoryEntry> & { h: ArrayLike<number> }): OptimizeResult {
  const total = run.o.innerSteps;
  const s = run.session();
  let position = 0;
  run.record(s, 0, {}, true);
  try {
    while (position < total) {
      const m = Math.min(run.o.window, total - position);
      const snapshot: TrainingSnapshot = s.snapshot();
      try {
        const { h, ...extra } = window(s, m, position);
        run.update(h, s);
        position += m;
        run.record(s, position, { hypergradient: Array.from(h), ...extra }, position >= total);
      } catch (e) {
        if (e instanceof Aborted) throw e;
        if (!run.reject(e, s, snapshot)) break;
      }
    }
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    run.aborted();
  }
  return finish(run, s);
}

export function runLocal(run: Run): OptimizeResult {
  return runWindows(run, (s, m) => {
    run.steps(s, m - 1, false);
    s.resetTangent();
    run.steps(s, 1, true);
    return { h: s.hypergradient() };
  });
}

export function runTruncated(run: Run): OptimizeResult {
  return runWindows(run, (s, m) => {
    s.resetTangent();
    run.steps(s, m, true);
    return { h: s.hypergradient() };
  });
}

/**
 * The estimator of a window of `window` inner steps that records h every `glocal.stride`
 * steps (default 1), with glocal's estimate options (all but `target` and `stride`).
 * A window shorter than two strides still gets a (two-row) ring; its estimate then fails
 * and the update falls back to h_m, as for any window too short to extrapolate.
 */
export function windowEstimator(dim: number, window: number, glocal: GlocalOptions): GlocalEstimator {
  const { target: _target, stride = 1, ...estimateOptions } = glocal;
  return new GlocalEstimator({ dim, window: Math.max(2, Math.ceil(window / stride)), ...(estimateOptions as EstimateOptions) });
}

export function runGlocal(run: Run): OptimizeResult {
  const { target = "limit", stride = 1 } = run.o.glocal;
  const estimator = windowEstimator(run.phi.length, run.o.window, run.o.glocal);
  try {
    return runWindows(run, (s, m, position) => {
      estimator.reset();
      s.resetTangent();
      let h: Float64Array = new Float64Array(run.phi.length);
      for (let done = 0; done < m; ) {
        const n = Math.min(stride, m - done);
        run.steps(s, n, true);
        done += n;
        h = s.hypergradient();
        estimator.push(h);
      }
      const truncated = Array.from(h);
      // "remaining": h_T with T = the rows of training left after this window's start.
      const remaining = run.o.innerSteps - position - m;
      const useHorizon = target === "remaining";
      if (useHorizon && remaining <= 0) return { h, truncated, trusted: false, target: "truncated" };
      let result;
      try {
        result = estimator.estimate(useHorizon ? { method: "horizon", horizon: estimator.length + Math.ceil(remaining / stride) } : undefined);
      } catch (e) {
        // A window the estimator cannot use (too short, no convergence): fall back to h_m.
        run.fallbacks++;
        return { h, truncated, trusted: false, target: "truncated", warnings: [e instanceof Error ? e.message : String(e)] };
      }
      const warnings = result.diagnostics.warnings.map((w) => w.code);
      if (!result.trusted) {
        run.fallbacks++;
        return { h, truncated, estimate: Array.from(result.estimate), trusted: false, target: "truncated", method: result.method, warnings };
      }
      return { h: result.estimate, truncated, estimate: Array.from(result.estimate), trusted: true, target, method: result.method, warnings };
    });
  } finally {
    estimator.dispose();
  }
}
