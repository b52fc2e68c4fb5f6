/**
 * Exact power-of-two scaling and the overflow contract of the linear algebra.
 *
 * Scale-invariant operations (QR, least squares, SVD, eig, DMD, the estimate) move their
 * input's largest entry near 1 by a power of two -- exact, so results are unchanged for
 * ordinary inputs -- and scale the results back. Inputs anywhere in the float64 range
 * (subnormals such as 5e-324 up to 1.8e308) are accepted.
 *
 * A result that does not fit in float64 (a product of 1e300 entries, singular values of a
 * matrix of 1e308 entries) raises E_TOO_LARGE naming the result: no call returns
 * Infinity or NaN for finite inputs.
 */
import { GlocalError } from "../core/errors";

/** The largest |x_i| (0 for an empty array). */
export function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]);
    if (v > m) m = v;
  }
  return m;
}

/** x · 2^e, exact unless the result under- or overflows (2^e itself may not be representable). */
export function scalbn(x: number, e: number): number {
  if (!Number.isFinite(e)) return x * 2 ** e; // no endless loop on a non-finite exponent
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/**
 * The exponent e that brings `max` (> 0) near 1 when divided by 2^e, or 0 when `max` is
 * already within [2^-64, 2^64] (or zero) and no scaling is needed.
 */
export function scaleExponent(max: number): number {
  if (!(max > 0) || (max >= 2 ** -64 && max <= 2 ** 64)) return 0;
  return Math.round(Math.log2(max));
}

/** data · 2^-e as a new array (data itself when e = 0). */
export function scaledCopy(data: Float64Array, e: number): Float64Array {
  if (e === 0) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = scalbn(data[i], -e);
  return out;
}

/** Multiplies `data` by 2^e in place. */
export function rescaleInPlace(data: Float64Array, e: number): Float64Array {
  if (e !== 0) for (let i = 0; i < data.length; i++) data[i] = scalbn(data[i], e);
  return data;
}

/** E_TOO_LARGE unless every entry of a result is finite (its inputs were). */
export function checkResult<T extends ArrayLike<number>>(data: T, what: string): T {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new GlocalError(
        "E_TOO_LARGE",
        `${what}: a result beyond the float64 range (|value| > 1.8e308) for finite inputs; rescale the inputs`,
        "result",
      );
    }
  }
  return data;
}
