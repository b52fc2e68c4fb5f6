/**
 * Scale-safe arithmetic for checking identities of results whose entries may be 1e±300:
 * everything is compared after dividing by exact powers of two.
 */
import type { Matrix } from "../../../src/index";
import { maxAbs, scalbn } from "../../../src/linalg/scaling";

export const EPS = 2.220446049250313e-16;
/** Results below this are underflow noise (a few subnormal units per term). */
export const TINY = 2 ** -1000;

// Exact power-of-two helpers shared with the library.
export { maxAbs, scalbn };

/** The exponent e with max/2^e near 1 (0 for max = 0). */
export function expOf(max: number): number {
  return max > 0 && Number.isFinite(max) ? Math.floor(Math.log2(max)) : 0;
}

export function scaled(d: ArrayLike<number>, e: number): Float64Array {
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = scalbn(d[i], -e);
  return out;
}

/** ‖x‖₂ computed without overflow or underflow. */
export function norm2(d: ArrayLike<number>): number {
  const m = maxAbs(d);
  if (m === 0) return 0;
  const e = expOf(m);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += scalbn(d[i], -e) ** 2;
  return scalbn(Math.sqrt(s), e);
}

/** A B for row-major data (m × k)(k × n), plain float64. */
export function mul(a: ArrayLike<number>, m: number, k: number, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += v * b[p * n + j];
    }
  return out;
}

export function transpose(m: Matrix): Matrix {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  return { rows: m.cols, cols: m.rows, data: out };
}

/** ‖QᵀQ − I‖_max for the columns of Q. */
export function orthogonalityError(Q: Matrix): number {
  const G = mul(transpose(Q).data, Q.cols, Q.rows, Q.data, Q.cols);
  let worst = 0;
  for (let i = 0; i < Q.cols; i++)
    for (let j = 0; j < Q.cols; j++) worst = Math.max(worst, Math.abs(G[i * Q.cols + j] - (i === j ? 1 : 0)));
  return worst;
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** log₂ of the largest over the smallest non-zero magnitude (0 when all are zero). */
export function magnitudeSpan(d: ArrayLike<number>): number {
  let big = 0,
    small = Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v > big) big = v;
    if (v > 0 && v < small) small = v;
  }
  return big > 0 ? Math.log2(big) - Math.log2(small) : 0;
}
