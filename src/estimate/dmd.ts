/**
 * Least-squares (exact) dynamic mode decomposition.
 *
 *   X ≈ U_r Σ_r V_rᵀ,  K̃ = U_rᵀ Y V_r Σ_r⁻¹ (r × r),  K̃ W = W Λ,
 *   exact modes Φ = Y V_r Σ_r⁻¹ W,  amplitudes b = argmin ‖Φ b − g_N‖.
 *
 * Never X⁺ then Y X⁺ (that loses three digits on ill-conditioned Hankel matrices). With
 * B = Y V_r Σ_r⁻¹ we have Φ = B W, so the amplitude problem splits into the real least
 * squares B y = g_N and the r × r complex system W b = y.
 */
import { GlocalError, describe } from "../core/errors";
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { checkOptions } from "../core/validate";
import { eigInPlace } from "../linalg/eig";
import { lstsqInPlace } from "../linalg/lstsq";
import { complexSolve } from "../linalg/complexSolve";
import { projectSnapshots } from "./projection";
import { RankRule, checkRankRule } from "./rank";
import { Scope, withScope } from "../core/scope";
import { checkResult, maxAbs, rescaleInPlace, scaleExponent, scaledCopy } from "../linalg/scaling";

const EPS = 2.220446049250313e-16;

/** A DMD fit whose large pieces stay in WebAssembly memory (valid within its Scope). */
export interface DmdFit {
  /** State dimension (rows of X) and number of snapshot pairs (columns). */
  n: number;
  cols: number;
  rank: number;
  singularValues: Float64Array;
  eigRe: Float64Array;
  eigIm: Float64Array;
  /** Pointers to the n × rank exact modes (row-major, leading dim rank). */
  phiRe: number;
  phiIm: number;
  bRe: Float64Array;
  bIm: Float64Array;
  /** ‖Y − K X‖ / ‖Y‖ with K = Y V_r Σ_r⁻¹ U_rᵀ. */
  residual: number;
  /** Rank of W used for the amplitudes (< rank flags a defective eigenvector basis). */
  amplitudeRank: number;
}

/** Copies an n × c block (leading dim ld) into fresh contiguous memory. */
export function compact(s: Scope, P: number, n: number, c: number, ld: number): number {
  const out = s.alloc(n * c);
  const src = s.f64(P, (n - 1) * ld + c),
    dst = s.f64(out, n * c);
  for (let i = 0; i < n; i++) dst.set(src.subarray(i * ld, i * ld + c), i * c);
  return out;
}

/**
 * DMD of X, Y (n × c each, leading dims ldx, ldy, in WebAssembly memory) with a
 * resolved (non-auto) rank rule.
 */
export function dmdInScope(
  s: Scope,
  X: number,
  ldx: number,
  Y: number,
  ldy: number,
  n: number,
  c: number,
  rule: RankRule,
): DmdFit {
  const Yc = compact(s, Y, n, c, ldy);
  const yNorm = s.k.nrm2(n * c, Yc);
  const proj = projectSnapshots(s, n, c, X, ldx, Yc, c, n, rule);
  const { singularValues, rank: r, k } = proj;
  if (r === 0) {
    const none = new Float64Array(0);
    return {
      n,
      cols: c,
      rank: 0,
      singularValues,
      eigRe: none,
      eigIm: none,
      phiRe: 0,
      phiIm: 0,
      bRe: none,
      bIm: none,
      residual: yNorm > 0 ? 1 : 0,
      amplitudeRank: 0,
    };
  }
  // Residual Y − (Y V_r) V_rᵀ
  s.k.gemm(0, 1, n, c, r, -1, proj.YV, r, proj.V, k, 1, Yc, c);
  const residual = yNorm > 0 ? s.k.nrm2(n * c, Yc) / yNorm : 0;
  // K̃ = U_rᵀ B
  const Bp = proj.B;
  const Kt = s.alloc(r * r);
  s.k.gemm(1, 0, r, r, n, 1, proj.U, k, Bp, r, 0, Kt, r);
  const e = eigInPlace(s, r, Kt, r, true);
  const eigRe = s.read(e.wr, r),
    eigIm = s.read(e.wi, r);
  const phiRe = s.alloc(n * r),
    phiIm = s.alloc(n * r);
  s.k.gemm(0, 0, n, r, r, 1, Bp, r, e.VR, r, 0, phiRe, r);
  s.k.gemm(0, 0, n, r, r, 1, Bp, r, e.VI, r, 0, phiIm, r);
  // Amplitudes: B y = g_N (newest observable = last column of Y), then W b = y. The least
  // squares overwrites B, which nothing reads after this.
  const g = s.alloc(n);
  {
    const yv = s.f64(Y, (n - 1) * ldy + c),
      gv = s.f64(g, n);
    for (let i = 0; i < n; i++) gv[i] = yv[i * ldy + c - 1];
  }
  const ls = lstsqInPlace(s, n, r, 1, Bp, g, EPS * Math.max(n, r));
  const y = s.read(ls.x, r);
  const b = complexSolve(s, r, e.VR, e.VI, y, new Float64Array(r));
  return {
    n,
    cols: c,
    rank: r,
    singularValues,
    eigRe,
    eigIm,
    phiRe,
    phiIm,
    bRe: b.re,
    bIm: b.im,
    residual,
    amplitudeRank: Math.min(ls.rank, b.rank),
  };
}

