/**
 * Training with φ held fixed (the baselines `none` and `random`): no tangent, no
 * hypergradient. A divergence ends the run at the last good state instead of throwing:
 * a fixed φ cannot be rejected and retried like an update.
 */
import type { Work } from "../../core/cooperative";
import type { DriverSession } from "../../training/types";
import type { Run } from "../run";

/** What a fixed-φ run ended with. */
export interface FixedRun {
  /** False when the training diverged (the session is then back at its last good state). */
  finite: boolean;
  /** Inner steps taken before the divergence, or all of them. */
  steps: number;
}

/**
 * Trains `s` for `total` steps without the tangent, in chunks of `chunk` steps (a
 * snapshot before each); `after(position)` is called after every chunk. On E_DIVERGED
 * the session returns to the snapshot and a "diverged" event is recorded.
 */
export function* trainFixed(
  run: Run,
  s: DriverSession,
  total: number,
  chunk: number,
  after?: (position: number) => void,
): Work<FixedRun> {
  let position = 0;
  while (position < total) {
    const n = Math.min(chunk, total - position);
    const snapshot = s.snapshot();
    try {
      yield* run.steps(s, n, false);
    } catch (e) {
      if (!run.divergedWithFixedPhi(e)) throw e;
      s.restore(snapshot);
      return { finite: false, steps: position };
    }
    position += n;
    after?.(position);
  }
  return { finite: true, steps: position };
}
