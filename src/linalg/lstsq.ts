/**
 * Linear least squares min ‖A X − B‖ (minimum-norm X when A is rank deficient).
 * Full column rank, detected by QR with column pivoting, is solved by that QR; a rank
 * deficient or wide A goes through the SVD with the pseudo-inverse cutoff rcond·σ₁.
 */
import { GlocalError } from "../core/errors";
import { Matrix, MatrixLike, toMatrix, toVector, VectorLike } from "../core/matrix";
import { Scope, withScope } from "../core/scope";
import { checkOptions, optNumber } from "../core/validate";
import { svdInPlace } from "./svd";
import { checkResult, maxAbs, rescaleInPlace, scaleExponent } from "./scaling";

const EPS = 2.220446049250313e-16;

export interface LstsqResult<T> {
  /** The solution: a vector when B was a vector, else n × nrhs. */
  x: T;
  /** Numerical rank of A used for the solution. */
  rank: number;
  /** The factorisation that produced it. */
  method: "qr" | "svd";
}

/**
 * Minimum-norm least-squares solution on matrices already in WebAssembly memory
 * (pa: m × n, pb: m × nrhs; both are overwritten). Returns the pointer to X (n × nrhs).
 */
/** A least-squares solver on pointers: pa (m × n) and pb (m × nrhs) are overwritten; x is n × nrhs. */
type LstsqKernel = (
  s: Scope,
  m: number,
  n: number,
  nrhs: number,
  pa: number,
  pb: number,
  rcond: number,
) => { x: number; rank: number; method: "qr" | "svd" };

export const lstsqInPlace: LstsqKernel = (s, m, n, nrhs, pa, pb, rcond) => {
  // Least squares is scale invariant: A/2^ea, B/2^eb give X·2^(ea−eb), exactly. Scaling
  // here keeps subnormal and huge inputs exact for every caller (x was Infinity for
  // A = b = [5e-324, 5e-324], and DMD amplitudes overflowed for subnormal snapshots).
  const ea = scaleExponent(maxAbs(s.f64(pa, m * n))),
    eb = scaleExponent(maxAbs(s.f64(pb, m * nrhs)));
  rescaleInPlace(s.f64(pa, m * n), -ea);
  rescaleInPlace(s.f64(pb, m * nrhs), -eb);
  const r = lstsqScaled(s, m, n, nrhs, pa, pb, rcond);
  if (eb !== ea) rescaleInPlace(s.f64(r.x, n * nrhs), eb - ea);
  return r;
};

const lstsqScaled: LstsqKernel = (s, m, n, nrhs, pa, pb, rcond) => {
  if (m >= n) {
    // Keep a copy of A for the SVD fallback: the pivoted QR overwrites it.
    const acopy = s.alloc(m * n);
    s.f64(acopy, m * n).set(s.f64(pa, m * n));
    const tau = s.alloc(n),
      jpvt = s.allocI32(n);
    s.k.qrPivoted(m, n, pa, n, tau, jpvt);
    const f = s.f64(pa, m * n);
    const r00 = Math.abs(f[0]);
    let rank = 0;
    while (rank < n && Math.abs(f[rank * n + rank]) > rcond * r00) rank++;
    if (rank === n) {
      s.k.qrApplyQtUnblocked(m, n, pa, n, tau, pb, nrhs, nrhs);
      s.k.trsmUpper(n, nrhs, pa, n, pb, nrhs);
      const x = s.alloc(n * nrhs);
      const xv = s.f64(x, n * nrhs),
        bv = s.f64(pb, n * nrhs),
        p = s.i32(jpvt, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < nrhs; j++) xv[p[i] * nrhs + j] = bv[i * nrhs + j];
      return { x, rank, method: "qr" };
    }
    return svdSolve(s, m, n, nrhs, acopy, pb, rcond);
  }
  return svdSolve(s, m, n, nrhs, pa, pb, rcond);
};

/** Minimum-norm least squares by truncated SVD: singular values ≤ rcond·σ₁ are dropped. pa, pb are overwritten. */
export const svdSolve: LstsqKernel = (s, m, n, nrhs, pa, pb, rcond) => {
  const r = svdInPlace(s, m, n, pa, n, true);
  const k = r.k;
  const sv = s.f64(r.S, k);
  let rank = 0;
  while (rank < k && sv[rank] > rcond * sv[0]) rank++;
  // X = V_r diag(1/σ) U_rᵀ B
  const t = s.alloc(k * nrhs);
  s.k.gemm(1, 0, k, nrhs, m, 1, r.U, k, pb, nrhs, 0, t, nrhs);
  const tv = s.f64(t, k * nrhs),
    svv = s.f64(r.S, k);
  for (let i = 0; i < k; i++) {
    const inv = i < rank ? 1 / svv[i] : 0;
    for (let j = 0; j < nrhs; j++) tv[i * nrhs + j] *= inv;
  }
  const x = s.alloc(n * nrhs);
  s.k.gemm(0, 0, n, nrhs, k, 1, r.V, k, t, nrhs, 0, x, nrhs);
  return { x, rank, method: "svd" };
};

export function lstsq(A: MatrixLike, B: VectorLike, options?: { rcond?: number }): LstsqResult<Float64Array>;
export function lstsq(A: MatrixLike, B: MatrixLike, options?: { rcond?: number }): LstsqResult<Matrix>;
export function lstsq(
  A: MatrixLike,
  B: MatrixLike | VectorLike,
  options?: { rcond?: number },
): LstsqResult<Float64Array | Matrix> {
  const o = checkOptions(options, ["rcond"]);
  const a = toMatrix(A, "A");
  const { rows: m, cols: n } = a;
  const rcond = optNumber(o.rcond, "rcond", EPS * Math.max(m, n), (v) => v >= 0 && v < 1, "in [0, 1)");
  const isVector = isVectorInput(B);
  const b = isVector ? { rows: (B as ArrayLike<number>).length, cols: 1, data: toVector(B, "B") } : toMatrix(B, "B");
  if (b.rows !== m)
    throw new GlocalError("E_SHAPE", `B must have ${m} rows to match A (${m} × ${n}), got ${b.rows}`, "B");
  return withScope((s) => {
    const r = lstsqInPlace(s, m, n, b.cols, s.put(a.data), s.put(b.data), rcond);
    const data = checkResult(s.read(r.x, n * b.cols), "the solution x (lstsq)");
    return { x: isVector ? data : { rows: n, cols: b.cols, data }, rank: r.rank, method: r.method };
  });
}

function isVectorInput(B: unknown): boolean {
  if (ArrayBuffer.isView(B)) return true;
  return (
    Array.isArray(B) &&
    (B.length === 0 || typeof B[0] === "number" || B[0] === null || B[0] === undefined || typeof B[0] === "string")
  );
}
