// Householder QR on row-major storage, LAPACK conventions: reflectors H_i = I − τ_i v_i v_iᵀ
// with v_i[0] = 1 implicit, stored below the diagonal; R on and above it.
//
// Row-major layout makes column operations strided, so every reflector is applied row by
// row: w = vᵀC accumulates rows of C (axpy) and C −= τ v wᵀ updates them (axpy) -- unit
// stride throughout. Wide trailing updates are blocked (compact WY, I − V T Vᵀ) so that
// most flops run in the gemm micro-kernel.
import { axpy, dot, ilog2, nrm2Strided, scalbnStrided } from "./blas1";
import { gemm, gemmEx } from "./gemm";
import { scratchAlloc } from "./memory";
import { EPS, at } from "./util";

const NB: i32 = 32;

/**
 * Generates a reflector that maps x (n entries, first at x0, then at `stride` bytes)
 * onto β e₁: overwrites x0 with β and the rest with v[1:], returns τ (0 when x is
 * already a multiple of e₁, so H = I).
 */
export function householder(n: i32, x0: usize, stride: usize): f64 {
  if (n <= 1) return 0.0;
  let alpha = load<f64>(x0);
  let xnorm = nrm2Strided(n - 1, x0 + stride, stride);
  if (xnorm == 0.0) return 0.0;
  // Near the ends of the float64 range, scale x by an exact power of two first (as
  // LAPACK's dlarfg does): alpha² + xnorm² underflowed to 0 for tiny columns (τ = NaN,
  // found by the property tests on QR of [[5e-324], [5e-324]]) and alpha − beta
  // overflowed for columns near 1e308. The reflector is the same; only β is scaled back.
  let e: i32 = 0;
  const big = max(abs(alpha), xnorm);
  if (big < HH_SMALL || big > HH_LARGE) {
    e = ilog2(big);
    scalbnStrided(n, x0, stride, -e);
    alpha = load<f64>(x0);
    xnorm = nrm2Strided(n - 1, x0 + stride, stride);
  }
  let beta = -Math.sqrt(alpha * alpha + xnorm * xnorm);
  if (alpha < 0) beta = -beta;
  const tau = (beta - alpha) / beta;
  const inv = 1.0 / (alpha - beta);
  for (let i = 1; i < n; i++) {
    const p = x0 + <usize>i * stride;
    store<f64>(p, load<f64>(p) * inv);
  }
  store<f64>(x0, e == 0 ? beta : Math.scalbn(beta, e));
  return tau;
}

// Householder vectors whose largest entry lies outside [2^-500, 2^500] are rescaled.
const HH_SMALL: f64 = 3.054936363499605e-151; // 2^-500
const HH_LARGE: f64 = 3.273390607896142e+150; // 2^500

/**
 * Applies H = I − τ v vᵀ from the left to C (rows × cols, leading dim ldc), where
 * v[0] = 1 and v[1:] sits at v1 with `vstride` bytes between entries; w is scratch (cols).
 */
export function applyReflectorLeft(rows: i32, cols: i32, v1: usize, vstride: usize, tau: f64,
                                   C: usize, ldc: i32, w: usize): void {
  if (tau == 0.0 || cols <= 0) return;
  const rowBytes = <usize>ldc << 3;
  memory.copy(w, C, <usize>cols << 3); // row 0 has v = 1
  for (let i = 1; i < rows; i++) {
    const vi = load<f64>(v1 + <usize>(i - 1) * vstride);
    if (vi != 0.0) axpy(cols, vi, C + <usize>i * rowBytes, w);
  }
  axpy(cols, -tau, w, C);
  for (let i = 1; i < rows; i++) {
    const vi = load<f64>(v1 + <usize>(i - 1) * vstride);
    if (vi != 0.0) axpy(cols, -tau * vi, w, C + <usize>i * rowBytes);
  }
}

/**
 * Applies H = I − τ u uᵀ from the right to C (rows × cols): each row c ← c − τ (c·u) uᵀ.
 * u is contiguous with u[0] = 1 already stored.
 */
export function applyReflectorRight(rows: i32, cols: i32, u: usize, tau: f64, C: usize, ldc: i32): void {
  if (tau == 0.0 || cols <= 0) return;
  const rowBytes = <usize>ldc << 3;
  for (let i = 0; i < rows; i++) {
    const row = C + <usize>i * rowBytes;
    const s = dot(cols, row, u);
    if (s != 0.0) axpy(cols, -tau * s, u, row);
  }
}

/**
 * Builds the compact-WY pair of jb reflectors stored in the columns of A starting at
 * (r0, c0): V (rows × jb, unit lower trapezoidal, explicit) and T (jb × jb upper
 * triangular) with H_0 H_1 ⋯ H_{jb−1} = I − V T Vᵀ.
 */
