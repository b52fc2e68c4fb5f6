/**
 * Random search's box in φ space: per coordinate an interval, φ₀ ± radius by default, or
 * the natural-unit range the user gave for lr, wd (log) or momentum (logit). A uniform
 * draw in φ is then log-uniform in lr and wd and logit-uniform in momentum.
 */
import { GlocalError, describe } from "../../core/errors";
import { checkOptions, optNumber } from "../../core/validate";
import type { RandomSearchOptions } from "../types";

/** Default half-width: a factor of 10 either way (ln 10). */
export const DEFAULT_RADIUS = Math.log(10);

/** Lower and upper bound of each φ coordinate. */
export interface SearchBox {
  lo: Float64Array;
  hi: Float64Array;
}

const RANGE_KEYS = ["lr", "wd", "momentum"] as const;
type RangeKey = (typeof RANGE_KEYS)[number];
/** The φ name behind each range key, and its map from natural units to φ. */
const PHI_OF: Record<RangeKey, { name: string; toPhi: (v: number) => number; valid: (v: number) => boolean }> = {
  lr: { name: "log_lr", toPhi: Math.log, valid: (v) => v > 0 },
  wd: { name: "log_wd", toPhi: Math.log, valid: (v) => v > 0 },
  momentum: { name: "logit_momentum", toPhi: (v) => Math.log(v) - Math.log1p(-v), valid: (v) => v > 0 && v < 1 },
};

/** Validates the `random` option (E_OPTION naming the entry at fault). */
export function checkRandomOptions(value: unknown): RandomSearchOptions {
  const o = checkOptions(value, ["radius", "ranges"], "random");
  const radius = optNumber(o.radius, "random.radius", DEFAULT_RADIUS, (v) => v > 0, "> 0");
  const ranges = checkOptions(o.ranges, RANGE_KEYS, "random.ranges");
  const out: NonNullable<RandomSearchOptions["ranges"]> = {};
  for (const key of RANGE_KEYS) {
    const r = ranges[key];
    if (r === undefined) continue;
    const name = `random.ranges.${key}`;
    const pair = r as unknown[];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !pair.every((v) => typeof v === "number" && Number.isFinite(v) && PHI_OF[key].valid(v)) ||
      !((pair[0] as number) < (pair[1] as number))
    ) {
      const what = key === "momentum" ? "in (0, 1)" : "> 0";
      throw new GlocalError(
        "E_OPTION",
        `${name} must be [low, high] with low < high, both ${what}, got ${describe(r)}`,
        name,
      );
    }
    out[key] = [pair[0] as number, pair[1] as number];
  }
  return { radius, ranges: out };
}

/** The box for φ₀ with these names (a range for a hyperparameter not optimised is ignored). */
export function searchBox(names: readonly string[], phi0: ArrayLike<number>, o: RandomSearchOptions): SearchBox {
  const radius = o.radius ?? DEFAULT_RADIUS;
  const lo = new Float64Array(names.length),
    hi = new Float64Array(names.length);
  names.forEach((name, i) => {
    const key = RANGE_KEYS.find((k) => PHI_OF[k].name === name);
    const range = key ? o.ranges?.[key] : undefined;
    if (key && range) {
      lo[i] = PHI_OF[key].toPhi(range[0]);
      hi[i] = PHI_OF[key].toPhi(range[1]);
    } else {
      lo[i] = phi0[i] - radius;
      hi[i] = phi0[i] + radius;
    }
  });
  return { lo, hi };
}

/** One uniform draw from the box. */
export function drawPhi(box: SearchBox, u: () => number): Float64Array {
  const phi = new Float64Array(box.lo.length);
  for (let i = 0; i < phi.length; i++) phi[i] = box.lo[i] + (box.hi[i] - box.lo[i]) * u();
  return phi;
}
