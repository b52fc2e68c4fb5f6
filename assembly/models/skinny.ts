// Products with a skinny right-hand side (a few columns), for the first layer of models
// with one or few outputs (logistic regression, least squares with one target, and
// their few tangents). gemm packs all of X into panels on every call, which costs more
// than the arithmetic when B has a handful of columns; these kernels stream X in place.
import { fma2, hsum2 } from "../simd";
import { scratchAlloc } from "../memory";
import { f64At } from "../util";

// Widths up to which these beat gemm (measured, batch 256 × 784 features): gemm's
// scalar packing of a non-transposed X dominates up to ~100 columns; for Xᵀ·D gemm's
// packing is vectorised and it wins beyond ~40.
export const SKINNY_NN_MAX: i32 = 96;
export const SKINNY_TN_MAX: i32 = 32;

// @ts-ignore: decorator
@inline function put(p: usize, v: f64, beta: f64): void {
  store<f64>(p, beta == 0.0 ? v : v + beta * load<f64>(p));
}

/** C (n × w, ldc) ← X (n × p, ldx) · B (p × w, ldb) + β C (β = 0: C is not read). */
export function skinnyNN(n: i32, p: i32, w: i32, X: usize, ldx: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32): void {
  // Bᵀ, contiguous and zero padded to a multiple of 4 rows (one row per column of B).
  const w4 = (w + 3) & ~3;
  const Bt = scratchAlloc(<usize>(w4 * p) << 3);
  memory.fill(f64At(Bt, w * p), 0, <usize>((w4 - w) * p) << 3); // the padding rows only
  for (let j = 0; j < p; j++) {
    const row = f64At(B, j * ldb);
    for (let c = 0; c < w; c++) store<f64>(f64At(Bt, c * p + j), load<f64>(f64At(row, c)));
  }
  const pe = p & ~1;
  let i = 0;
  // Two rows of X against four columns of B: 8 accumulators, 6 loads per 8 multiply-adds.
  for (; i + 2 <= n; i += 2) {
    const x0 = f64At(X, i * ldx), x1 = f64At(X, (i + 1) * ldx);
    for (let g = 0; g < w4; g += 4) {
      const b0 = f64At(Bt, g * p), b1 = f64At(Bt, (g + 1) * p), b2 = f64At(Bt, (g + 2) * p), b3 = f64At(Bt, (g + 3) * p);
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a02 = f64x2.splat(0), a03 = f64x2.splat(0);
      let a10 = f64x2.splat(0), a11 = f64x2.splat(0), a12 = f64x2.splat(0), a13 = f64x2.splat(0);
      for (let j = 0; j < pe; j += 2) {
        const o = <usize>j << 3;
        const u0 = v128.load(x0 + o), u1 = v128.load(x1 + o);
        let b = v128.load(b0 + o);
        a00 = fma2(u0, b, a00); a10 = fma2(u1, b, a10);
        b = v128.load(b1 + o);
        a01 = fma2(u0, b, a01); a11 = fma2(u1, b, a11);
        b = v128.load(b2 + o);
        a02 = fma2(u0, b, a02); a12 = fma2(u1, b, a12);
        b = v128.load(b3 + o);
        a03 = fma2(u0, b, a03); a13 = fma2(u1, b, a13);
      }
      let s00 = hsum2(a00), s01 = hsum2(a01), s02 = hsum2(a02), s03 = hsum2(a03);
      let s10 = hsum2(a10), s11 = hsum2(a11), s12 = hsum2(a12), s13 = hsum2(a13);
      if (pe < p) {
        const v0 = load<f64>(f64At(x0, pe)), v1 = load<f64>(f64At(x1, pe));
        const c0 = load<f64>(f64At(b0, pe)), c1 = load<f64>(f64At(b1, pe)), c2 = load<f64>(f64At(b2, pe)), c3 = load<f64>(f64At(b3, pe));
        s00 += v0 * c0; s01 += v0 * c1; s02 += v0 * c2; s03 += v0 * c3;
        s10 += v1 * c0; s11 += v1 * c1; s12 += v1 * c2; s13 += v1 * c3;
      }
      const r0 = f64At(C, i * ldc + g), r1 = f64At(C, (i + 1) * ldc + g);
      const m = w - g;
      put(r0, s00, beta); put(r1, s10, beta);
      if (m > 1) { put(r0 + 8, s01, beta); put(r1 + 8, s11, beta); }
      if (m > 2) { put(r0 + 16, s02, beta); put(r1 + 16, s12, beta); }
      if (m > 3) { put(r0 + 24, s03, beta); put(r1 + 24, s13, beta); }
    }
  }
  for (; i < n; i++) {
    const x0 = f64At(X, i * ldx);
    for (let c = 0; c < w; c++) {
      const b = f64At(Bt, c * p);
      let acc = f64x2.splat(0);
      for (let j = 0; j < pe; j += 2) acc = fma2(v128.load(x0 + (<usize>j << 3)), v128.load(b + (<usize>j << 3)), acc);
      let s = hsum2(acc);
      if (pe < p) s += load<f64>(f64At(x0, pe)) * load<f64>(f64At(b, pe));
      put(f64At(C, i * ldc + c), s, beta);
    }
  }
}

