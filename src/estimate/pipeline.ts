/**
 * estimateGlobal as named stages: from a hypergradient trajectory h_1 … h_m (the tangent
 * zero at the window start) estimate the global hypergradient, and say whether to trust it.
 *
 *   scale    → the window times an exact power of two, so the arithmetic sits near 1
 *   choose   → the configuration (method, delay, rank), searched by `auto` where asked
 *   fit      → the method on the whole window (and the DMD, where needed or asked for)
 *   test     → the held-out refit (forecast of the newest rows, and the nested-window estimate)
 *   diagnose → the trust warnings, then the result in the caller's units
 */
import { GlocalError } from "../core/errors";
import { MatrixLike } from "../core/matrix";
import { Scope, withScope } from "../core/scope";
import { checkResult, maxAbs, scalbn } from "../linalg/scaling";
import { hasOwnProperty } from "../core/validate";
import { autoSearch, describeCandidate } from "./auto";
import { checkWork } from "./budget";
import type { DmdFit } from "./dmd";
import { HeldOutEvidence, heldOutEvidence } from "./evidence";
import { HeldOutFit, heldOutFit } from "./heldOut";
import { runMethod, type MethodRun } from "./methods/index";
import { Config, DEFAULT_METHOD, Resolved, defaultDelay, resolveOptions } from "./options";
import { formatRankRule } from "./rank";
import { checkDelay, toTrajectory } from "./trajectory";
import { eigenvalueRounding } from "./methods/horizon";
import { Spectrum, dmdSpectrum, horizonBand, slowestTimeConstant, trustWarnings } from "./trust";
import type { AutoCandidate, EstimateOptions, EstimateWarning, GlobalEstimate } from "./types";

/** The window in WebAssembly memory divided by 2^e, with what the trust test needs of it. */
interface ScaledWindow {
  traj: number;
  e: number;
  /** Largest row norm, in the scaled units (the squares of the caller's overflowed from 1e155). */
  maxRowNorm: number;
}

/** Stage 1: scale by 2^-e (exact). scalbn, not a division by 2^e: 2^e overflowed for entries near 1.8e308. */
function scaleWindow(s: Scope, trajIn: number, m: number, q: number, largest: number): ScaledWindow {
  const e = Math.round(Math.log2(largest));
  const traj = s.alloc(m * q);
  let maxRowNorm = 0;
  const t = s.f64(traj, m * q),
    src = s.f64(trajIn, m * q);
  for (let i = 0; i < m * q; i++) t[i] = scalbn(src[i], -e);
  for (let row = 0; row < m; row++) {
    let rn = 0;
    for (let c = 0; c < q; c++) rn += t[row * q + c] ** 2;
    maxRowNorm = Math.max(maxRowNorm, Math.sqrt(rn));
  }
  return { traj, e, maxRowNorm };
}

/** An all-zero window: the estimate is zero, trusted. */
function zeroEstimate(r: Resolved, m: number, q: number, truncated: Float64Array): GlobalEstimate {
  const d = checkDelay(r.delay === "auto" ? 1 : r.delay, m);
  return {
    estimate: new Float64Array(q),
    method: r.method === "auto" ? DEFAULT_METHOD : r.method,
    delay: d,
    rank: 0,
    target: r.method === "horizon" ? "horizon" : "limit",
    horizon: r.horizon,
    trusted: true,
    eigenvalues: { re: new Float64Array(0), im: new Float64Array(0) },
    diagnostics: {
      keptModes: [],
      rank: 0,
      methodRank: 0,
      rankRule: formatRankRule(r.rank),
      singularValues: new Float64Array(Math.min(q * d, m - d)),
      residual: 0,
      heldOutError: null,
      heldOutRows: 0,
      forecastRatio: null,
      correctionRatio: null,
      nestedChange: null,
      slowestTimeConstant: null,
      trusted: true,
      untrustedBecause: [],
      warnings: [
        {
          code: "ZERO_TRAJECTORY",
          message: "every hypergradient in the window is zero: the estimate is zero",
          fatal: false,
        },
      ],
      truncated,
    },
  };
}

interface Choice {
  cfg: Config;
  auto?: AutoCandidate[];
  /** The held-out refit `auto` already made of cfg (same rows, same configuration), if any. */
  searched?: HeldOutFit;
}

