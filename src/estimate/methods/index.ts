/**
 * Runs one method on a window already in WebAssembly memory (scaled): builds its Hankel
 * matrix, fits the DMD where the method needs it (limit, horizon) or the caller wants its
 * diagnostics, and dispatches to the method's file.
 */
import { GlocalError } from "../../core/errors";
import type { Scope } from "../../core/scope";
import { DmdFit, dmdInScope } from "../dmd";
import { hankelInScope } from "../hankel";
import type { Config, Resolved } from "../options";
import type { MethodResult } from "../types";
import { affineEstimate } from "./affine";
import { extrapolationEstimate } from "./extrapolation";
import { horizonEstimate } from "./horizon";
import { limitEstimate } from "./limit";

export interface MethodRun {
  result: MethodResult;
  /** The DMD fit (null when neither the method nor `withFit` asked for it). */
  fit: DmdFit | null;
  /** Modes summed into the estimate (limit, horizon); [] otherwise. */
  keptModes: number[];
}

/** The method of `cfg` on rows traj[0 .. m) (m × q at `traj`). */
export function runMethod(
  s: Scope,
  traj: number,
  m: number,
  q: number,
  cfg: Config,
  r: Resolved,
  horizon: number | null,
  withFit: boolean,
): MethodRun {
  const d = cfg.delay;
  const n = q * d,
    N = m - d + 1;
  if (N < 2)
    throw new GlocalError("E_TOO_SHORT", `trajectory has m = ${m} rows, too short for delay ${d}`, "trajectory");
  const H = hankelInScope(s, traj, m, q, d);
  const dmdMethod = cfg.method === "limit" || cfg.method === "horizon";
  const fit = withFit || dmdMethod ? dmdInScope(s, H, N, H + 8, N, n, N - 1, cfg.rank) : null;
  switch (cfg.method) {
    case "limit": {
      const l = limitEstimate(s, fit as DmdFit, q, r.tolerance);
      return { result: l, fit, keptModes: l.keptModes };
    }
    case "horizon": {
      const h = horizonEstimate(s, fit as DmdFit, q, (horizon as number) - m, r.unstable);
      return { result: h, fit, keptModes: h.keptModes };
    }
    case "affine":
      return { result: affineEstimate(s, H, n, N, q, cfg.rank), fit, keptModes: [] };
    case "rre":
    case "mpe":
      if (N < 3)
        throw new GlocalError(
          "E_TOO_SHORT",
          `${cfg.method} needs at least 3 embedded snapshots (m >= delay + 2)`,
          "trajectory",
        );
      return { result: extrapolationEstimate(s, H, n, N, q, cfg.method), fit, keptModes: [] };
  }
}
