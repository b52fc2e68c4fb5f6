/**
 * The loop of the single-run strategies (local, truncated, glocal): one training run cut
 * into windows; after each, φ is updated with the window's hypergradient. A divergent
 * window is rejected (state restored, φ returned, meta step halved) and retried.
 */
import type { Work } from "../../core/cooperative";
import type { DriverSession } from "../../training/types";
import { Aborted, Run } from "../run";
import type { HistoryEntry, OptimizeResult } from "../types";
import { finish } from "./finish";

/** Shared loop of the single-run strategies: windows of `run.o.window` steps. */
export function* runWindows(
  run: Run,
  window: (s: DriverSession, m: number, position: number) => Work<Partial<HistoryEntry> & { h: ArrayLike<number> }>,
): Work<OptimizeResult> {
  const total = run.o.innerSteps;
  const s = run.session();
  let position = 0;
  run.record(s, 0, {}, true);
  try {
    while (position < total) {
      const m = Math.min(run.o.window, total - position);
      const snapshot = s.snapshot();
      try {
        const { h, ...extra } = yield* window(s, m, position);
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
