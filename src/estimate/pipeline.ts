/**
 * The glocal estimate (DESIGN §1.3): from a hypergradient trajectory h_1 … h_m (the tangent
 * zero at the window start), estimate the global hypergradient with Hankel DMD or one of its
 * relatives, and say whether to trust it.
 */
import { GlocalError, describe } from "../core/errors";
import { MatrixLike } from "../core/matrix";
import { checkOptions, optInteger, optNumber } from "../core/validate";
import { checkResult, maxAbs, scalbn } from "../linalg/scaling";
import { DmdFit, dmdInScope } from "./dmd";
import { hankelInScope } from "./hankel";
import { RankRule, checkRankRule, formatRankRule } from "./rank";
import { checkDelay, toTrajectory } from "./trajectory";
import { Scope, withScope } from "../core/scope";
import { affineEstimate } from "./methods/affine";
import { horizonEstimate, limitEstimate } from "./methods/dmdModes";
import { extrapolationEstimate } from "./methods/extrapolation";
import { DEFAULT_TRUST, Spectrum, TrustThresholds, dmdSpectrum, slowestTimeConstant, trustWarnings } from "./trust";
import { EstimateWarning, Method, MethodResult } from "./types";

export type { Method, EstimateWarning } from "./types";
export type { TrustThresholds } from "./trust";

export const METHODS: readonly Method[] = ["limit", "horizon", "affine", "rre", "mpe"];

/** A method name or "auto"; E_OPTION naming `argument` (an option or a CLI flag) otherwise. */
export function checkMethod(value: unknown, argument: string): Method | "auto" {
  if (value === "auto" || METHODS.includes(value as Method)) return value as Method | "auto";
  throw new GlocalError("E_OPTION", `${argument} must be one of ${METHODS.join(", ")}, auto; got ${describe(value)}`, argument);
}

/** The default method, chosen by the accuracy benchmark (bench/accuracy.ts; README). */
export const DEFAULT_METHOD: Method = "affine";

export interface EstimateOptions {
  /** Delay d of the Hankel embedding (≥ 1), or "auto". Default: defaultDelay(m, q). */
  delay?: number | "auto";
  /** Rank rule (tagged), or "full" | "svht" | "auto". Default full (numerical rank). */
  rank?: RankRule | "full" | "svht" | "auto";
  /** Estimator; "auto" picks by held-out prediction error. Default DEFAULT_METHOD. */
  method?: Method | "auto";
  /** Training length T in rows from the window start (method "horizon"; T > m). */
  horizon?: number;
  /** τ: eigenvalues with |λ − 1| ≤ τ count as the constant mode (limit). Default 0.01. */
  tolerance?: number;
  /** horizon: move eigenvalues with |λ| > 1 onto the unit circle ("clamp", default) or drop them ("drop", comparison only). */
  unstable?: "clamp" | "drop";
  /** Newest rows held out for the prediction test (0 disables it). Default ⌈m/5⌉. */
  heldOut?: number;
  /** Trust thresholds (see TrustThresholds). */
  trust?: Partial<TrustThresholds>;
}

export interface AutoCandidate {
  method: Method;
  delay: number;
  rank: string;
  /** Held-out relative prediction error (Infinity when the candidate failed). */
  error: number;
}

export interface EstimateDiagnostics {
  /** Modes summed into the estimate (limit: |λ−1| ≤ τ; horizon: all kept); [] for affine/rre/mpe. */
  keptModes: number[];
  /** Rank used (the DMD's; rre/mpe report their own truncation rank in `methodRank`). */
  rank: number;
  methodRank: number;
  rankRule: string;
  /** Singular values of X (all of them). */
  singularValues: Float64Array;
  /** Relative fit residual ‖Y − K X‖ / ‖Y‖ of the DMD. */
  residual: number;
  /** Relative error of the method's prediction of the held-out newest rows (null if not run). */
  heldOutError: number | null;
  heldOutRows: number;
  /** Time constant (rows) of the slowest mode of the estimate's model: the DMD's non-constant modes (limit, horizon), the affine map's, or rre/mpe's recurrence (null if none). */
  slowestTimeConstant: number | null;
  trusted: boolean;
  warnings: EstimateWarning[];
  /** h_m, the truncated hypergradient the driver falls back to. */
  truncated: Float64Array;
  /** The search `auto` ran, best first (present when anything was "auto"). */
  auto?: AutoCandidate[];
}

