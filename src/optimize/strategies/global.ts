/**
 * `global`: each outer iteration trains from θ₀ for T steps with the tangent and updates φ
 * with h_T, the exact hypergradient of the whole run.
 */
import { Aborted, Run } from "../run";
import type { Work } from "../../core/cooperative";
import type { OptimizeResult } from "../types";
import { finish } from "./finish";

export function* runGlobal(run: Run): Work<OptimizeResult> {
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
        yield* run.steps(s, T, !last);
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
