/** `truncated`: every m steps, h_m of a tangent reset at the window start. */
import type { Work } from "../../core/cooperative";
import type { Run } from "../run";
import type { OptimizeResult } from "../types";
import { runWindows } from "./windows";

export function runTruncated(run: Run): Work<OptimizeResult> {
  return runWindows(run, function* (s, m) {
    s.resetTangent();
    yield* run.steps(s, m, true);
    return { h: s.hypergradient() };
  });
}