export interface GlobalEstimate {
  /** The estimate of the global hypergradient (q numbers). */
  estimate: Float64Array;
  method: Method;
  delay: number;
  /** Rank used by the DMD fit. */
  rank: number;
  /** What the estimate targets: the T → ∞ limit or h_T. */
  target: "limit" | "horizon";
  horizon: number | null;
  trusted: boolean;
  eigenvalues: { re: Float64Array; im: Float64Array };
  diagnostics: EstimateDiagnostics;
}

/** Default delay: enough blocks to see ~16 modes (qd ≥ 16) while N − 1 ≥ 3qd columns. */
export function defaultDelay(m: number, q: number): number {
  const want = Math.ceil(16 / q);
  const fit = Math.floor((m - 1) / (3 * q + 1));
  return Math.max(1, Math.min(want, fit, m - 1));
}

interface Resolved {
  delay: number | "auto";
  rank: RankRule;
  method: Method | "auto";
  horizon: number | null;
  tolerance: number;
  unstable: "clamp" | "drop";
  heldOut: number;
  trust: TrustThresholds;
}

function resolveOptions(options: unknown, m: number, q: number): Resolved {
  const o = checkOptions(options, ["delay", "rank", "method", "horizon", "tolerance", "unstable", "heldOut", "trust"]);
  let delay: number | "auto";
  if (o.delay === "auto") delay = "auto";
  else if (o.delay === undefined) delay = defaultDelay(m, q);
  else delay = checkDelay(o.delay, m);
  const rank = checkRankRule(o.rank);
  const method = o.method === undefined ? DEFAULT_METHOD : checkMethod(o.method, "method");
  let horizon: number | null = null;
  if (o.horizon !== undefined && o.horizon !== null) {
    if (typeof o.horizon !== "number" || !Number.isInteger(o.horizon) || o.horizon <= m) {
      throw new GlocalError("E_OPTION", `horizon must be an integer T > m = ${m} (the window), got ${describe(o.horizon)}`, "horizon");
    }
    horizon = o.horizon;
  }
  if (method === "horizon" && horizon === null) {
    throw new GlocalError("E_OPTION", "method 'horizon' needs the option horizon (the training length T > m)", "horizon");
  }
  const tolerance = optNumber(o.tolerance, "tolerance", 0.01, (v) => v > 0 && v < 1, "in (0, 1)");
  if (o.unstable !== undefined && o.unstable !== "clamp" && o.unstable !== "drop") {
    throw new GlocalError("E_OPTION", `unstable must be 'clamp' or 'drop', got ${describe(o.unstable)}`, "unstable");
  }
  const unstable = (o.unstable ?? "clamp") as "clamp" | "drop";
  const heldOut = optInteger(o.heldOut, "heldOut", Math.ceil(m / 5), 0, m - 1);
  const t = checkOptions(o.trust, ["heldOutError", "magnitude", "modeWeight"], "trust");
  const trust: TrustThresholds = {
    heldOutError: optNumber(t.heldOutError, "trust.heldOutError", DEFAULT_TRUST.heldOutError, (v) => v > 0),
    magnitude: optNumber(t.magnitude, "trust.magnitude", DEFAULT_TRUST.magnitude, (v) => v > 0),
    modeWeight: optNumber(t.modeWeight, "trust.modeWeight", DEFAULT_TRUST.modeWeight, (v) => v >= 0),
  };
  return { delay, rank, method, horizon, tolerance, unstable, heldOut, trust };
}

interface Config {
  method: Method;
  delay: number;
  rank: RankRule;
}

/**
 * Runs one method on the window traj[0 .. m) (already in WebAssembly memory, scaled). The
 * DMD fit is computed where the method needs it, or for the diagnostics (`withFit`).
 */