/** Stage 2: the configuration, searched by held-out error where anything is "auto". */
function chooseConfig(s: Scope, w: ScaledWindow, m: number, q: number, r: Resolved): Choice {
  let choice: Choice;
  if (r.method === "auto" || r.delay === "auto" || r.rank.kind === "auto") {
    if (m - Math.max(1, r.heldOut) < 3) {
      throw new GlocalError(
        "E_TOO_SHORT",
        `auto needs a window of at least ${Math.max(1, r.heldOut) + 3} rows (held-out rows + 3), got m = ${m}`,
        "trajectory",
      );
    }
    const ranked = autoSearch(s, w.traj, m, q, r);
    const best = ranked[0];
    const found = best !== undefined && Number.isFinite(best.error);
    choice = {
      cfg: found
        ? best.cfg
        : {
            method: r.method === "auto" ? DEFAULT_METHOD : r.method,
            delay: r.delay === "auto" ? defaultDelay(m, q) : r.delay,
            rank: r.rank.kind === "auto" ? { kind: "full" } : r.rank,
          },
      auto: ranked.map(describeCandidate),
      ...(found && best.fit && r.heldOut > 0 ? { searched: best.fit } : {}),
    };
  } else {
    choice = { cfg: { method: r.method, delay: r.delay as number, rank: r.rank } };
  }
  const { cfg } = choice;
  checkDelay(cfg.delay, m);
  if ((cfg.method === "rre" || cfg.method === "mpe") && m < cfg.delay + 2) {
    throw new GlocalError(
      "E_TOO_SHORT",
      `method ${cfg.method} needs m >= delay + 2 = ${cfg.delay + 2} rows, got ${m}`,
      "trajectory",
    );
  }
  return choice;
}

/**
 * Stage 4: the held-out refit (null when disabled; a window too short for it is not trusted).
 * A configuration `auto` chose brings the refit its search made.
 */
function heldOutTest(
  s: Scope,
  w: ScaledWindow,
  m: number,
  q: number,
  cfg: Config,
  r: Resolved,
  warnings: EstimateWarning[],
): HeldOutFit | null {
  const p = r.heldOut;
  if (p === 0) return null;
  const need = cfg.method === "rre" || cfg.method === "mpe" ? cfg.delay + 2 : cfg.delay + 1;
  if (m - p >= need) {
    try {
      return heldOutFit(s, w.traj, m, q, p, cfg, r);
    } catch {
      return { error: Infinity, modelRms: Infinity, naiveRms: 0, estimate: new Float64Array(q).fill(NaN) };
    }
  }
  // A model nothing could check is not trusted (heldOut: 0 opts out of the test instead).
  warnings.push({
    code: "NO_HELD_OUT_TEST",
    message: `the window is too short to hold out ${p} rows with delay ${cfg.delay}: the estimate cannot be checked`,
    fatal: true,
  });
  return null;
}

/** The refit's evidence on the estimate `est` (scaled units): forecast ratio and nested-window change. */
function evidence(
  s: Scope,
  w: ScaledWindow,
  m: number,
  q: number,
  est: Float64Array,
  fit: HeldOutFit,
  r: Resolved,
): HeldOutEvidence {
  const hm = s.f64(w.traj + (m - 1) * q * 8, q),
    before = s.f64(w.traj + (m - 1 - r.heldOut) * q * 8, q);
  let change = 0,
    correction = 0,
    movement = 0,
    hmNorm = 0;
  for (let c = 0; c < q; c++) {
    change += (est[c] - fit.estimate[c]) ** 2;
    correction += (est[c] - hm[c]) ** 2;
    movement += (hm[c] - before[c]) ** 2;
    hmNorm += hm[c] ** 2;
  }
  return heldOutEvidence({
    error: fit.error,
    modelRms: fit.modelRms,
    naiveRms: fit.naiveRms,
    // NaN (a refit that failed) compares false: the test fails, as it should.
    change: Number.isNaN(change) ? Infinity : Math.sqrt(change),
    correction: Math.sqrt(correction),
    movement: Math.sqrt(movement),
    scale: Math.sqrt(hmNorm),
    floor: r.trust.floor,
    correctionLimit: r.trust.correction,
  });
}

/** Per-mode weights ‖Φᵢ bᵢ‖ of a DMD fit, for the unstable-mode test. */
function modeWeights(s: Scope, fit: DmdFit): Float64Array {
  const weights = new Float64Array(fit.rank);
  if (fit.rank === 0) return weights;
  const pr = s.f64(fit.phiRe, fit.n * fit.rank),
    pi = s.f64(fit.phiIm, fit.n * fit.rank);
  for (let i = 0; i < fit.rank; i++) {
    let acc = 0;
    for (let row = 0; row < fit.n; row++) acc += pr[row * fit.rank + i] ** 2 + pi[row * fit.rank + i] ** 2;
    weights[i] = Math.sqrt(acc) * Math.hypot(fit.bRe[i], fit.bIm[i]);
  }
  return weights;
}

