// Thin singular value decomposition A = U diag(S) Vᵀ (m × n, k = min(m, n)).
//
// Tall-skinny first: A = QR (blocked Householder), so the O(n³) work happens on the
// small triangle R. R is reduced to upper bidiagonal form (Golub–Kahan), and the
// bidiagonal is diagonalised by implicitly shifted QR sweeps (Golub–Reinsch, in the
// LINPACK xSVDC form with negligible-entry deflation). The sweep rotations act on
// columns of U and V; we keep those transposed, so each rotation updates two
// contiguous rows with SIMD. A wide A is handled through its transpose.
import { amax, ilog2, rot, scal, scalbnStrided } from "./blas1";
import { applyReflectorLeft, applyReflectorRight, householder, qrApplyQ, qrFactor } from "./qr";
import { scratchAlloc } from "./memory";
import { transpose } from "./transpose";
import { EPS, at, ld, st } from "./util";

const TINY: f64 = 1.0020841800044864e-292; // 2^-969: below this an entry is treated as zero

/**
 * Reduces the n × n matrix B (in place) to upper bidiagonal form B = U1 diag(d, e) V1ᵀ
 * and, when vectors are wanted, writes U1ᵀ to Ut and V1ᵀ to Vt (n × n each).
 */
function bidiagonalize(n: i32, B: usize, d: usize, e: usize, Ut: usize, Vt: usize, wantU: bool, wantV: bool): void {
  const rowBytes = <usize>n << 3;
  const tauq = scratchAlloc(<usize>n << 3);
  const taup = scratchAlloc(<usize>n << 3);
  const w = scratchAlloc(<usize>n << 3);
  const u = scratchAlloc(<usize>n << 3);
  for (let k = 0; k < n; k++) {
    const bkk = at(B, n, k, k);
    const tq = householder(n - k, bkk, rowBytes);
    st(tauq, k, tq);
    st(d, k, load<f64>(bkk));
    if (k + 1 < n) {
      applyReflectorLeft(n - k, n - k - 1, bkk + rowBytes, rowBytes, tq, bkk + 8, n, w);
      const bk1 = bkk + 8;
      const tp = householder(n - k - 1, bk1, 8);
      st(taup, k, tp);
      st(e, k, load<f64>(bk1));
      if (tp != 0.0) {
        st(u, 0, 1.0);
        memory.copy(u + 8, bk1 + 8, <usize>(n - k - 2) << 3);
        applyReflectorRight(n - k - 1, n - k - 1, u, tp, bk1 + rowBytes, n);
      }
    }
  }
  if (wantU) {
    // U1 = H_0 ⋯ H_{n−1}, accumulated backwards into Vt's space first, then transposed.
    const U1 = scratchAlloc(<usize>n * <usize>n << 3);
    memory.fill(U1, 0, <usize>n * <usize>n << 3);
    for (let i = 0; i < n; i++) store<f64>(at(U1, n, i, i), 1.0);
    for (let k = n - 1; k >= 0; k--) {
      const tq = ld(tauq, k);
      if (tq != 0.0 && k + 1 < n) {
        applyReflectorLeft(n - k, n - k, at(B, n, k + 1, k), rowBytes, tq, at(U1, n, k, k), n, w);
      } else if (tq != 0.0) {
        // 1 × 1 reflector: H = 1 − τ
        const p = at(U1, n, k, k);
        store<f64>(p, (1.0 - tq) * load<f64>(p));
      }
    }
    transpose(n, n, U1, n, Ut, n);
  }
  if (wantV) {
    const V1 = scratchAlloc(<usize>n * <usize>n << 3);
    memory.fill(V1, 0, <usize>n * <usize>n << 3);
    for (let i = 0; i < n; i++) store<f64>(at(V1, n, i, i), 1.0);
    for (let k = n - 2; k >= 0; k--) {
      const tp = ld(taup, k);
      if (tp != 0.0) {
        applyReflectorLeft(n - k - 1, n - k - 1, at(B, n, k, k + 2), 8, tp, at(V1, n, k + 1, k + 1), n, w);
      }
    }
    transpose(n, n, V1, n, Vt, n);
  }
}

// The rotation [c s; −s c] taking (f, g) to (r, 0): givens() returns r and leaves c, s here.
let rotC: f64 = 1.0;
let rotS: f64 = 0.0;
/**
 * c = f/r, s = g/r, r = hypot(f, g), with f and g first scaled by an exact power of two
 * when they are subnormal or nearly so: quotients of subnormals keep only a few bits, and
 * rotations built from them were not orthogonal (VᵀV − I ≈ 1e-8 for a matrix whose
 * singular values span 1e270 down to 1e-18; long property run).
 */
