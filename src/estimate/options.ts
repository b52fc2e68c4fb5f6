/**
 * The estimate's options: the one list of their names (shared by estimateGlobal,
 * GlocalEstimator and optimize's `glocal` option), their defaults and their validation.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optInteger, optNumber } from "../core/validate";
import { RankRule, checkRankRule } from "./rank";
import { checkDelay } from "./trajectory";
import { DEFAULT_TRUST } from "./trust";
import type { Method, TrustThresholds } from "./types";

/** Every option of an estimate, in one place. */
export const ESTIMATE_OPTION_KEYS = [
  "delay",
  "rank",
  "method",
  "horizon",
  "tolerance",
  "unstable",
  "heldOut",
  "trust",
  "dmdDiagnostics",
] as const;
const TRUST_KEYS = [
  "heldOutError",
  "magnitude",
  "modeWeight",
  "forecastRatio",
  "nestedChange",
  "correction",
  "floor",
] as const;

/** The methods, frozen: a name pushed by a caller must not become a method. */
export const METHODS: readonly Method[] = Object.freeze(["limit", "horizon", "affine", "rre", "mpe"] as Method[]);

/** A method name or "auto"; E_OPTION naming `argument` (an option or a CLI flag) otherwise. */
export function checkMethod(value: unknown, argument: string): Method | "auto" {
  if (value === "auto" || METHODS.includes(value as Method)) return value as Method | "auto";
  throw new GlocalError(
    "E_OPTION",
    `${argument} must be one of ${METHODS.join(", ")}, auto; got ${describe(value)}`,
    argument,
  );
}

/**
 * The default method, chosen by the accuracy benchmark (bench/accuracy/report.ts: chooseDefault;
 * docs/estimator.md, "Accuracy and the default").
 */
export const DEFAULT_METHOD: Method = "mpe";

/** The embedding dimension qd the default delay aims at (chosen on the accuracy benchmark; docs/estimator.md). */
export const DEFAULT_DELAY_DIM = 32;

/**
 * Default delay: enough blocks to see ~`dim` modes (qd ≥ dim) while N − 1 ≥ 3qd columns.
 * `dim` is for the benchmark, which compares delay rules; the default is DEFAULT_DELAY_DIM.
 */
export function defaultDelay(m: number, q: number, dim: number = DEFAULT_DELAY_DIM): number {
  optInteger(m, "m", 0, 1);
  optInteger(q, "q", 0, 1);
  optInteger(dim, "dim", 0, 1);
  const want = Math.ceil(dim / q);
  const fit = Math.floor((m - 1) / (3 * q + 1));
  return Math.max(1, Math.min(want, fit, m - 1));
}

export interface Resolved {
  delay: number | "auto";
  rank: RankRule;
  method: Method | "auto";
  horizon: number | null;
  tolerance: number;
  unstable: "clamp" | "drop";
  heldOut: number;
  trust: TrustThresholds;
  /** Fit the DMD for its diagnostics also when the method does not need it. */
  dmdDiagnostics: boolean;
}

/**
 * The options resolved against a window of m rows of q numbers. With m = null (a window
 * not yet recorded: GlocalEstimator's construction, optimize's `glocal`) every check that
 * does not depend on m runs, so a bad option fails before any work.
 */
export function resolveOptions(options: unknown, m: number | null, q: number): Resolved {
  const o = checkOptions(options, ESTIMATE_OPTION_KEYS);
  let delay: number | "auto";
  if (o.delay === "auto") delay = "auto";
  else if (o.delay === undefined) delay = m === null ? 1 : defaultDelay(m, q);
  else delay = checkDelay(o.delay, m ?? Infinity);
  const rank = checkRankRule(o.rank);
  const method = o.method === undefined ? DEFAULT_METHOD : checkMethod(o.method, "method");
  let horizon: number | null = null;
  if (o.horizon !== undefined && o.horizon !== null) {
    if (typeof o.horizon !== "number" || !Number.isInteger(o.horizon) || o.horizon <= (m ?? 1)) {
      throw new GlocalError(
        "E_OPTION",
        `horizon must be an integer T > m = ${m ?? "the rows of the window"} (the window), got ${describe(o.horizon)}`,
        "horizon",
      );
    }
    horizon = o.horizon;
  }
  if (method === "horizon" && horizon === null) {
    throw new GlocalError(
      "E_OPTION",
      "method 'horizon' needs the option horizon (the training length T > m)",
      "horizon",
    );
  }
  const tolerance = optNumber(o.tolerance, "tolerance", 0.01, (v) => v > 0 && v < 1, "in (0, 1)");
  if (o.unstable !== undefined && o.unstable !== "clamp" && o.unstable !== "drop") {
    throw new GlocalError("E_OPTION", `unstable must be 'clamp' or 'drop', got ${describe(o.unstable)}`, "unstable");
  }
  const unstable = (o.unstable ?? "clamp") as "clamp" | "drop";
  const heldOut =
    m === null ? optInteger(o.heldOut, "heldOut", 0, 0) : optInteger(o.heldOut, "heldOut", Math.ceil(m / 5), 0, m - 1);
  const t = checkOptions(o.trust, TRUST_KEYS, "trust");
  const trust: TrustThresholds = {
    heldOutError: optNumber(t.heldOutError, "trust.heldOutError", DEFAULT_TRUST.heldOutError, (v) => v > 0),
    magnitude: optNumber(t.magnitude, "trust.magnitude", DEFAULT_TRUST.magnitude, (v) => v > 0),
    modeWeight: optNumber(t.modeWeight, "trust.modeWeight", DEFAULT_TRUST.modeWeight, (v) => v >= 0),
    forecastRatio: optNumber(t.forecastRatio, "trust.forecastRatio", DEFAULT_TRUST.forecastRatio, (v) => v > 0),
    nestedChange: optNumber(t.nestedChange, "trust.nestedChange", DEFAULT_TRUST.nestedChange, (v) => v > 0),
    correction: optNumber(t.correction, "trust.correction", DEFAULT_TRUST.correction, (v) => v > 0),
    floor: optNumber(t.floor, "trust.floor", DEFAULT_TRUST.floor, (v) => v >= 0 && v < 1, "in [0, 1)"),
  };
  if (o.dmdDiagnostics !== undefined && typeof o.dmdDiagnostics !== "boolean") {
    throw new GlocalError(
      "E_OPTION",
      `dmdDiagnostics must be a boolean, got ${describe(o.dmdDiagnostics)}`,
      "dmdDiagnostics",
    );
  }
  const dmdDiagnostics = o.dmdDiagnostics !== false;
  return { delay, rank, method, horizon, tolerance, unstable, heldOut, trust, dmdDiagnostics };
}

/** One configuration of the estimate: what `auto` searches over. */
export interface Config {
  method: Method;
  delay: number;
  rank: RankRule;
}
