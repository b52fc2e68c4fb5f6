/** `local`: every k steps, the one-step (greedy) hypergradient of the step just taken. */
import type { Run } from "../run";
import type { OptimizeResult } from "../types";
import { runWindows } from "./windows";

export function runLocal(run: Run): OptimizeResult {
  return runWindows(run, (s, m) => {
    run.steps(s, m - 1, false);
    s.resetTangent();
    run.steps(s, 1, true);
    return { h: s.hypergradient() };
  });
}
