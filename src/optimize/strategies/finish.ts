/** Ending a strategy: its result from the final session, which is then released. */
import type { DriverSession } from "../../training/types";
import type { Run } from "../run";
import type { OptimizeResult } from "../types";

/** The result from the final session, which is then released. */
export function finish(run: Run, s: DriverSession): OptimizeResult {
  try {
    return run.result(s);
  } finally {
    run.release(s);
  }
}
