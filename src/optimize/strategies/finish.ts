/** Ending a strategy: its result from the final session, which is then released. */
import type { InnerTraining } from "../../training/builtin";
import type { Run } from "../run";
import type { OptimizeResult } from "../types";

/** The result from the final session, which is then released. */
export function finish(run: Run, s: InnerTraining): OptimizeResult {
  try {
    return run.result(s);
  } finally {
    run.release(s);
  }
}