function runMethod(s: Scope, traj: number, m: number, q: number, cfg: Config, r: Resolved, horizon: number | null, withFit: boolean): { result: MethodResult; fit: DmdFit | null; keptModes: number[] } {
  const d = cfg.delay;
  const n = q * d, N = m - d + 1;
  if (N < 2) throw new GlocalError("E_TOO_SHORT", `trajectory has m = ${m} rows, too short for delay ${d}`, "trajectory");
  const H = hankelInScope(s, traj, m, q, d);
  const dmdMethod = cfg.method === "limit" || cfg.method === "horizon";
  const fit = withFit || dmdMethod ? dmdInScope(s, H, N, H + 8, N, n, N - 1, cfg.rank) : null;
  let keptModes: number[] = [];
  let result: MethodResult;
  switch (cfg.method) {
    case "limit": {
      const l = limitEstimate(s, fit as DmdFit, q, r.tolerance);
      keptModes = l.keptModes;
      result = l;
      break;
    }
    case "horizon": {
      const h = horizonEstimate(s, fit as DmdFit, q, (horizon as number) - m, r.unstable);
      keptModes = h.keptModes;
      result = h;
      break;
    }
    case "affine":
      result = affineEstimate(s, H, n, N, q, cfg.rank);
      break;
    case "rre":
    case "mpe":
      if (N < 3) throw new GlocalError("E_TOO_SHORT", `${cfg.method} needs at least 3 embedded snapshots (m >= delay + 2)`, "trajectory");
      result = extrapolationEstimate(s, H, n, N, q, cfg.method);
      break;
  }
  return { result, fit, keptModes };
}