function buildVT(rows: i32, jb: i32, A: usize, lda: i32, r0: i32, c0: i32, tau: usize, V: usize, T: usize, G: usize): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < jb; j++) {
      let val: f64 = 0.0;
      if (j == i) val = 1.0;
      else if (i > j) val = load<f64>(at(A, lda, r0 + i, c0 + j));
      store<f64>(V + ((<usize>i * <usize>jb + <usize>j) << 3), val);
    }
  }
  // G = VᵀV supplies every inner product v_jᵀ v_i the recurrence needs.
  gemmEx(1, 0, jb, jb, rows, 1.0, V, jb, V, jb, 0.0, G, jb, 1);
  memory.fill(T, 0, <usize>(jb * jb) << 3);
  for (let i = 0; i < jb; i++) {
    const ti = load<f64>(tau + (<usize>(c0 + i) << 3));
    store<f64>(at(T, jb, i, i), ti);
    // T[0:i, i] = −τ_i T[0:i, 0:i] G[0:i, i]
    for (let r = 0; r < i; r++) {
      let s = 0.0;
      for (let c = r; c < i; c++) s += load<f64>(at(T, jb, r, c)) * load<f64>(at(G, jb, c, i));
      store<f64>(at(T, jb, r, i), -ti * s);
    }
  }
}

/** C (rows × cols) ← (I − V op(T) Vᵀ) C with op(T) = Tᵀ when transT ≠ 0. */
function applyBlockLeft(rows: i32, cols: i32, jb: i32, V: usize, T: usize, transT: i32, C: usize, ldc: i32, W: usize, W2: usize): void {
  gemm(1, 0, jb, cols, rows, 1.0, V, jb, C, ldc, 0.0, W, cols);
  gemm(transT, 0, jb, cols, jb, 1.0, T, jb, W, cols, 0.0, W2, cols);
  gemm(0, 0, rows, cols, jb, -1.0, V, jb, W2, cols, 1.0, C, ldc);
}

/** In-place Householder QR of A (m × n, leading dim lda); τ receives min(m, n) scalars. */
export function qrFactor(m: i32, n: i32, A: usize, lda: i32, tau: usize): void {
  const k = min(m, n);
  if (k <= 0) return;
  const ldaBytes = <usize>lda << 3;
  const w = scratchAlloc(<usize>max(n, 1) << 3);
  const blocked = n - k > 0 || k > NB;
  let V: usize = 0, T: usize = 0, G: usize = 0, W: usize = 0, W2: usize = 0;
  if (blocked) {
    V = scratchAlloc(<usize>m * NB << 3);
    T = scratchAlloc(<usize>(NB * NB) << 3);
    G = scratchAlloc(<usize>(NB * NB) << 3);
    W = scratchAlloc(<usize>NB * <usize>n << 3);
    W2 = scratchAlloc(<usize>NB * <usize>n << 3);
  }
  for (let j = 0; j < k; j += NB) {
    const jb = min(NB, k - j);
    // Panel: unblocked QR of columns j .. j+jb−1, rows j .. m−1.
    for (let i = j; i < j + jb; i++) {
      const aii = at(A, lda, i, i);
      const t = householder(m - i, aii, ldaBytes);
      store<f64>(tau + (<usize>i << 3), t);
      const rest = j + jb - i - 1;
      if (rest > 0 && t != 0.0) {
        applyReflectorLeft(m - i, rest, aii + ldaBytes, ldaBytes, t, aii + 8, lda, w);
      }
    }
    // Trailing update with the block reflector, Qᵀ = I − V Tᵀ Vᵀ.
    const c0 = j + jb;
    if (c0 < n) {
      buildVT(m - j, jb, A, lda, j, j, tau, V, T, G);
      applyBlockLeft(m - j, n - c0, jb, V, T, 1, at(A, lda, j, c0), lda, W, W2);
    }
  }
}

/**
 * C (m × nc) ← op(Q) C for the Q of a qrFactor result (k reflectors in A's columns).
 * trans = 0: Q C; trans ≠ 0: Qᵀ C.
 */
export function qrApplyQ(trans: i32, m: i32, k: i32, A: usize, lda: i32, tau: usize, C: usize, ldc: i32, nc: i32): void {
  if (k <= 0 || nc <= 0) return;
  const V = scratchAlloc(<usize>m * NB << 3);
  const T = scratchAlloc(<usize>(NB * NB) << 3);
  const G = scratchAlloc(<usize>(NB * NB) << 3);
  const W = scratchAlloc(<usize>NB * <usize>nc << 3);
  const W2 = scratchAlloc(<usize>NB * <usize>nc << 3);
  const nblocks = (k + NB - 1) / NB;
  for (let b = 0; b < nblocks; b++) {
    // Q C applies blocks last to first with T; Qᵀ C first to last with Tᵀ.
    const bi = trans ? b : nblocks - 1 - b;
    const j = bi * NB;
    const jb = min(NB, k - j);
    buildVT(m - j, jb, A, lda, j, j, tau, V, T, G);
    applyBlockLeft(m - j, nc, jb, V, T, trans ? 1 : 0, C + ((<usize>j * <usize>ldc) << 3), ldc, W, W2);
  }
}

