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

export function unitOpen(v: unknown, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new GlocalError("E_OPTION", `option '${name}' must lie strictly between 0 and 1, got ${describe(v)}`, name);
  }
  return v;
}

export function required(o: Record<string, unknown>, key: string, prefix: string): unknown {
  if (o[key] === undefined) throw new GlocalError("E_OPTION", `option '${prefix}${key}' is required`, prefix + key);
  return o[key];
}
