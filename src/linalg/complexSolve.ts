/**
 * Complex square systems W b = y through their real 2n × 2n form
 * [[Wr, −Wi], [Wi, Wr]] [br; bi] = [yr; yi], solved by the rank-revealing least squares
 * (minimum-norm if W is singular, e.g. a defective eigenvector basis).
 */
import { Scope } from "../core/scope";
import { lstsqInPlace } from "./lstsq";

const EPS = 2.220446049250313e-16;

/** Wr, Wi: pointers to n × n row-major; yr, yi: length-n arrays. Returns b and the rank used. */
export function complexSolve(
  s: Scope,
  n: number,
  Wr: number,
  Wi: number,
  yr: ArrayLike<number>,
  yi: ArrayLike<number>,
): { re: Float64Array; im: Float64Array; rank: number } {
  const n2 = 2 * n;
  const A = s.alloc(n2 * n2),
    b = s.alloc(n2);
  const a = s.f64(A, n2 * n2),
    wr = s.f64(Wr, n * n),
    wi = s.f64(Wi, n * n),
    bv = s.f64(b, n2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const re = wr[i * n + j],
        im = wi[i * n + j];
      a[i * n2 + j] = re;
      a[i * n2 + n + j] = -im;
      a[(n + i) * n2 + j] = im;
      a[(n + i) * n2 + n + j] = re;
    }
    bv[i] = yr[i];
    bv[n + i] = yi[i];
  }
  const r = lstsqInPlace(s, n2, n2, 1, A, b, EPS * n2);
  const x = s.f64(r.x, n2);
  return { re: x.slice(0, n), im: x.slice(n, n2), rank: r.rank };
}
