// General matrix product C ← α op(A) op(B) + β C on row-major f64 storage.
//
// GotoBLAS structure: B is packed into k-major panels of NR = 4 columns and A into
// k-major panels of MR = 6 rows, so the 6×4 micro-kernel streams both panels with
// unit stride and keeps its tile in 12 f64x2 accumulators. V8 gives WebAssembly 15
// vector registers; a bigger tile spills. KC keeps a B micro-panel (KC·4·8 bytes) in
// L1 while it meets every A micro-panel of the MC-row block in L2. Transposed
// operands are absorbed by the packing routines, so one kernel serves AB, AᵀB, ABᵀ.
import { fma2 } from "./simd";
import { scratchAlloc } from "./memory";

const MR: i32 = 6;
const NR: i32 = 4;
const KC: i32 = 384;
const MC: i32 = 24;
const NC: i32 = 2048;

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(A) into MR-row k-major panels, zero padded. */
function packA(transA: bool, A: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + (<usize>ir * <usize>kc << 3);
    if (!transA) {
      // op(A)[i, p] = A[i*lda + p]
      for (let r = 0; r < MR; r++) {
        if (r < rows) {
          let src = A + ((<usize>(i0 + ir + r) * <usize>lda + <usize>p0) << 3);
          let d = panel + (<usize>r << 3);
          for (let p = 0; p < kc; p++) {
            store<f64>(d, load<f64>(src));
            src += 8;
            d += MR << 3;
          }
        } else {
          let d = panel + (<usize>r << 3);
          for (let p = 0; p < kc; p++) {
            store<f64>(d, 0.0);
            d += MR << 3;
          }
        }
      }
    } else {
      // op(A)[i, p] = A[p*lda + i]: a row of A holds MR consecutive panel entries
      for (let p = 0; p < kc; p++) {
        const src = A + ((<usize>(p0 + p) * <usize>lda + <usize>(i0 + ir)) << 3);
        const d = panel + (<usize>p * MR << 3);
        if (rows == MR) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          v128.store(d, v128.load(src, 32), 32);
        } else {
          for (let r = 0; r < MR; r++) store<f64>(d + (<usize>r << 3), r < rows ? load<f64>(src + (<usize>r << 3)) : 0.0);
        }
      }
    }
  }
}

/** Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(B) into NR-column k-major panels, zero padded. */
function packB(transB: bool, B: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + (<usize>jr * <usize>kc << 3);
    if (!transB) {
      // op(B)[p, j] = B[p*ldb + j]
      for (let p = 0; p < kc; p++) {
        const src = B + ((<usize>(p0 + p) * <usize>ldb + <usize>(j0 + jr)) << 3);
        const d = panel + (<usize>p * NR << 3);
        if (cols == NR) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) store<f64>(d + (<usize>c << 3), c < cols ? load<f64>(src + (<usize>c << 3)) : 0.0);
        }
      }
    } else {
      // op(B)[p, j] = B[j*ldb + p]
      for (let c = 0; c < NR; c++) {
        let d = panel + (<usize>c << 3);
        if (c < cols) {
          let src = B + ((<usize>(j0 + jr + c) * <usize>ldb + <usize>p0) << 3);
          for (let p = 0; p < kc; p++) {
            store<f64>(d, load<f64>(src));
            src += 8;
            d += NR << 3;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f64>(d, 0.0);
            d += NR << 3;
          }
        }
      }
    }
  }
}

