/** `local`: every k steps, the one-step (greedy) hypergradient of the step just taken. */
import type { Work } from "../../core/cooperative";
import type { Run } from "../run";
import type { OptimizeResult } from "../types";
import { runWindows } from "./windows";

export function runLocal(run: Run): Work<OptimizeResult> {
  return runWindows(run, function* (s, m) {
    yield* run.steps(s, m - 1, false);
    s.resetTangent();
    yield* run.steps(s, 1, true);
    return { h: s.hypergradient() };
  });
}
