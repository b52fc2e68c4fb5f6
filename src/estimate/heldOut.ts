/**
 * The held-out test: refit on the window without its newest p rows and measure how well
 * the method predicts them (relative error). `auto` ranks configurations by it and the
 * trust test reads it.
 */
import type { Scope } from "../core/scope";
import { runMethod } from "./methods/index";
import type { Config, Resolved } from "./options";

/** Relative error of predicting rows [m − p, m) from a fit on [0, m − p). */
export function heldOutError(
  s: Scope,
  traj: number,
  m: number,
  q: number,
  p: number,
  cfg: Config,
  r: Resolved,
): number {
  const mTrain = m - p;
  const horizon = r.horizon !== null ? Math.max(r.horizon - p, mTrain + 1) : null;
  const { result } = runMethod(s, traj, mTrain, q, cfg, r, horizon, false);
  const pred = result.predict(p);
  const actual = s.f64(traj, m * q);
  let num = 0,
    den = 0;
  for (let t = 0; t < p; t++) {
    for (let c = 0; c < q; c++) {
      const a = actual[(mTrain + t) * q + c];
      num += (pred[t][c] - a) ** 2;
      den += a * a;
    }
  }
  if (!Number.isFinite(num)) return Infinity;
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}
