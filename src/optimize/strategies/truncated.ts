/** `truncated`: every m steps, h_m of a tangent reset at the window start. */
import type { Run } from "../run";
import type { OptimizeResult } from "../types";
import { runWindows } from "./windows";

export function runTruncated(run: Run): OptimizeResult {
  return runWindows(run, (s, m) => {
    s.resetTangent();
    run.steps(s, m, true);
    return { h: s.hypergradient() };
  });
}
