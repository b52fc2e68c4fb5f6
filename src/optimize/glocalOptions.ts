/**
 * glocal's estimator options, checked before any training: a method, rank rule, tolerance,
 * trust key or delay the estimator would reject used to fail in every window, each time
 * falling back to h_m, and the run "succeeded" without ever extrapolating.
 */
import { GlocalError, describe, isGlocalError } from "../core/errors";
import { optInteger } from "../core/validate";
import { checkWork } from "../estimate/budget";
import { ESTIMATE_OPTION_KEYS, resolveOptions } from "../estimate/options";
import { GLOCAL_FALLBACKS } from "./types";

/** The keys of optimize's `glocal` option: the estimate's, the target, the stride, the subsample and the fallback policy. */
export const GLOCAL_OPTION_KEYS = ["target", "stride", "valSubsample", "fallback", ...ESTIMATE_OPTION_KEYS] as const;

/** Rows the estimator holds for a window of `window` inner steps recorded every `stride`. */
export function recordedRows(window: number, stride: number): number {
  return Math.floor(window / stride);
}

/**
 * Checks glocal's options (already own-property copies, see checkOptions) for windows of
 * `window` inner steps (null: another strategy, whose windows are not glocal's); errors
 * name `glocal.<option>`. Options the driver sets itself (`horizon`) are rejected.
 */
export function checkGlocalOptions(glocal: Record<string, unknown>, window: number | null): void {
  if (glocal.target !== undefined && glocal.target !== "limit" && glocal.target !== "remaining") {
    throw new GlocalError(
      "E_OPTION",
      `glocal.target must be 'limit' or 'remaining', got ${describe(glocal.target)}`,
      "glocal.target",
    );
  }
  if (glocal.fallback !== undefined && !(GLOCAL_FALLBACKS as readonly unknown[]).includes(glocal.fallback)) {
    throw new GlocalError(
      "E_OPTION",
      `glocal.fallback must be one of ${GLOCAL_FALLBACKS.map((f) => `'${f}'`).join(", ")}, got ${describe(glocal.fallback)}`,
      "glocal.fallback",
    );
  }
  if (glocal.horizon !== undefined)
    throw new GlocalError(
      "E_OPTION",
      "glocal.horizon is set by the driver: use glocal.target 'remaining'",
      "glocal.horizon",
    );
  const stride = optInteger(glocal.stride, "glocal.stride", 1, 1);
  if (glocal.valSubsample !== undefined) optInteger(glocal.valSubsample, "glocal.valSubsample", 0, 1);
  const estimate = Object.create(null) as Record<string, unknown>;
  for (const key of ESTIMATE_OPTION_KEYS) if (glocal[key] !== undefined) estimate[key] = glocal[key];
  let delay: number | "auto", heldOut: number;
  try {
    ({ delay, heldOut } = resolveOptions(estimate, null, 1));
  } catch (e) {
    if (isGlocalError(e) && e.code === "E_OPTION") {
      const argument = `glocal.${e.argument ?? "options"}`;
      throw new GlocalError("E_OPTION", `glocal: ${e.message}`, argument);
    }
    throw e;
  }
  if (window === null) return;
  // A stride beyond the window is left alone: such a window (the last of a run, or a
  // whole tiny run) records no row and updates with h_m, as the driver always has.
  const rows = recordedRows(window, stride);
  if (typeof delay === "number" && glocal.delay !== undefined && delay + 1 > rows) {
    throw new GlocalError(
      "E_OPTION",
      `glocal.delay (${delay}) needs windows of at least ${delay + 1} recorded rows; window ${window} / stride ${stride} gives ${rows}`,
      "glocal.delay",
    );
  }
  if (glocal.heldOut !== undefined && heldOut > rows - 1) {
    throw new GlocalError(
      "E_OPTION",
      `glocal.heldOut (${heldOut}) must be below the ${rows} rows a window records (window ${window} / stride ${stride})`,
      "glocal.heldOut",
    );
  }
}

/**
 * The work budget of glocal's per-window estimate (src/estimate/budget.ts), checked before
 * training: a window beyond it would fail in every window and fall back to h_m. Errors
 * name `glocal.<option>` (or `window` when the window itself is too large).
 */
export function checkGlocalWork(glocal: Record<string, unknown>, window: number, q: number): void {
  const stride = typeof glocal.stride === "number" ? glocal.stride : 1;
  const rows = recordedRows(window, stride);
  if (rows < 2 || q < 1) return; // such windows fall back to h_m without estimating
  const estimate = Object.create(null) as Record<string, unknown>;
  for (const key of ESTIMATE_OPTION_KEYS) if (glocal[key] !== undefined) estimate[key] = glocal[key];
  let resolved;
  try {
    resolved = resolveOptions(estimate, rows, q);
  } catch {
    return; // a window too short for the options: each one falls back (checked above where it is certain)
  }
  try {
    checkWork(rows, q, resolved, glocal.delay !== undefined);
  } catch (e) {
    if (!isGlocalError(e)) throw e;
    const argument = e.argument === "trajectory" ? "window" : `glocal.${e.argument ?? "options"}`;
    throw new GlocalError(e.code, `glocal's estimate of each window: ${e.message}`, argument);
  }
}
