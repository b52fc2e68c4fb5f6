/** What the training sessions (InnerTraining, PluginTraining) share: step arguments, work counts, the local hypergradient. */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optBoolean } from "../core/validate";
import type { StepOptions, TrainingCounts } from "./types";

/** Checks the arguments of `step(nSteps, options)`; true when it carries the tangent (default). */
export function stepArguments(nSteps: unknown, options: unknown): boolean {
  const o = checkOptions(options, ["tangent"], "step options");
  if (typeof nSteps !== "number" || !Number.isInteger(nSteps) || nSteps < 0) {
    throw new GlocalError("E_OPTION", `nSteps must be an integer >= 0, got ${describe(nSteps)}`, "nSteps");
  }
  return optBoolean(o.tangent, "tangent", true);
}

/** A session's work (never rolled back by `restore`); q JVPs per tangent step. */
export class WorkCounter {
  private steps = 0;
  private tangentSteps = 0;
  valGradients = 0;

  constructor(private readonly q: number) {}

  /** One inner step taken, with or without the tangent. */
  step(tangent: boolean): void {
    this.steps++;
    if (tangent) this.tangentSteps++;
  }

  /** The counts so far (a fresh object). */
  get counts(): TrainingCounts {
    return {
      steps: this.steps,
      tangentSteps: this.tangentSteps,
      jvps: this.tangentSteps * this.q,
      valGradients: this.valGradients,
    };
  }
}

/** The parts of a session that `localHypergradient` uses. */
interface Restorable<Snapshot> {
  snapshot(): Snapshot;
  restore(snapshot: Snapshot): void;
  resetTangent(): void;
  step(nSteps: number, options: StepOptions): void;
  hypergradient(): Float64Array;
}

/** The one-step hypergradient of the session's next step; the session is left as it was
 *  (the work is counted). */
export function localHypergradient<Snapshot>(session: Restorable<Snapshot>): Float64Array {
  const snapshot = session.snapshot();
  try {
    session.resetTangent();
    session.step(1, { tangent: true });
    return session.hypergradient();
  } finally {
    session.restore(snapshot);
  }
}
