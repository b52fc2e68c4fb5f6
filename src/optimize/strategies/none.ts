/**
 * `none`: the starting φ held fixed for the same T inner steps — what the user gets
 * without tuning. Evaluated every window for the loss curve; no hypergradient is computed.
 */
import type { Work } from "../../core/cooperative";
import { Aborted, Run } from "../run";
import type { OptimizeResult } from "../types";
import { finish } from "./finish";
import { trainFixed } from "./fixed";

export function* runNone(run: Run): Work<OptimizeResult> {
  const T = run.o.innerSteps;
  const s = run.session();
  run.record(s, 0, {}, true);
  try {
    const r = yield* trainFixed(run, s, T, run.o.window, (position) => run.record(s, position, {}, position >= T));
    if (!r.finite) {
      run.stopped = "diverged";
      run.record(s, r.steps, {}, true);
    }
  } catch (e) {
    if (!(e instanceof Aborted)) throw e;
    run.aborted();
  }
  return finish(run, s);
}