/** λᵏ for complex λ (polar form; exact 1 for k = 0). */
export function complexPower(re: number, im: number, k: number): [number, number] {
  if (k === 0) return [1, 0];
  // Real λ: the polar form's sin(0) · |λ|ᵏ was 0 · Infinity = NaN for large k.
  if (im === 0) return [Math.pow(re, k), 0];
  const mod = Math.hypot(re, im);
  if (mod === 0) return [0, 0];
  const arg = Math.atan2(im, re);
  const mk = Math.pow(mod, k);
  return [mk * Math.cos(k * arg), mk * Math.sin(k * arg)];
}

/**
 * Re Σᵢ Φᵢ[rows from..to) wᵢ bᵢ for complex weights w (one per mode); the weights select
 * and propagate modes (1 for kept modes, λᵏ for a k-step prediction, 0 to drop).
 */
export function modeSum(
  s: Scope,
  fit: DmdFit,
  from: number,
  to: number,
  weights: (i: number) => [number, number],
): Float64Array {
  const out = new Float64Array(to - from);
  const r = fit.rank;
  if (r === 0) return out;
  const pr = s.f64(fit.phiRe, fit.n * r),
    pi = s.f64(fit.phiIm, fit.n * r);
  for (let i = 0; i < r; i++) {
    const [wr, wi] = weights(i);
    if (wr === 0 && wi === 0) continue;
    // c = w b
    const cr = wr * fit.bRe[i] - wi * fit.bIm[i];
    const ci = wr * fit.bIm[i] + wi * fit.bRe[i];
    for (let row = from; row < to; row++) {
      out[row - from] += pr[row * r + i] * cr - pi[row * r + i] * ci;
    }
  }
  return out;
}

/** Rows [from, to) of the newest q-block of a qd-vector of the fit. */
export function newestBlock(fit: DmdFit, q: number): [number, number] {
  return [fit.n - q, fit.n];
}

/** Predictions of the rows after the window: newest block of Φ λʲ b, j = 1 … steps. */
export function dmdPredictor(s: Scope, fit: DmdFit, q: number): (steps: number) => Float64Array[] {
  // Read the newest block of the modes once: the scope may be gone when predict runs.
  const [from, to] = newestBlock(fit, q);
  const r = fit.rank;
  const pr = new Float64Array(q * r),
    pi = new Float64Array(q * r);
  if (r > 0) {
    const PR = s.f64(fit.phiRe, fit.n * r),
      PI = s.f64(fit.phiIm, fit.n * r);
    pr.set(PR.subarray(from * r, to * r));
    pi.set(PI.subarray(from * r, to * r));
  }
  return (steps: number) => {
    const out: Float64Array[] = [];
    for (let j = 1; j <= steps; j++) {
      const h = new Float64Array(q);
      for (let i = 0; i < r; i++) {
        const [lr, li] = complexPower(fit.eigRe[i], fit.eigIm[i], j);
        const cr = lr * fit.bRe[i] - li * fit.bIm[i],
          ci = lr * fit.bIm[i] + li * fit.bRe[i];
        for (let row = 0; row < q; row++) h[row] += pr[row * r + i] * cr - pi[row * r + i] * ci;
      }
      out.push(h);
    }
    return out;
  };
}