/** Stage 5: the trust warnings on the estimate's own model, and the fit's own remarks. */
function diagnose(
  s: Scope,
  w: ScaledWindow,
  m: number,
  q: number,
  cfg: Config,
  r: Resolved,
  run: MethodRun,
  held: HeldOutEvidence | null,
  warnings: EstimateWarning[],
): Spectrum | null {
  const { result, fit } = run;
  // g_N holds the newest d rows of the (scaled) window.
  const gNorm = s.k.nrm2(cfg.delay * q, w.traj + (m - cfg.delay) * q * 8);
  let estNorm = 0;
  for (const v of result.estimate) estNorm += v * v;
  estNorm = Math.sqrt(estNorm);
  // Stability and time constants of the model the estimate comes from.
  const spectrum: Spectrum | null = result.modelEigenvalues
    ? {
        re: result.modelEigenvalues.re,
        im: result.modelEigenvalues.im,
        weights: null,
        constantNearOne: false,
        horizon: null,
      }
    : fit
      ? dmdSpectrum(fit, modeWeights(s, fit))
      : null;
  if (spectrum && fit && cfg.method === "horizon") {
    spectrum.horizon = { band: horizonBand((r.horizon as number) - m, r.tolerance, eigenvalueRounding(fit.n)) };
  }
  if (spectrum) {
    warnings.push(
      ...trustWarnings({
        spectrum,
        gNorm,
        tolerance: r.tolerance,
        windowRows: m,
        heldOut: held,
        estimateNorm: estNorm,
        maxRowNorm: w.maxRowNorm,
        thresholds: r.trust,
      }),
    );
  }
  if (fit && fit.amplitudeRank < fit.rank) {
    warnings.push({
      code: "DEFECTIVE_MODES",
      message: `the eigenvector basis is (nearly) defective: amplitudes solved with rank ${fit.amplitudeRank} of ${fit.rank}`,
      fatal: false,
    });
  }
  if (fit && fit.rank === 1 && Math.abs(fit.eigRe[0] - 1) <= r.tolerance && fit.eigIm[0] === 0) {
    warnings.push({
      code: "CONSTANT_TRAJECTORY",
      message: "the window is (numerically) constant: the estimate is that constant",
      fatal: false,
    });
  }
  for (const v of result.estimate) {
    if (!Number.isFinite(v)) throw new GlocalError("E_INTERNAL", "the estimate is not finite; this is a bug in glocal");
  }
  return spectrum;
}

/**
 * The DMD's singular values in the caller's units. Those of a window near 1.8e308 can lie
 * beyond float64 (σ₁ ≥ the largest row norm): they are reported as Infinity with the
 * warning DIAGNOSTIC_OVERFLOW, rather than failing an estimate that is itself finite.
 */
function diagnosticSingularValues(sv: Float64Array, e: number, warnings: EstimateWarning[]): Float64Array {
  const out = sv.map((v) => scalbn(v, e));
  if (out.some((v) => !Number.isFinite(v))) {
    warnings.push({
      code: "DIAGNOSTIC_OVERFLOW",
      message: "some singular values (diagnostics) lie beyond the float64 range: reported as Infinity",
      fatal: false,
    });
  }
  return out;
}

/** The estimate for a trajectory already in WebAssembly memory (m × q at `trajIn`). */
export function estimateInScope(s: Scope, trajIn: number, m: number, q: number, options: unknown): GlobalEstimate {
  const r = resolveOptions(options, m, q);
  checkWork(m, q, r, hasOwnProperty(options, "delay"));
  const raw = s.f64(trajIn, m * q);
  const truncated = raw.slice((m - 1) * q, m * q);
  const largest = maxAbs(raw);
  if (largest === 0) return zeroEstimate(r, m, q, truncated);
  const w = scaleWindow(s, trajIn, m, q, largest);
  const choice = chooseConfig(s, w, m, q, r);
  const cfg = choice.cfg;
  const run = runMethod(s, w.traj, m, q, cfg, r, r.horizon, r.dmdDiagnostics);
  const warnings: EstimateWarning[] = [...run.result.warnings];
  const refit = choice.searched ?? heldOutTest(s, w, m, q, cfg, r, warnings);
  const held = refit ? evidence(s, w, m, q, run.result.estimate, refit, r) : null;
  const spectrum = diagnose(s, w, m, q, cfg, r, run, held, warnings);
  const { result, keptModes, fit } = run;
  // Finite in the scaled units but beyond float64 in the caller's (an absurd extrapolation
  // of a window near 1e300): E_TOO_LARGE, never Infinity.
  const estimate = checkResult(
    result.estimate.map((v) => scalbn(v, w.e)),
    "the estimate",
  );
  const trusted = !warnings.some((x) => x.fatal);
  const rank = fit ? fit.rank : result.rank;
  return {
    estimate,
    method: cfg.method,
    delay: cfg.delay,
    rank,
    target: cfg.method === "horizon" ? "horizon" : "limit",
    horizon: r.horizon,
    trusted,
    eigenvalues: fit
      ? { re: fit.eigRe.slice(), im: fit.eigIm.slice() }
      : { re: new Float64Array(0), im: new Float64Array(0) },
    diagnostics: {
      keptModes,
      rank,
      methodRank: result.rank,
      rankRule: formatRankRule(cfg.rank),
      singularValues: fit ? diagnosticSingularValues(fit.singularValues, w.e, warnings) : new Float64Array(0),
      residual: fit ? fit.residual : null,
      heldOutError: held ? held.error : null,
      heldOutRows: held === null ? 0 : r.heldOut,
      forecastRatio: held ? held.forecastRatio : null,
      nestedChange: held ? held.nestedChange : null,
      correctionRatio: held ? held.correctionRatio : null,
      slowestTimeConstant: spectrum ? slowestTimeConstant(spectrum, r.tolerance) : null,
      trusted,
      untrustedBecause: warnings.filter((x) => x.fatal).map((x) => x.code),
      warnings,
      truncated,
      ...(choice.auto ? { auto: choice.auto } : {}),
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