/** Q (m × k, thin) from a qrFactor result, k = min(m, n) reflectors. */
export function qrFormQ(m: i32, k: i32, A: usize, lda: i32, tau: usize, Q: usize): void {
  memory.fill(Q, 0, <usize>m * <usize>k << 3);
  for (let i = 0; i < k; i++) store<f64>(at(Q, k, i, i), 1.0);
  qrApplyQ(0, m, k, A, lda, tau, Q, k, k);
}

/**
 * QR with column pivoting (unblocked, LAPACK xGEQP2 norm downdating): A P = Q R with
 * |R_00| ≥ |R_11| ≥ …, which reveals the numerical rank. jpvt (i32, n) receives P.
 */
export function qrPivoted(m: i32, n: i32, A: usize, lda: i32, tau: usize, jpvt: usize): void {
  const k = min(m, n);
  const ldaBytes = <usize>lda << 3;
  const vn1 = scratchAlloc(<usize>max(n, 1) << 3);
  const vn2 = scratchAlloc(<usize>max(n, 1) << 3);
  const w = scratchAlloc(<usize>max(n, 1) << 3);
  const tol3z = Math.sqrt(EPS);
  for (let j = 0; j < n; j++) {
    store<i32>(jpvt + (<usize>j << 2), j);
    const nv = nrm2Strided(m, at(A, lda, 0, j), ldaBytes);
    store<f64>(vn1 + (<usize>j << 3), nv);
    store<f64>(vn2 + (<usize>j << 3), nv);
  }
  for (let i = 0; i < k; i++) {
    let pvt = i;
    let best = load<f64>(vn1 + (<usize>i << 3));
    for (let j = i + 1; j < n; j++) {
      const v = load<f64>(vn1 + (<usize>j << 3));
      if (v > best) { best = v; pvt = j; }
    }
    if (pvt != i) {
      for (let r = 0; r < m; r++) {
        const a = at(A, lda, r, i), b = at(A, lda, r, pvt);
        const t = load<f64>(a); store<f64>(a, load<f64>(b)); store<f64>(b, t);
      }
      const ti = load<i32>(jpvt + (<usize>i << 2));
      store<i32>(jpvt + (<usize>i << 2), load<i32>(jpvt + (<usize>pvt << 2)));
      store<i32>(jpvt + (<usize>pvt << 2), ti);
      store<f64>(vn1 + (<usize>pvt << 3), load<f64>(vn1 + (<usize>i << 3)));
      store<f64>(vn2 + (<usize>pvt << 3), load<f64>(vn2 + (<usize>i << 3)));
    }
    const aii = at(A, lda, i, i);
    const t = householder(m - i, aii, ldaBytes);
    store<f64>(tau + (<usize>i << 3), t);
    if (i + 1 < n) applyReflectorLeft(m - i, n - i - 1, aii + ldaBytes, ldaBytes, t, aii + 8, lda, w);
    for (let j = i + 1; j < n; j++) {
      const pj = vn1 + (<usize>j << 3);
      const v1 = load<f64>(pj);
      if (v1 != 0.0) {
        const r = abs(load<f64>(at(A, lda, i, j))) / v1;
        let temp = max(0.0, 1.0 - r * r);
        const ratio = v1 / load<f64>(vn2 + (<usize>j << 3));
        const temp2 = temp * ratio * ratio;
        if (temp2 <= tol3z) {
          const nv = i + 1 < m ? nrm2Strided(m - i - 1, at(A, lda, i + 1, j), ldaBytes) : 0.0;
          store<f64>(pj, nv);
          store<f64>(vn2 + (<usize>j << 3), nv);
        } else {
          store<f64>(pj, v1 * Math.sqrt(temp));
        }
      }
    }
  }
}

/**
 * Applies the reflectors of a qrPivoted/qrFactor result one at a time: C ← Qᵀ C
 * (unblocked; for narrow right-hand sides).
 */
export function qrApplyQtUnblocked(m: i32, k: i32, A: usize, lda: i32, tau: usize, C: usize, ldc: i32, nc: i32): void {
  const ldaBytes = <usize>lda << 3;
  const w = scratchAlloc(<usize>max(nc, 1) << 3);
  for (let i = 0; i < k; i++) {
    const t = load<f64>(tau + (<usize>i << 3));
    applyReflectorLeft(m - i, nc, at(A, lda, i + 1, i), ldaBytes, t, C + (<usize>i * <usize>ldc << 3), ldc, w);
  }
}
