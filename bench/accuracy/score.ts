/**
 * Scoring of one window and the arithmetic of the summaries: each estimator's relative error
 * against h_T, the trust flag, and the trust confusion cell against the contract "a trusted
 * estimate is never materially worse than h_m": error ≤ max(2 err(h_m), 1e-2).
 */
import { defaultDelay, estimateGlobal } from "../../src/index";
import type { EstimateOptions, Method } from "../../src/index";

/** The methods scored, each at every delay rule. */
export const METHODS: Method[] = ["limit", "horizon", "affine", "rre", "mpe"];
/** Delay rules compared: d = ⌈D/q⌉ (capped so that N − 1 ≥ 3qd), the library's rule at D = DEFAULT_DELAY_DIM. */
export const DELAY_DIMS = [4, 8, 16, 32];

/** One estimator on one window. */
export interface EstimateScore {
  /** "limit D=16", "auto". */
  label: string;
  method: Method | "auto";
  /** D of the delay rule (null for auto). */
  dim: number | null;
  delay: number;
  err: number;
  trusted: boolean;
  /** Codes of the fatal warnings (why not trusted). */
  codes: string[];
  /** The held-out refit's forecastRatio, nestedChange and correctionRatio (null: no refit). */
  ratios: [number, number, number] | null;
}

/** Every estimator on one window h_1 … h_m of one case. */
export interface WindowScore {
  /** Index into the case list. */
  case: number;
  m: number;
  /** Relative error of h_m. */
  errM: number;
  estimates: EstimateScore[];
}

/** Trust confusion: trusted/untrusted × accurate (within the contract)/worse. */
export type Cell = "TA" | "TW" | "UA" | "UW";

/** The contract's bound on a trusted estimate's error. */
export function contractBound(errM: number): number {
  return Math.max(2 * errM, 1e-2);
}

/** The confusion cell of one estimate (NaN errors count as worse). */
export function confusionCell(trusted: boolean, err: number, errM: number): Cell {
  const worse = !(err <= contractBound(errM)); // NaN counts as worse
  return trusted ? (worse ? "TW" : "TA") : worse ? "UW" : "UA";
}

/** ‖a − b‖ / ‖b‖. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0,
    d = 0;
  for (let i = 0; i < b.length; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / d);
}

/** The median, NaN ignored (NaN when nothing is left). */
export function median(v: number[]): number {
  const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Every method at every delay rule (each distinct delay fitted once), and auto. */
export function scoreWindow(
  caseIndex: number,
  rows: Float64Array[],
  m: number,
  truth: Float64Array,
  T: number,
  withAuto: boolean,
): WindowScore {
  const window = rows.slice(0, m);
  const q = truth.length;
  const errM = relErr(window[m - 1], truth);
  const estimates: EstimateScore[] = [];
  const run = (label: string, method: Method | "auto", dim: number | null, options: EstimateOptions) => {
    const r = estimateGlobal(window, { ...options, method, horizon: T });
    const d = r.diagnostics;
    estimates.push({
      label,
      method,
      dim,
      delay: r.delay,
      err: relErr(r.estimate, truth),
      trusted: r.trusted,
      codes: r.diagnostics.untrustedBecause,
      ratios:
        d.forecastRatio === null ? null : [d.forecastRatio, d.nestedChange as number, d.correctionRatio as number],
    });
  };
  for (const method of METHODS) {
    const byDelay = new Map<number, EstimateScore>();
    for (const dim of DELAY_DIMS) {
      const delay = defaultDelay(m, q, dim);
      const seen = byDelay.get(delay);
      if (seen) estimates.push({ ...seen, label: `${method} D=${dim}`, dim });
      else {
        run(`${method} D=${dim}`, method, dim, { delay });
        byDelay.set(delay, estimates[estimates.length - 1]);
      }
    }
  }
  if (withAuto) run("auto", "auto", null, { delay: "auto", rank: "auto" });
  return { case: caseIndex, m, errM, estimates };
}

/** Counts of the four cells, and of untrusted estimates that were strictly better than h_m. */
export interface Confusion {
  n: number;
  TA: number;
  TW: number;
  UA: number;
  UW: number;
  /** Untrusted although more accurate than h_m (the gain the test gives away). */
  untrustedBetter: number;
}

/** The confusion counts of a set of estimates. */
export function confusion(pairs: Array<{ e: EstimateScore; errM: number }>): Confusion {
  const c: Confusion = { n: 0, TA: 0, TW: 0, UA: 0, UW: 0, untrustedBetter: 0 };
  for (const { e, errM } of pairs) {
    c.n++;
    c[confusionCell(e.trusted, e.err, errM)]++;
    if (!e.trusted && e.err < errM) c.untrustedBetter++;
  }
  return c;
}

/** The three tests on the held-out refit, and the codes they raise. */
export const REFIT_CODES = ["POOR_FORECAST", "NESTED_DISAGREEMENT", "IMPLAUSIBLE_CORRECTION"];

/**
 * Whether an estimate would be trusted under other refit thresholds (Infinity: that test off),
 * the other checks unchanged: a candidate trust test, measured on the same windows.
 */
export function trustedUnder(e: EstimateScore, limits: [number, number, number]): boolean {
  if (e.codes.some((c) => !REFIT_CODES.includes(c))) return false;
  if (e.ratios === null) return true;
  return e.ratios.every((v, i) => v <= limits[i]);
}

/** The error the driver gets: the estimate where trusted, h_m where not. */
export function withFallback(e: EstimateScore, errM: number): number {
  return e.trusted ? e.err : errM;
}