/** C (p × w, ldc) ← Xᵀ (X: n × p, ldx) · D (n × w, ldd). */
export function skinnyTN(n: i32, p: i32, w: i32, X: usize, ldx: i32, D: usize, ldd: i32, C: usize, ldc: i32): void {
  // Accumulate Cᵀ (w × p, contiguous rows) with four rows of X per pass over it.
  const Ct = scratchAlloc(<usize>(w * p) << 3);
  memory.fill(Ct, 0, <usize>(w * p) << 3);
  const pe = p & ~1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = f64At(X, i * ldx), x1 = f64At(X, (i + 1) * ldx), x2 = f64At(X, (i + 2) * ldx), x3 = f64At(X, (i + 3) * ldx);
    for (let c = 0; c < w; c++) {
      const d0 = load<f64>(f64At(D, i * ldd + c)), d1 = load<f64>(f64At(D, (i + 1) * ldd + c));
      const d2 = load<f64>(f64At(D, (i + 2) * ldd + c)), d3 = load<f64>(f64At(D, (i + 3) * ldd + c));
      const v0 = f64x2.splat(d0), v1 = f64x2.splat(d1), v2 = f64x2.splat(d2), v3 = f64x2.splat(d3);
      const ct = f64At(Ct, c * p);
      for (let j = 0; j < pe; j += 2) {
        const o = <usize>j << 3;
        let acc = v128.load(ct + o);
        acc = fma2(v0, v128.load(x0 + o), acc);
        acc = fma2(v1, v128.load(x1 + o), acc);
        acc = fma2(v2, v128.load(x2 + o), acc);
        acc = fma2(v3, v128.load(x3 + o), acc);
        v128.store(ct + o, acc);
      }
      if (pe < p) {
        const t = f64At(ct, pe);
        store<f64>(t, load<f64>(t) + d0 * load<f64>(f64At(x0, pe)) + d1 * load<f64>(f64At(x1, pe)) + d2 * load<f64>(f64At(x2, pe)) + d3 * load<f64>(f64At(x3, pe)));
      }
    }
  }
  for (; i < n; i++) {
    const x0 = f64At(X, i * ldx);
    for (let c = 0; c < w; c++) {
      const d0 = load<f64>(f64At(D, i * ldd + c));
      const ct = f64At(Ct, c * p);
      for (let j = 0; j < p; j++) store<f64>(f64At(ct, j), load<f64>(f64At(ct, j)) + d0 * load<f64>(f64At(x0, j)));
    }
  }
  for (let j = 0; j < p; j++) {
    const r = f64At(C, j * ldc);
    for (let c = 0; c < w; c++) store<f64>(f64At(r, c), load<f64>(f64At(Ct, c * p + j)));
  }
}