/** Relative error of predicting rows [m', m) from a fit on [0, m'). */
function heldOutError(s: Scope, traj: number, m: number, q: number, p: number, cfg: Config, r: Resolved): number {
  const mTrain = m - p;
  const horizon = r.horizon !== null ? Math.max(r.horizon - p, mTrain + 1) : null;
  const { result } = runMethod(s, traj, mTrain, q, cfg, r, horizon, false);
  const pred = result.predict(p);
  const actual = s.f64(traj, m * q);
  let num = 0, den = 0;
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

const AUTO_DELAYS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
/** Cap on q·d for auto's candidates (cost grows like (qd)³). */
const AUTO_MAX_DIM = 256;

/** Every candidate configuration scored by held-out error, best first. */
function autoSearch(s: Scope, traj: number, m: number, q: number, r: Resolved): Array<{ cfg: Config; error: number }> {
  const p = Math.max(1, r.heldOut);
  const mTrain = m - p;
  const delays = r.delay === "auto" ? AUTO_DELAYS.filter((d) => d === 1 || (2 * d + 2 <= mTrain && q * d <= AUTO_MAX_DIM)) : [r.delay];
  const ranks: RankRule[] = r.rank.kind === "auto" ? [{ kind: "full" }, { kind: "svht" }] : [r.rank];
  const methods: Method[] = r.method === "auto" ? [r.horizon !== null ? "horizon" : "limit", "affine", "rre", "mpe"] : [r.method];
  const out: Array<{ cfg: Config; error: number }> = [];
  for (const delay of delays) {
    for (const method of methods) {
      // rre/mpe truncate with their own cutoff: the rank rule does not change them.
      const rankList = method === "rre" || method === "mpe" ? [ranks[0]] : ranks;
      for (const rank of rankList) {
        const cfg = { method, delay, rank };
        let error = Infinity;
        try {
          // Its own scope: the candidates' workspace is released as the search goes.
          error = withScope((cs) => heldOutError(cs, traj, m, q, p, cfg, r));
        } catch {
          error = Infinity;
        }
        out.push({ cfg, error });
      }
    }
  }
  // Stable sort: among equal errors the earlier (smaller delay, simpler) candidate wins.
  return out.sort((a, b) => a.error - b.error);
}

function describeCandidate(c: { cfg: Config; error: number }): AutoCandidate {
  const { method, delay, rank } = c.cfg;
  return { method, delay, rank: method === "rre" || method === "mpe" ? "cutoff 1e-6" : formatRankRule(rank), error: c.error };
}

/** The estimate for a trajectory already in WebAssembly memory (m × q at `traj`). */
export function estimateInScope(s: Scope, trajIn: number, m: number, q: number, options: unknown): GlobalEstimate {
  const r = resolveOptions(options, m, q);
  const raw = s.f64(trajIn, m * q);
  const truncated = raw.slice((m - 1) * q, m * q);
  const largest = maxAbs(raw);
  const target = r.method === "horizon" ? "horizon" : "limit";
  if (largest === 0) {
    const d = checkDelay(r.delay === "auto" ? 1 : r.delay, m);
    const zero = new Float64Array(q);
    return {
      estimate: zero, method: r.method === "auto" ? DEFAULT_METHOD : r.method, delay: d, rank: 0, target, horizon: r.horizon, trusted: true,
      eigenvalues: { re: new Float64Array(0), im: new Float64Array(0) },
      diagnostics: {
        keptModes: [], rank: 0, methodRank: 0, rankRule: formatRankRule(r.rank), singularValues: new Float64Array(Math.min(q * d, m - d)),
        residual: 0, heldOutError: null, heldOutRows: 0, slowestTimeConstant: null, trusted: true,
        warnings: [{ code: "ZERO_TRAJECTORY", message: "every hypergradient in the window is zero: the estimate is zero", fatal: false }],
        truncated,
      },
    };
  }
  // Scale by 2^-e (exact) so the arithmetic sits near 1 whatever the units. scalbn, not a
  // division by 2^e: 2^e overflowed for entries near 1.8e308 (property tests). Norms for
  // the trust test are taken in these units too (their squares overflowed from 1e155).
  const e = Math.round(Math.log2(largest));
  const traj = s.alloc(m * q);
  let maxRowNorm = 0;
  {
    const t = s.f64(traj, m * q), src = s.f64(trajIn, m * q);
    for (let i = 0; i < m * q; i++) t[i] = scalbn(src[i], -e);
    for (let row = 0; row < m; row++) {
      let rn = 0;
      for (let c = 0; c < q; c++) rn += t[row * q + c] ** 2;
      maxRowNorm = Math.max(maxRowNorm, Math.sqrt(rn));
    }
  }

  let cfg: Config;
  let auto: AutoCandidate[] | undefined;
  let searchedHeldOut: number | null = null; // the held-out error auto measured for cfg
  if (r.method === "auto" || r.delay === "auto" || r.rank.kind === "auto") {
    if (m - Math.max(1, r.heldOut) < 3) {
      throw new GlocalError("E_TOO_SHORT", `auto needs a window of at least ${Math.max(1, r.heldOut) + 3} rows (held-out rows + 3), got m = ${m}`, "trajectory");
    }
    const ranked = autoSearch(s, traj, m, q, r);
    auto = ranked.map(describeCandidate);
    const best = ranked[0];
    if (best && Number.isFinite(best.error) && r.heldOut > 0) searchedHeldOut = best.error;
    cfg = best && Number.isFinite(best.error)
      ? best.cfg
      : {
          method: r.method === "auto" ? DEFAULT_METHOD : r.method,
          delay: r.delay === "auto" ? defaultDelay(m, q) : r.delay,
          rank: r.rank.kind === "auto" ? { kind: "full" } : r.rank,
        };
  } else {
    cfg = { method: r.method, delay: r.delay as number, rank: r.rank };
  }
  checkDelay(cfg.delay, m);
  if ((cfg.method === "rre" || cfg.method === "mpe") && m < cfg.delay + 2) {
    throw new GlocalError("E_TOO_SHORT", `method ${cfg.method} needs m >= delay + 2 = ${cfg.delay + 2} rows, got ${m}`, "trajectory");
  }

  const run = runMethod(s, traj, m, q, cfg, r, r.horizon, true);
  const { result, keptModes } = run;
  const fit = run.fit as DmdFit; // withFit: always computed
  const warnings: EstimateWarning[] = [...result.warnings];

  // Held-out test: refit on the window without its newest rows and predict them.
  let held: number | null = null;
  const p = r.heldOut;
  if (p > 0) {
    const need = cfg.method === "rre" || cfg.method === "mpe" ? cfg.delay + 2 : cfg.delay + 1;
    if (searchedHeldOut !== null) {
      held = searchedHeldOut; // the search ran this very test (same rows, same configuration)
    } else if (m - p >= need) {
      try {
        held = heldOutError(s, traj, m, q, p, cfg, r);
      } catch (e) {
        held = Infinity;
      }
    } else {
      // A model nothing could check is not trusted (heldOut: 0 opts out of the test instead).
      warnings.push({ code: "NO_HELD_OUT_TEST", message: `the window is too short to hold out ${p} rows with delay ${cfg.delay}: the estimate cannot be checked`, fatal: true });
    }
  }

  // Per-mode weights ‖Φᵢ bᵢ‖ and ‖g_N‖ for the unstable-mode test.
  const weights = new Float64Array(fit.rank);
  if (fit.rank > 0) {
    const pr = s.f64(fit.phiRe, fit.n * fit.rank), pi = s.f64(fit.phiIm, fit.n * fit.rank);
    for (let i = 0; i < fit.rank; i++) {
      let acc = 0;
      for (let row = 0; row < fit.n; row++) acc += pr[row * fit.rank + i] ** 2 + pi[row * fit.rank + i] ** 2;
      weights[i] = Math.sqrt(acc) * Math.hypot(fit.bRe[i], fit.bIm[i]);
    }
  }
  // g_N holds the newest d rows of the (scaled) window.
  const gNorm = s.k.nrm2(cfg.delay * q, traj + (m - cfg.delay) * q * 8);

  let estNorm = 0;
  for (const v of result.estimate) estNorm += v * v;
  estNorm = Math.sqrt(estNorm);
  // Stability and time constants of the model the estimate comes from.
  const spectrum: Spectrum = result.modelEigenvalues
    ? { re: result.modelEigenvalues.re, im: result.modelEigenvalues.im, weights: null, constantNearOne: false }
    : dmdSpectrum(fit, weights);
  warnings.push(
    ...trustWarnings({
      spectrum, gNorm, tolerance: r.tolerance, windowRows: m, heldOutError: held,
      estimateNorm: estNorm, maxRowNorm, thresholds: r.trust,
    }),
  );
  if (fit.amplitudeRank < fit.rank) {
    warnings.push({ code: "DEFECTIVE_MODES", message: `the eigenvector basis is (nearly) defective: amplitudes solved with rank ${fit.amplitudeRank} of ${fit.rank}`, fatal: false });
  }
  if (fit.rank === 1 && Math.abs(fit.eigRe[0] - 1) <= r.tolerance && fit.eigIm[0] === 0) {
    warnings.push({ code: "CONSTANT_TRAJECTORY", message: "the window is (numerically) constant: the estimate is that constant", fatal: false });
  }
  for (const v of result.estimate) {
    if (!Number.isFinite(v)) throw new GlocalError("E_INTERNAL", "the estimate is not finite; this is a bug in glocal");
  }
  // Finite in the scaled units but beyond float64 in the caller's (an absurd extrapolation
  // of a window near 1e300): E_TOO_LARGE, never Infinity.
  const estimate = checkResult(result.estimate.map((v) => scalbn(v, e)), "the estimate");
  const trusted = !warnings.some((w) => w.fatal);
  return {
    estimate,
    method: cfg.method,
    delay: cfg.delay,
    rank: fit.rank,
    target: cfg.method === "horizon" ? "horizon" : "limit",
    horizon: r.horizon,
    trusted,
    eigenvalues: { re: fit.eigRe.slice(), im: fit.eigIm.slice() },
    diagnostics: {
      keptModes,
      rank: fit.rank,
      methodRank: result.rank,
      rankRule: formatRankRule(cfg.rank),
      singularValues: checkResult(fit.singularValues.map((v) => scalbn(v, e)), "the singular values (diagnostics)"),
      residual: fit.residual,
      heldOutError: held,
      heldOutRows: held === null ? 0 : p,
      slowestTimeConstant: slowestTimeConstant(spectrum, r.tolerance),
      trusted,
      warnings,
      truncated,
      ...(auto ? { auto } : {}),
    },
  };
}

/**
 * Estimates the global hypergradient from a trajectory h_1 … h_m (m rows of q numbers; row i
 * is the hypergradient after i steps from the window start, where the tangent is zero).
 */
export function estimateGlobal(trajectory: MatrixLike, options?: EstimateOptions): GlobalEstimate {
  const t = toTrajectory(trajectory);
  return withScope((s) => estimateInScope(s, s.put(t.data), t.rows, t.cols, options));
}