/** The result of `dmd`: eigenvalues, exact modes, amplitudes, singular values, rank, residual, and a predictor. */
export interface DmdResult {
  /** Eigenvalues of K̃ (descending modulus, then real part; complex pairs adjacent, +im first). */
  eigenvalues: { re: Float64Array; im: Float64Array };
  /** Exact modes Φ (n × rank), complex. */
  modes: { re: Matrix; im: Matrix };
  /** Amplitudes b fitted to the newest snapshot (last column of Y). */
  amplitudes: { re: Float64Array; im: Float64Array };
  /** All singular values of X. */
  singularValues: Float64Array;
  /** Rank used. */
  rank: number;
  /** ‖Y − K X‖ / ‖Y‖ */
  residual: number;
  /** Re Σ Φᵢ λᵢᵏ bᵢ: the model's snapshot k steps after the newest one (k = 0 reproduces it). */
  predict(k: number): Float64Array;
}

/** DMD of snapshot pairs X → Y (n × c each). */
export function dmd(X: MatrixLike, Y: MatrixLike, options?: { rank?: RankRule | "full" | "svht" }): DmdResult {
  const o = checkOptions(options, ["rank"]);
  const x = toMatrix(X, "X"),
    y = toMatrix(Y, "Y");
  if (x.rows !== y.rows || x.cols !== y.cols) {
    throw new GlocalError(
      "E_SHAPE",
      `X and Y must have the same shape, got ${x.rows} × ${x.cols} and ${y.rows} × ${y.cols}`,
      "Y",
    );
  }
  const rule = checkRankRule(o.rank);
  if (rule.kind === "auto")
    throw new GlocalError("E_OPTION", "rank 'auto' is chosen with a method: use estimateGlobal", "rank");
  const n = x.rows,
    c = x.cols;
  // Fit on X/2^ex and Y/2^ey (exact) and scale back: λ and Φ by 2^(ey−ex), b and σ by
  // 2^ex. The raw fit gave NaN amplitudes near 1e308 and an empty fit for subnormal
  // snapshots; one common scale flushed X to zero beside a Y 1e450 times larger, where
  // the eigenvalue itself is beyond float64 (property tests).
  const ex = scaleExponent(maxAbs(x.data)),
    ey = scaleExponent(maxAbs(y.data));
  const fit = withScope((s) => {
    const f = dmdInScope(s, s.put(scaledCopy(x.data, ex)), c, s.put(scaledCopy(y.data, ey)), c, n, c, rule);
    const r = f.rank;
    return { ...f, modesRe: s.read(f.phiRe, n * r), modesIm: s.read(f.phiIm, n * r) };
  });
  const r = fit.rank;
  const ratio = ey - ex;
  // Every array of the fit is already a fresh copy out of WebAssembly memory: scaled in place.
  const eigRe = checkResult(rescaleInPlace(fit.eigRe, ratio), "the eigenvalues (dmd)");
  const eigIm = checkResult(rescaleInPlace(fit.eigIm, ratio), "the eigenvalues (dmd)");
  const modesRe = checkResult(rescaleInPlace(fit.modesRe, ratio), "the modes (dmd)");
  const modesIm = checkResult(rescaleInPlace(fit.modesIm, ratio), "the modes (dmd)");
  const bRe = checkResult(rescaleInPlace(fit.bRe, ex), "the amplitudes (dmd)");
  const bIm = checkResult(rescaleInPlace(fit.bIm, ex), "the amplitudes (dmd)");
  const singularValues = checkResult(rescaleInPlace(fit.singularValues, ex), "the singular values (dmd)");
  return {
    eigenvalues: { re: eigRe, im: eigIm },
    modes: { re: { rows: n, cols: r, data: modesRe }, im: { rows: n, cols: r, data: modesIm } },
    amplitudes: { re: bRe, im: bIm },
    singularValues,
    rank: r,
    residual: fit.residual,
    predict(k: number): Float64Array {
      if (typeof k !== "number" || !Number.isInteger(k) || k < 0)
        throw new GlocalError("E_OPTION", `predict(k) needs an integer k >= 0, got ${describe(k)}`, "k");
      const out = new Float64Array(n);
      for (let i = 0; i < r; i++) {
        const [pr, pi] = complexPower(eigRe[i], eigIm[i], k);
        const cr = pr * bRe[i] - pi * bIm[i],
          ci = pr * bIm[i] + pi * bRe[i];
        for (let row = 0; row < n; row++) out[row] += modesRe[row * r + i] * cr - modesIm[row * r + i] * ci;
      }
      // A growing mode (|λ| > 1) raised to a large k leaves the float64 range: E_TOO_LARGE.
      return checkResult(out, `predict(${k})`);
    },
  };
}
