/**
 * glocal under another fallback policy than the driver's. The driver (optimize) replaces
 * h_m by the estimate only when the estimate is `trusted`; the independent study that
 * found this regime fell back only on absurd magnitudes. This loop is the driver's glocal
 * loop (windows of m steps from a zero tangent, Adam on φ, the same estimator) with the
 * fallback rule as a parameter, so both policies can be measured on the same runs, and
 * with the driver's rejection of divergent windows. With the rule "trusted" it reproduces
 * optimize's glocal exactly, and with "never" its truncated (checked by
 * bench/perFeature/study.ts on every run).
 */
import { GlocalError, GlocalEstimator, InnerTraining } from "../../src/index";
import type { EstimateOptions, GlobalEstimate, OptimizerSpec, Problem, HyperName } from "../../src/index";
import { MetaOptimizer } from "../../src/optimize/meta";
import type { MetaOptimizerSpec } from "../../src/optimize/meta";
import { recordWindow } from "../../src/training/window";

/**
 * When to use the estimate instead of h_m: `trusted` (the driver's rule), `magnitude`
 * (unless ABSURD_MAGNITUDE), `finite` (whenever the estimate exists and is finite),
 * `agreement` (when the estimate at delay d and at d + 1 agree within half their size: a
 * stability test on the estimate itself), `never` (truncated).
 */
export type FallbackPolicy = "trusted" | "magnitude" | "finite" | "agreement" | "never";

/** One glocal run: the problem, the optimiser, the meta step, the estimate and the fallback rule. */
export interface PolicyRunOptions {
  problem: Problem;
  optimizer: OptimizerSpec;
  hyper: HyperName[];
  innerSteps: number;
  window: number;
  metaOptimizer: MetaOptimizerSpec;
  estimate: EstimateOptions;
  policy: FallbackPolicy;
}

/** Final validation loss and φ, and the counts of the run. */
export interface PolicyRunResult {
  valLoss: number;
  phi: Float64Array;
  updates: number;
  /** Windows whose update used h_m. */
  fallbacks: number;
  /** Windows rejected after a divergence (retried with a halved meta step, as the driver does). */
  rejected: number;
}

const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

function usable(r: GlobalEstimate, policy: FallbackPolicy, second: () => GlobalEstimate): boolean {
  if (policy === "never") return false;
  if (policy === "trusted") return r.trusted;
  if (!r.estimate.every((x) => Number.isFinite(x))) return false;
  if (policy === "finite") return true;
  if (policy === "magnitude") return !r.diagnostics.warnings.some((w) => w.code === "ABSURD_MAGNITUDE");
  const e2 = second().estimate;
  const diff = norm(Array.from(r.estimate, (x, i) => x - e2[i]));
  return diff <= 0.5 * Math.max(norm(r.estimate), norm(e2));
}

/** Consecutive rejected windows after which the loop gives up (as the driver). */
const MAX_REJECTIONS = 6;

const isDivergence = (e: unknown) => e instanceof GlocalError && (e.code === "E_DIVERGED" || e.code === "E_OPTION");

/** Runs glocal with the given fallback rule (the driver's loop otherwise). */
export function runWithPolicy(o: PolicyRunOptions): PolicyRunResult {
  const s = new InnerTraining(o.problem, o.optimizer, { hyper: o.hyper });
  const meta = new MetaOptimizer(o.metaOptimizer, s.q);
  const est = new GlocalEstimator({ dim: s.q, window: o.window, dmdDiagnostics: false, ...o.estimate });
  let phi = s.getPhi(),
    previous = phi,
    updates = 0,
    fallbacks = 0,
    rejected = 0,
    consecutive = 0;
  try {
    for (let position = 0; position < o.innerSteps;) {
      const m = Math.min(o.window, o.innerSteps - position);
      const snapshot = s.snapshot();
      try {
        est.reset();
        const hm = recordWindow(s, m, 1, { record: (row) => est.push(row) });
        let h: ArrayLike<number> = hm;
        try {
          const r = est.estimate();
          const delay = (o.estimate.delay as number | undefined) ?? r.delay;
          if (usable(r, o.policy, () => est.estimate({ delay: delay + 1 }))) h = r.estimate;
          else fallbacks++;
        } catch {
          fallbacks++;
        }
        if (!Array.from(h).every((x) => Number.isFinite(x)))
          throw new GlocalError("E_DIVERGED", "the hypergradient is not finite", "hypergradient");
        previous = phi;
        const next = meta.step(phi, h);
        s.setPhi(next); // E_OPTION when the step leaves the hyperparameters' range
        phi = next;
        updates++;
        consecutive = 0;
        position += m;
      } catch (e) {
        // The driver's rejection: back to the window start and the φ before the last update.
        if (!isDivergence(e)) throw e;
        rejected++;
        consecutive++;
        phi = previous.slice();
        meta.shrink();
        s.restore(snapshot);
        s.setPhi(phi);
        if (consecutive >= MAX_REJECTIONS) break;
      }
    }
    return { valLoss: s.valLoss(), phi, updates, fallbacks, rejected };
  } finally {
    est.dispose();
    s.dispose();
  }
}
