/** Validation helpers shared by the optimiser specs (natural units, checked once). */
import { GlocalError, describe } from "../../core/errors";
import { optNumber } from "../../core/validate";

/** A finite number > 0; `fallback` when undefined (none for a required option). */
export function positive(v: unknown, name: string, fallback = NaN): number {
  return optNumber(v, name, fallback, (x) => x > 0, "> 0");
}

/** A finite number >= 0; `fallback` when undefined. */
export function nonNegative(v: unknown, name: string, fallback: number): number {
  return optNumber(v, name, fallback, (x) => x >= 0, ">= 0");
}

/** A finite number > 0, or undefined when not given (the learning rate: φ may supply it). */
export function optionalPositive(v: unknown, name: string): number | undefined {
  return v === undefined ? undefined : positive(v, name);
}

/** A number strictly between 0 and 1; `fallback` when undefined. */
export function unitOpen(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new GlocalError("E_OPTION", `option '${name}' must lie strictly between 0 and 1, got ${describe(v)}`, name);
  }
  return v;
}
