/** Checks of the options every training session shares (built-in or not): the mini-batch
 *  size and a TrainingState to start from. Free of WebAssembly, so any session can use them. */
import { GlocalError, describe } from "../core/errors";
import { ownProperties } from "../core/validate";
import type { TrainingState } from "./types";

/** The `batchSize` option: 1 … n (default n, the whole training set). */
export function checkBatchSize(v: unknown, n: number): number {
  if (v === undefined) return n;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > n) {
    throw new GlocalError(
      "E_OPTION",
      `option 'batchSize' must be an integer in [1, ${n}] (the training-set size), got ${describe(v)}`,
      "batchSize",
    );
  }
  return v;
}

/** Validates a TrainingState against the problem and optimiser. */
export function checkState(state: unknown, P: number, bufNames: readonly string[]): TrainingState {
  if (typeof state !== "object" || state === null)
    throw new GlocalError("E_TYPE", `state must be a TrainingState, got ${describe(state)}`, "state");
  const s = ownProperties(state) as Partial<TrainingState>;
  if (typeof s.step !== "number" || !Number.isInteger(s.step) || s.step < 0) {
    throw new GlocalError("E_OPTION", `state.step must be an integer >= 0, got ${describe(s.step)}`, "state.step");
  }
  const vec = (v: unknown, name: string): Float64Array => {
    if (!(v instanceof Float64Array) && !Array.isArray(v))
      throw new GlocalError("E_TYPE", `${name} must be a Float64Array, got ${describe(v)}`, name);
    if (v.length !== P)
      throw new GlocalError(
        "E_SHAPE",
        `${name} must have ${P} entries (the problem's parameters), got ${v.length}`,
        name,
      );
    const out = Float64Array.from(v as ArrayLike<number>);
    for (let i = 0; i < P; i++)
      if (!Number.isFinite(out[i])) throw new GlocalError("E_NONFINITE", `${name}[${i}] is not finite`, name);
    return out;
  };
  const buffers: Record<string, Float64Array> = {};
  const givenRaw = s.buffers ?? {};
  if (typeof givenRaw !== "object" || givenRaw === null)
    throw new GlocalError("E_TYPE", "state.buffers must be an object", "state.buffers");
  const given = ownProperties(givenRaw);
  for (const key of Object.keys(given)) {
    if (!bufNames.includes(key))
      throw new GlocalError(
        "E_OPTION",
        `state.buffers has '${key}', which this optimiser does not use (${bufNames.join(", ") || "none"})`,
        `state.buffers.${key}`,
      );
  }
  for (const name of bufNames) {
    const b = (given as Record<string, unknown>)[name];
    if (b === undefined)
      throw new GlocalError(
        "E_OPTION",
        `state.buffers.${name} is missing (this optimiser needs ${bufNames.join(", ")})`,
        `state.buffers.${name}`,
      );
    buffers[name] = vec(b, `state.buffers.${name}`);
  }
  return { step: s.step, theta: vec(s.theta, "state.theta"), buffers };
}