function givens(f: f64, g: f64): f64 {
  const m = max(abs(f), abs(g));
  if (m == 0.0) {
    rotC = 1.0;
    rotS = 0.0;
    return 0.0;
  }
  if (m >= 1e-290) {
    const t = Math.hypot(f, g);
    rotC = f / t;
    rotS = g / t;
    return t;
  }
  const e = ilog2(m);
  const fs = Math.scalbn(f, -e), gs = Math.scalbn(g, -e);
  const t = Math.hypot(fs, gs);
  rotC = fs / t;
  rotS = gs / t;
  return Math.scalbn(t, e);
}

/**
 * Diagonalises the upper bidiagonal (d, e) by implicit-shift QR. Rotations are applied to
 * the rows of Ut and Vt (both n × n) when wanted. On return d holds the singular values in
 * descending order, non-negative. Returns 0, or 1 if the iteration limit was reached.
 */
function bidiagonalQR(n: i32, d: usize, e: usize, Ut: usize, Vt: usize, wantU: bool, wantV: bool): i32 {
  const rowBytes = <usize>n << 3;
  let p = n;
  const pp = n - 1;
  let iter = 0;
  let total = 0;
  const maxTotal = max(100, 6 * n * n);
  while (p > 0) {
    if (total++ > maxTotal) return 1;
    let k: i32;
    let kase: i32;
    // Find negligible e[k]: the bottom unreduced block is s[k+1 .. p−1].
    for (k = p - 2; k >= -1; k--) {
      if (k == -1) break;
      if (abs(ld(e, k)) <= TINY + EPS * (abs(ld(d, k)) + abs(ld(d, k + 1)))) {
        st(e, k, 0.0);
        break;
      }
    }
    if (k == p - 2) {
      kase = 4;
    } else {
      let ks: i32;
      for (ks = p - 1; ks >= k; ks--) {
        if (ks == k) break;
        const t = (ks != p ? abs(ld(e, ks)) : 0.0) + (ks != k + 1 ? abs(ld(e, ks - 1)) : 0.0);
        if (abs(ld(d, ks)) <= TINY + EPS * t) {
          st(d, ks, 0.0);
          break;
        }
      }
      if (ks == k) kase = 3;
      else if (ks == p - 1) kase = 1;
      else { kase = 2; k = ks; }
    }
    k++;

    if (kase == 1) {
      // Deflate negligible d[p−1] by chasing e[p−2] up with right rotations.
      let f = ld(e, p - 2);
      st(e, p - 2, 0.0);
      for (let j = p - 2; j >= k; j--) {
        const t = givens(ld(d, j), f);
        const cs = rotC, sn = rotS;
        st(d, j, t);
        if (j != k) {
          f = -sn * ld(e, j - 1);
          st(e, j - 1, cs * ld(e, j - 1));
        }
        if (wantV) rot(n, Vt + <usize>j * rowBytes, Vt + <usize>(p - 1) * rowBytes, cs, sn);
      }
    } else if (kase == 2) {
      // Split at negligible d[k−1] by chasing e[k−1] down with left rotations.
      let f = ld(e, k - 1);
      st(e, k - 1, 0.0);
      for (let j = k; j < p; j++) {
        const t = givens(ld(d, j), f);
        const cs = rotC, sn = rotS;
        st(d, j, t);
        f = -sn * ld(e, j);
        st(e, j, cs * ld(e, j));
        if (wantU) rot(n, Ut + <usize>j * rowBytes, Ut + <usize>(k - 1) * rowBytes, cs, sn);
      }
    } else if (kase == 3) {
      // One implicit-shift QR sweep on d[k .. p−1].
      const scale = max(max(max(max(abs(ld(d, p - 1)), abs(ld(d, p - 2))), abs(ld(e, p - 2))), abs(ld(d, k))), abs(ld(e, k)));
      const sp = ld(d, p - 1) / scale;
      const spm1 = ld(d, p - 2) / scale;
      const epm1 = ld(e, p - 2) / scale;
      const sk = ld(d, k) / scale;
      const ek = ld(e, k) / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2.0;
      const c = (sp * epm1) * (sp * epm1);
      let shift = 0.0;
      if (b != 0.0 || c != 0.0) {
        shift = Math.sqrt(b * b + c);
        if (b < 0.0) shift = -shift;
        shift = c / (b + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift;
      let g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = givens(f, g);
        let cs = rotC, sn = rotS;
        if (j != k) st(e, j - 1, t);
        f = cs * ld(d, j) + sn * ld(e, j);
        st(e, j, cs * ld(e, j) - sn * ld(d, j));
        g = sn * ld(d, j + 1);
        st(d, j + 1, cs * ld(d, j + 1));
        if (wantV) rot(n, Vt + <usize>j * rowBytes, Vt + <usize>(j + 1) * rowBytes, cs, sn);
        t = givens(f, g);
        cs = rotC;
        sn = rotS;
        st(d, j, t);
        f = cs * ld(e, j) + sn * ld(d, j + 1);
        st(d, j + 1, -sn * ld(e, j) + cs * ld(d, j + 1));
        g = sn * ld(e, j + 1);
        st(e, j + 1, cs * ld(e, j + 1));
        if (wantU) rot(n, Ut + <usize>j * rowBytes, Ut + <usize>(j + 1) * rowBytes, cs, sn);
      }
      st(e, p - 2, f);
      iter++;
    } else {
      // Convergence of d[k]: make it non-negative and move it into sorted position.
      if (ld(d, k) <= 0.0) {
        st(d, k, ld(d, k) < 0.0 ? -ld(d, k) : 0.0);
        if (wantV) scal(n, -1.0, Vt + <usize>k * rowBytes);
      }
      while (k < pp) {
        if (ld(d, k) >= ld(d, k + 1)) break;
        const t = ld(d, k); st(d, k, ld(d, k + 1)); st(d, k + 1, t);
        if (wantV) swapRows(n, Vt + <usize>k * rowBytes, Vt + <usize>(k + 1) * rowBytes);
        if (wantU) swapRows(n, Ut + <usize>k * rowBytes, Ut + <usize>(k + 1) * rowBytes);
        k++;
      }
      iter = 0;
      p--;
    }
  }
  return 0;
}

function swapRows(n: i32, a: usize, b: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const t = load<f64>(a + o);
    store<f64>(a + o, load<f64>(b + o));
    store<f64>(b + o, t);
  }
}

