// Level-1 kernels on contiguous f64 vectors: the building blocks of the
// factorisations, which work row by row on row-major storage.
import { fma2, hsum2 } from "./simd";

/** x · y */
export function dot(n: i32, x: usize, y: usize): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    acc0 = fma2(v128.load(x + o), v128.load(y + o), acc0);
    acc1 = fma2(v128.load(x + o, 16), v128.load(y + o, 16), acc1);
  }
  let s = hsum2(f64x2.add(acc0, acc1));
  for (; i < n; i++) s += load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  return s;
}

/** y += a x */
export function axpy(n: i32, a: f64, x: usize, y: usize): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, fma2(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, fma2(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) + a * load<f64>(x + o));
  }
}

/** x *= a */
export function scal(n: i32, a: f64, x: usize): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(x + o, a * load<f64>(x + o));
  }
}

/** max |x_i| */
export function amax(n: i32, x: usize): f64 {
  let m = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) m = f64x2.pmax(m, f64x2.abs(v128.load(x + (<usize>i << 3))));
  let s = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < n; i++) s = max(s, abs(load<f64>(x + (<usize>i << 3))));
  return s;
}

/** ‖x‖₂ without overflow or underflow: a fast unscaled sum, redone with scaling
 *  only when that sum leaves the safe range. */
export function nrm2(n: i32, x: usize): f64 {
  const ss = dot(n, x, x);
  if (ss > 1e-290 && ss < 1e290) return Math.sqrt(ss);
  return scaledNrm2(n, x, 8, amax(n, x));
}

/**
 * ‖x‖₂ by the slow, safe way, given m = max |x_i|: scaled by 2^-e (exact), not by 1/m,
 * which overflows for subnormal m (found by the property tests: ‖[5e-324]‖ was Infinity).
 */
function scaledNrm2(n: i32, x: usize, strideBytes: usize, m: f64): f64 {
  if (m == 0 || !isFinite(m)) return m;
  const e = ilog2(m);
  let acc = 0.0;
  for (let i = 0; i < n; i++) {
    const v = Math.scalbn(load<f64>(x + <usize>i * strideBytes), -e);
    acc += v * v;
  }
  return Math.scalbn(Math.sqrt(acc), e);
}

/** Strided ‖x‖₂ (a column of a row-major matrix), scaled like nrm2. */
export function nrm2Strided(n: i32, x: usize, strideBytes: usize): f64 {
  let ss = 0.0, m = 0.0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + <usize>i * strideBytes);
    ss += v * v;
    m = max(m, abs(v));
  }
  if (ss > 1e-290 && ss < 1e290) return Math.sqrt(ss);
  return scaledNrm2(n, x, strideBytes, m);
}

/** ⌊log₂ x⌋ for finite x > 0 (subnormals included; may be one off near powers of two,
 *  which is harmless for the exact power-of-two scalings it serves). */
export function ilog2(x: f64): i32 {
  return <i32>Math.floor(Math.log2(x));
}

/** x ← 2^e x for n entries `strideBytes` apart (exact unless the result under/overflows). */
export function scalbnStrided(n: i32, x: usize, strideBytes: usize, e: i32): void {
  for (let i = 0; i < n; i++) {
    const p = x + <usize>i * strideBytes;
    store<f64>(p, Math.scalbn(load<f64>(p), e));
  }
}

/** Plane rotation of two contiguous vectors: [x; y] ← [c s; −s c] [x; y]. */
export function rot(n: i32, x: usize, y: usize, c: f64, s: f64): void {
  const vc = f64x2.splat(c), vs = f64x2.splat(s), vns = f64x2.splat(-s);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const xv = v128.load(x + o), yv = v128.load(y + o);
    v128.store(x + o, fma2(vs, yv, f64x2.mul(vc, xv)));
    v128.store(y + o, fma2(vns, xv, f64x2.mul(vc, yv)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const xv = load<f64>(x + o), yv = load<f64>(y + o);
    store<f64>(x + o, c * xv + s * yv);
    store<f64>(y + o, c * yv - s * xv);
  }
}

/** Copies n f64 from src to dst (ranges may overlap). */
export function copy(n: i32, src: usize, dst: usize): void {
  memory.copy(dst, src, <usize>n << 3);
}
