/**
 * The one loop that records a window's hypergradient trajectory: from a zero tangent, take
 * `steps` inner steps carrying the tangent and record h = d ℓ̃(θ_t)/dφ every `stride` steps
 * (and after the last, shorter stride). Used by `hypergradientTrajectory`, by the glocal
 * strategy and by the demo's trajectory plot.
 */
import { Work, runToEnd, unit } from "../core/cooperative";
import type { TrainingSession } from "./types";

export interface WindowHooks {
  /** Takes n steps with the tangent (default: session.step(n)); the driver counts and aborts here. */
  advance?(n: number): void;
  /** Receives each recorded h and the steps taken since the window start. */
  record(h: Float64Array, done: number): void;
}

/**
 * The loop as a generator: `advance(n)` takes the n steps (and may yield between them, for
 * the asynchronous driver). Returns the last h recorded (h_m), or zeros for `steps` = 0.
 */
export function* windowSteps(
  session: TrainingSession,
  steps: number,
  stride: number,
  advance: (n: number) => Work<void>,
  record: WindowHooks["record"],
): Work<Float64Array> {
  session.resetTangent();
  let h: Float64Array = new Float64Array(session.q);
  for (let done = 0; done < steps;) {
    const n = Math.min(stride, steps - done);
    yield* advance(n);
    done += n;
    h = session.hypergradient();
    record(h, done);
  }
  return h;
}

/** Runs one window; returns the last h recorded (h_m), or zeros for `steps` = 0. */
export function recordWindow(
  session: TrainingSession,
  steps: number,
  stride: number,
  hooks: WindowHooks,
): Float64Array {
  const advance = hooks.advance ?? ((n: number) => session.step(n, { tangent: true }));
  return runToEnd(windowSteps(session, steps, stride, (n) => unit(() => advance(n)), hooks.record));
}