/**
 * Thin SVD of a tall or square A (m ≥ n, leading dim lda; A is not modified).
 * S: n values, descending. U: m × n (if wantU). V: n × n (if wantV).
 * Returns 0, or 1 when the QR sweeps did not converge.
 */
function svdTall(m: i32, n: i32, A: usize, lda: i32, S: usize, U: usize, V: usize, wantU: bool, wantV: bool): i32 {
  // Power-of-two scaling keeps extreme inputs (1e±300) away from over/underflow, exactly.
  let big: f64 = 0.0;
  for (let i = 0; i < m; i++) big = max(big, amax(n, at(A, lda, i, 0)));
  const Q = scratchAlloc(<usize>m * <usize>n << 3);
  for (let i = 0; i < m; i++) memory.copy(at(Q, n, i, 0), at(A, lda, i, 0), <usize>n << 3);
  if (big == 0.0) {
    memory.fill(S, 0, <usize>n << 3);
    if (wantU) {
      memory.fill(U, 0, <usize>m * <usize>n << 3);
      for (let i = 0; i < n; i++) store<f64>(at(U, n, i, i), 1.0);
    }
    if (wantV) {
      memory.fill(V, 0, <usize>n * <usize>n << 3);
      for (let i = 0; i < n; i++) store<f64>(at(V, n, i, i), 1.0);
    }
    return 0;
  }
  // Exact, and in steps where 2^-expo itself is not representable (subnormal inputs).
  const expo = ilog2(big);
  scalbnStrided(m * n, Q, 8, -expo);

  const tau = scratchAlloc(<usize>n << 3);
  qrFactor(m, n, Q, n, tau);
  const B = scratchAlloc(<usize>n * <usize>n << 3);
  memory.fill(B, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) memory.copy(at(B, n, i, i), at(Q, n, i, i), <usize>(n - i) << 3);

  const e = scratchAlloc(<usize>n << 3);
  memory.fill(e, 0, <usize>n << 3);
  const Ut = wantU ? scratchAlloc(<usize>n * <usize>n << 3) : 0;
  const Vt = wantV ? scratchAlloc(<usize>n * <usize>n << 3) : 0;
  bidiagonalize(n, B, S, e, Ut, Vt, wantU, wantV);
  const info = bidiagonalQR(n, S, e, Ut, Vt, wantU, wantV);
  scalbnStrided(n, S, 8, expo);
  if (wantV) transpose(n, n, Vt, n, V, n);
  if (wantU) {
    // U = Q [U_R; 0] with U_R = Utᵀ.
    memory.fill(U, 0, <usize>m * <usize>n << 3);
    transpose(n, n, Ut, n, U, n);
    qrApplyQ(0, m, n, Q, n, tau, U, n, n);
  }
  return info;
}

/**
 * Thin SVD of any A (m × n, leading dim lda), k = min(m, n): S (k), U (m × k), V (n × k),
 * row-major. A is not modified. Returns 0, or 1 when the iteration did not converge.
 */
export function svd(m: i32, n: i32, A: usize, lda: i32, S: usize, U: usize, V: usize, wantU: i32, wantV: i32): i32 {
  if (m >= n) return svdTall(m, n, A, lda, S, U, V, wantU != 0, wantV != 0);
  // A = U S Vᵀ ⇔ Aᵀ = V S Uᵀ: decompose the tall transpose and swap the factors.
  const At = scratchAlloc(<usize>m * <usize>n << 3);
  transpose(m, n, A, lda, At, m);
  return svdTall(n, m, At, m, S, V, U, wantV != 0, wantU != 0);
}
