/**
 * The held-out refit: the method fitted on the window without its newest p rows. It serves
 * twice. Its predictions of the p rows give the held-out error (`auto` ranks configurations
 * by it) and the forecast skill (that error against the error of holding the last row the
 * refit saw, the naive forecast); its own estimate, from the shorter window, gives the
 * nested-window change that the trust test compares with the estimate's correction to h_m.
 */
import type { Scope } from "../core/scope";
import { runMethod } from "./methods/index";
import type { Config, Resolved } from "./options";

/** What the refit on rows [0, m − p) says about rows [m − p, m). */
export interface HeldOutFit {
  /** ‖prediction − actual‖ / ‖actual‖ over the p rows (Infinity when not finite). */
  error: number;
  /** The same numerator against holding row m − p (the refit's newest) for the p rows: √(mean squared row error) of each. */
  modelRms: number;
  naiveRms: number;
  /** The refit's estimate (scaled units), for the nested-window comparison. */
  estimate: Float64Array;
}

/** The refit on [0, m − p) and its forecast of [m − p, m). */
export function heldOutFit(
  s: Scope,
  traj: number,
  m: number,
  q: number,
  p: number,
  cfg: Config,
  r: Resolved,
): HeldOutFit {
  const mTrain = m - p;
  // The refit targets the same h_T (T counts from the window start); its predictions do not depend on T.
  const { result } = runMethod(s, traj, mTrain, q, cfg, r, r.horizon, false);
  const pred = result.predict(p);
  const actual = s.f64(traj, m * q);
  let num = 0,
    den = 0,
    naive = 0;
  for (let t = 0; t < p; t++) {
    for (let c = 0; c < q; c++) {
      const a = actual[(mTrain + t) * q + c];
      num += (pred[t][c] - a) ** 2;
      den += a * a;
      naive += (actual[(mTrain - 1) * q + c] - a) ** 2;
    }
  }
  const finite = Number.isFinite(num);
  return {
    error: !finite ? Infinity : den > 0 ? Math.sqrt(num / den) : Math.sqrt(num),
    modelRms: finite ? Math.sqrt(num / p) : Infinity,
    naiveRms: Math.sqrt(naive / p),
    estimate: result.estimate,
  };
}
