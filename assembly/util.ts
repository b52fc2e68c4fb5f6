// Shared inline helpers and constants of the kernels (no exported kernels here).
//
// Storage is row-major f64 throughout; pointers and offsets are byte addresses into
// linear memory. Everything here is @inline, so using it costs no call.

/** Machine epsilon of float64, 2^-52. */
export const EPS: f64 = 2.220446049250313e-16;

/** Address of entry (i, j) of the row-major matrix A with leading dimension ld. */
// @ts-ignore: decorator
@inline export function at(A: usize, ld: i32, i: i32, j: i32): usize {
  return A + ((<usize>i * <usize>ld + <usize>j) << 3);
}

/** Address of the i-th f64 after p. */
// @ts-ignore: decorator
@inline export function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** The i-th f64 after p. */
// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

/** Stores v as the i-th f64 after p. */
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