/** C[0:rows, 0:cols] += α · (Ap panel)(Bp panel) over kc; tile of MR×NR. */
// @ts-ignore: decorator
@inline function microKernel(kc: i32, ap: usize, bp: usize, alpha: f64, C: usize, ldc: i32, rows: i32, cols: i32, tile: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let c40 = f64x2.splat(0), c41 = f64x2.splat(0);
  let c50 = f64x2.splat(0), c51 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = fma2(a, b0, c00); c01 = fma2(a, b1, c01);
    a = v128.load64_splat(ap, 8);
    c10 = fma2(a, b0, c10); c11 = fma2(a, b1, c11);
    a = v128.load64_splat(ap, 16);
    c20 = fma2(a, b0, c20); c21 = fma2(a, b1, c21);
    a = v128.load64_splat(ap, 24);
    c30 = fma2(a, b0, c30); c31 = fma2(a, b1, c31);
    a = v128.load64_splat(ap, 32);
    c40 = fma2(a, b0, c40); c41 = fma2(a, b1, c41);
    a = v128.load64_splat(ap, 40);
    c50 = fma2(a, b0, c50); c51 = fma2(a, b1, c51);
    ap += MR << 3;
    bp += NR << 3;
  }
  const va = f64x2.splat(alpha);
  const ldcb = <usize>ldc << 3;
  if (rows == MR && cols == NR) {
    let c = C;
    v128.store(c, fma2(va, c00, v128.load(c))); v128.store(c, fma2(va, c01, v128.load(c, 16)), 16); c += ldcb;
    v128.store(c, fma2(va, c10, v128.load(c))); v128.store(c, fma2(va, c11, v128.load(c, 16)), 16); c += ldcb;
    v128.store(c, fma2(va, c20, v128.load(c))); v128.store(c, fma2(va, c21, v128.load(c, 16)), 16); c += ldcb;
    v128.store(c, fma2(va, c30, v128.load(c))); v128.store(c, fma2(va, c31, v128.load(c, 16)), 16); c += ldcb;
    v128.store(c, fma2(va, c40, v128.load(c))); v128.store(c, fma2(va, c41, v128.load(c, 16)), 16); c += ldcb;
    v128.store(c, fma2(va, c50, v128.load(c))); v128.store(c, fma2(va, c51, v128.load(c, 16)), 16);
  } else {
    // Edge tile: spill to scratch and add only the valid part.
    v128.store(tile, c00); v128.store(tile, c01, 16);
    v128.store(tile, c10, 32); v128.store(tile, c11, 48);
    v128.store(tile, c20, 64); v128.store(tile, c21, 80);
    v128.store(tile, c30, 96); v128.store(tile, c31, 112);
    v128.store(tile, c40, 128); v128.store(tile, c41, 144);
    v128.store(tile, c50, 160); v128.store(tile, c51, 176);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const dst = C + <usize>r * ldcb + (<usize>c << 3);
        store<f64>(dst, load<f64>(dst) + alpha * load<f64>(tile + (<usize>(r * NR + c) << 3)));
      }
    }
  }
}

/** C ← β C (β = 0 writes zeros, so NaN already in C does not survive). */
function scaleC(m: i32, n: i32, beta: f64, C: usize, ldc: i32): void {
  if (beta == 1.0) return;
  for (let i = 0; i < m; i++) {
    const row = C + (<usize>i * <usize>ldc << 3);
    if (beta == 0.0) memory.fill(row, 0, <usize>n << 3);
    else for (let j = 0; j < n; j++) store<f64>(row + (<usize>j << 3), beta * load<f64>(row + (<usize>j << 3)));
  }
}

/**
 * C ← α op(A) op(B) + β C, op(A) m×k, op(B) k×n, all row-major with leading
 * dimensions lda, ldb, ldc. transA/transB ≠ 0 select the transposes.
 * When `upper` ≠ 0 only tiles that touch the upper triangle (j ≥ i) are computed
 * (used by the Gram product; the caller mirrors the result).
 */
export function gemmEx(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64,
                       A: usize, lda: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32, upper: i32): void {
  scaleC(m, n, beta, C, ldc);
  if (m <= 0 || n <= 0 || k <= 0 || alpha == 0.0) return;
  const kcMax = min(KC, k);
  const ncMax = min(NC, n);
  const mcMax = min(MC, m);
  const bp = scratchAlloc(<usize>kcMax * <usize>((ncMax + NR - 1) / NR * NR) << 3);
  const ap = scratchAlloc(<usize>kcMax * <usize>((mcMax + MR - 1) / MR * MR) << 3);
  const tile = scratchAlloc(<usize>(MR * NR) << 3);
  const ldcb = <usize>ldc << 3;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    // In upper mode, rows below the block's last column never touch the triangle.
    const mEnd = upper ? min(m, jc + nc) : m;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB != 0, B, ldb, pc, jc, kc, nc, bp);
      for (let ic = 0; ic < mEnd; ic += MC) {
        const mc = min(MC, mEnd - ic);
        packA(transA != 0, A, lda, ic, pc, mc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const bpanel = bp + (<usize>jr * <usize>kc << 3);
          const colEnd = jc + jr + cols; // exclusive global column bound of this panel
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            if (upper && ic + ir >= colEnd) break; // tile entirely below the diagonal
            const cptr = C + <usize>(ic + ir) * ldcb + (<usize>(jc + jr) << 3);
            microKernel(kc, ap + (<usize>ir * <usize>kc << 3), bpanel, alpha, cptr, ldc, rows, cols, tile);
          }
        }
      }
    }
  }
}

/** C ← α op(A) op(B) + β C (see gemmEx). */
export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f64,
                     A: usize, lda: i32, B: usize, ldb: i32, beta: f64, C: usize, ldc: i32): void {
  gemmEx(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, 0);
}
