// Nonsymmetric eigendecomposition A X = X Λ with eigenvectors (real A, complex pairs).
//
// Steps: diagonal balancing (exact powers of two, as LAPACK xGEBAL without permutations),
// Householder reduction to Hessenberg form with the orthogonal factor accumulated, Francis
// double-shift QR to real Schur form (the EISPACK hqr2 algorithm), back-substitution for
// the eigenvectors of the quasi-triangular factor, and back-transformation by one gemm.
// Results are unit-norm eigenvectors, each rotated so its largest entry is real and
// positive, ordered by modulus, then real part, then imaginary part, all descending.
import { applyReflectorLeft, applyReflectorRight, householder } from "./qr";
import { gemm } from "./gemm";
import { transpose } from "./transpose";
import { scratchAlloc } from "./memory";
import { amax, ilog2, scalbnStrided } from "./blas1";
import { EPS, at, ld, st } from "./util";

/**
 * The exponent e of the scaling 2^-e applied before attempt 0, 1, 2 of the iteration
 * (0: none needed): magnitudes centred on 1 with the largest in [1, 2^500]; the largest
 * at 2^1000; the smallest at 1 (as far as the largest allows).
 */
function eigScaleExponent(n: i32, H: usize, attempt: i32): i32 {
  let big = 0.0, small = Infinity;
  for (let i = 0; i < n * n; i++) {
    const v = abs(load<f64>(H + (<usize>i << 3)));
    if (v > big) big = v;
    if (v > 0.0 && v < small) small = v;
  }
  if (big == 0.0) return 0;
  const emax = ilog2(big), emin = ilog2(small);
  if (attempt == 1) return emax - 1000;
  if (attempt == 2) return max(emin, emax - 1020);
  const e = min(emax, max(emax - 500, (emax + emin) >> 1));
  // Leave ordinary matrices alone (the scaling is exact, but needless).
  return e >= -64 && e <= 64 && emax <= 500 ? 0 : e;
}
// Largest max D / min D of the balancing kept when eigenvectors are wanted (2^10).
const BALANCE_RANGE: f64 = 1024.0;

const MAX_ITER_PER_EIGENVALUE: i32 = 100;

/** Scales rows and columns by powers of two so their off-diagonal norms balance: A ← D⁻¹AD. */
function balance(n: i32, A: usize, scale: usize): void {
  for (let i = 0; i < n; i++) st(scale, i, 1.0);
  let converged = false;
  let sweeps = 0;
  while (!converged && sweeps++ < 100) {
    converged = true;
    for (let i = 0; i < n; i++) {
      let c = 0.0, r = 0.0;
      for (let j = 0; j < n; j++) {
        if (j == i) continue;
        c += abs(load<f64>(at(A, n, j, i)));
        r += abs(load<f64>(at(A, n, i, j)));
      }
      if (c == 0.0 || r == 0.0) continue;
      let g = r / 2.0;
      let f = 1.0;
      const s = c + r;
      while (c < g && f < 1e150) { f *= 2.0; c *= 4.0; }
      g = r * 2.0;
      while (c >= g && f > 1e-150) { f /= 2.0; c /= 4.0; }
      if ((c + r) / f < 0.95 * s) {
        converged = false;
        st(scale, i, ld(scale, i) * f);
        const inv = 1.0 / f;
        for (let j = 0; j < n; j++) store<f64>(at(A, n, i, j), load<f64>(at(A, n, i, j)) * inv);
        for (let j = 0; j < n; j++) store<f64>(at(A, n, j, i), load<f64>(at(A, n, j, i)) * f);
      }
    }
  }
}

/** Reduces A (n × n) to upper Hessenberg form in place; writes Zᵀ (A = Z H Zᵀ) to Zt. */
function hessenberg(n: i32, A: usize, Zt: usize): void {
  const rowBytes = <usize>n << 3;
  const tau = scratchAlloc(<usize>max(n, 1) << 3);
  const w = scratchAlloc(<usize>max(n, 1) << 3);
  const u = scratchAlloc(<usize>max(n, 1) << 3);
  for (let k = 0; k + 2 < n; k++) {
    const x0 = at(A, n, k + 1, k);
    const t = householder(n - k - 1, x0, rowBytes);
    st(tau, k, t);
    if (t == 0.0) continue;
    applyReflectorLeft(n - k - 1, n - k - 1, x0 + rowBytes, rowBytes, t, x0 + 8, n, w);
    st(u, 0, 1.0);
    for (let i = 1; i < n - k - 1; i++) st(u, i, load<f64>(x0 + <usize>i * rowBytes));
    applyReflectorRight(n, n - k - 1, u, t, at(A, n, 0, k + 1), n);
  }
  // Z = H_0 ⋯ H_{n−3}, accumulated backwards; the reflectors still sit below the subdiagonal.
  const Z = scratchAlloc(<usize>n * <usize>n << 3);
  memory.fill(Z, 0, <usize>n * <usize>n << 3);
  for (let i = 0; i < n; i++) store<f64>(at(Z, n, i, i), 1.0);
  for (let k = n - 3; k >= 0; k--) {
    const t = ld(tau, k);
    if (t != 0.0) applyReflectorLeft(n - k - 1, n - k - 1, at(A, n, k + 2, k), rowBytes, t, at(Z, n, k + 1, k + 1), n, w);
  }
  for (let k = 0; k + 2 < n; k++) {
    for (let i = k + 2; i < n; i++) store<f64>(at(A, n, i, k), 0.0);
  }
  transpose(n, n, Z, n, Zt, n);
}

// Complex division result (EISPACK cdiv), returned through globals to avoid allocation.
let cdivr: f64 = 0.0;
let cdivi: f64 = 0.0;
function cdiv(xr: f64, xi: f64, yr: f64, yi: f64): void {
  let r: f64, d: f64;
  if (abs(yr) > abs(yi)) {
    r = yi / yr;
    d = yr + r * yi;
    cdivr = (xr + r * xi) / d;
    cdivi = (xi - r * xr) / d;
  } else {
    r = yr / yi;
    d = yi + r * yr;
    cdivr = (r * xr + xi) / d;
    cdivi = (r * xi - xr) / d;
  }
}

/**
 * Francis double-shift QR on the Hessenberg H (n × n, in place → real Schur form T), with
 * the transformations accumulated into the rows of Zt. Eigenvalues go to wr, wi.
 * Returns 0, or 1 when an eigenvalue did not converge.
 */
function schur(nn: i32, H: usize, Zt: usize, wr: usize, wi: usize): i32 {
  const rowBytes = <usize>nn << 3;
  let n = nn - 1;
  const low = 0;
  let exshift = 0.0;
  let p = 0.0, q = 0.0, r = 0.0, s = 0.0, z = 0.0, w = 0.0, x = 0.0, y = 0.0;
  let norm = 0.0;
  for (let i = 0; i < nn; i++) {
    for (let j = max(i - 1, 0); j < nn; j++) norm += abs(load<f64>(at(H, nn, i, j)));
  }
  let iter = 0;
  while (n >= low) {
    // Look for a single small subdiagonal element.
    let l = n;
    while (l > low) {
      s = abs(load<f64>(at(H, nn, l - 1, l - 1))) + abs(load<f64>(at(H, nn, l, l)));
      if (s == 0.0) s = norm;
      const sub = abs(load<f64>(at(H, nn, l, l - 1)));
      if (sub == 0.0 || sub < EPS * s) break;
      l--;
    }
    if (l == n) {
      // One root found.
      const hnn = load<f64>(at(H, nn, n, n)) + exshift;
      store<f64>(at(H, nn, n, n), hnn);
      st(wr, n, hnn);
      st(wi, n, 0.0);
      n--;
      iter = 0;
    } else if (l == n - 1) {
      // Two roots found.
      w = load<f64>(at(H, nn, n, n - 1)) * load<f64>(at(H, nn, n - 1, n));
      p = (load<f64>(at(H, nn, n - 1, n - 1)) - load<f64>(at(H, nn, n, n))) / 2.0;
      q = p * p + w;
      z = Math.sqrt(abs(q));
      store<f64>(at(H, nn, n, n), load<f64>(at(H, nn, n, n)) + exshift);
      store<f64>(at(H, nn, n - 1, n - 1), load<f64>(at(H, nn, n - 1, n - 1)) + exshift);
      x = load<f64>(at(H, nn, n, n));
      if (q >= 0) {
        // Real pair: rotate the 2 × 2 block to upper triangular form.
        z = p >= 0 ? p + z : p - z;
        st(wr, n - 1, x + z);
        st(wr, n, x + z);
        if (z != 0.0) st(wr, n, x - w / z);
        st(wi, n - 1, 0.0);
        st(wi, n, 0.0);
        x = load<f64>(at(H, nn, n, n - 1));
        s = abs(x) + abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p = p / r;
        q = q / r;
        for (let j = n - 1; j < nn; j++) {
          const a = at(H, nn, n - 1, j), b = at(H, nn, n, j);
          z = load<f64>(a);
          store<f64>(a, q * z + p * load<f64>(b));
          store<f64>(b, q * load<f64>(b) - p * z);
        }
        for (let i = 0; i <= n; i++) {
          const a = at(H, nn, i, n - 1), b = at(H, nn, i, n);
          z = load<f64>(a);
          store<f64>(a, q * z + p * load<f64>(b));
          store<f64>(b, q * load<f64>(b) - p * z);
        }
        const za = Zt + <usize>(n - 1) * rowBytes, zb = Zt + <usize>n * rowBytes;
        for (let i = 0; i < nn; i++) {
          const o = <usize>i << 3;
          z = load<f64>(za + o);
          store<f64>(za + o, q * z + p * load<f64>(zb + o));
          store<f64>(zb + o, q * load<f64>(zb + o) - p * z);
        }
      } else {
        // Complex pair.
        st(wr, n - 1, x + p);
        st(wr, n, x + p);
        st(wi, n - 1, z);
        st(wi, n, -z);
      }
      n = n - 2;
      iter = 0;
    } else {
      // No convergence yet: form the shift.
      x = load<f64>(at(H, nn, n, n));
      y = 0.0;
      w = 0.0;
      if (l < n) {
        y = load<f64>(at(H, nn, n - 1, n - 1));
        w = load<f64>(at(H, nn, n, n - 1)) * load<f64>(at(H, nn, n - 1, n));
      }
      if (iter == 10) {
        // Wilkinson's exceptional shift.
        exshift += x;
        for (let i = low; i <= n; i++) store<f64>(at(H, nn, i, i), load<f64>(at(H, nn, i, i)) - x);
        s = abs(load<f64>(at(H, nn, n, n - 1))) + abs(load<f64>(at(H, nn, n - 1, n - 2)));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter == 30) {
        // A second exceptional shift (as in MATLAB/JAMA).
        s = (y - x) / 2.0;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2.0 + s);
          for (let i = low; i <= n; i++) store<f64>(at(H, nn, i, i), load<f64>(at(H, nn, i, i)) - s);
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > MAX_ITER_PER_EIGENVALUE) return 1;
      // Look for two consecutive small subdiagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = load<f64>(at(H, nn, m, m));
        r = x - z;
        s = y - z;
        p = (r * s - w) / load<f64>(at(H, nn, m + 1, m)) + load<f64>(at(H, nn, m, m + 1));
        q = load<f64>(at(H, nn, m + 1, m + 1)) - z - r - s;
        r = load<f64>(at(H, nn, m + 2, m + 1));
        s = abs(p) + abs(q) + abs(r);
        p = p / s;
        q = q / s;
        r = r / s;
        if (m == l) break;
        if (abs(load<f64>(at(H, nn, m, m - 1))) * (abs(q) + abs(r)) <
            EPS * (abs(p) * (abs(load<f64>(at(H, nn, m - 1, m - 1))) + abs(z) + abs(load<f64>(at(H, nn, m + 1, m + 1)))))) {
          break;
        }
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        store<f64>(at(H, nn, i, i - 2), 0.0);
        if (i > m + 2) store<f64>(at(H, nn, i, i - 3), 0.0);
      }
      // Double QR step on rows l..n and columns m..n.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k != n - 1;
        if (k != m) {
          p = load<f64>(at(H, nn, k, k - 1));
          q = load<f64>(at(H, nn, k + 1, k - 1));
          r = notlast ? load<f64>(at(H, nn, k + 2, k - 1)) : 0.0;
          x = abs(p) + abs(q) + abs(r);
          if (x == 0.0) continue;
          p = p / x;
          q = q / x;
          r = r / x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s != 0) {
          if (k != m) store<f64>(at(H, nn, k, k - 1), -s * x);
          else if (l != m) store<f64>(at(H, nn, k, k - 1), -load<f64>(at(H, nn, k, k - 1)));
          p = p + s;
          x = p / s;
          y = q / s;
          z = r / s;
          q = q / p;
          r = r / p;
          // Row modification: three contiguous rows, vectorised across columns.
          const r0 = at(H, nn, k, 0), r1 = r0 + rowBytes;
          if (notlast) {
            const r2 = r1 + rowBytes;
            rowUpdate3(nn - k, r0 + (<usize>k << 3), r1 + (<usize>k << 3), r2 + (<usize>k << 3), q, r, x, y, z);
          } else {
            rowUpdate2(nn - k, r0 + (<usize>k << 3), r1 + (<usize>k << 3), q, x, y);
          }
          // Column modification: three adjacent entries per row, walking down the rows.
          const iEnd = min(n, k + 3);
          let c = at(H, nn, 0, k);
          if (notlast) {
            for (let i = 0; i <= iEnd; i++) {
              const h0 = load<f64>(c), h1 = load<f64>(c, 8), h2 = load<f64>(c, 16);
              p = x * h0 + y * h1 + z * h2;
              store<f64>(c, h0 - p);
              store<f64>(c, h1 - p * q, 8);
              store<f64>(c, h2 - p * r, 16);
              c += rowBytes;
            }
          } else {
            for (let i = 0; i <= iEnd; i++) {
              const h0 = load<f64>(c), h1 = load<f64>(c, 8);
              p = x * h0 + y * h1;
              store<f64>(c, h0 - p);
              store<f64>(c, h1 - p * q, 8);
              c += rowBytes;
            }
          }
          // Accumulate into the Schur vectors (rows of Zt).
          const z0 = Zt + <usize>k * rowBytes, z1 = z0 + rowBytes;
          if (notlast) colUpdate3(nn, z0, z1, z1 + rowBytes, x, y, z, q, r);
          else colUpdate2(nn, z0, z1, x, y, q);
        }
      }
    }
  }
  return 0;
}

// Row modification of the double-shift step on three rows a, b, c (len entries):
// p = a + q b + r c; c −= p z; a −= p x; b −= p y.
function rowUpdate3(len: i32, a: usize, b: usize, c: usize, q: f64, r: f64, x: f64, y: f64, z: f64): void {
  const vq = f64x2.splat(q), vr = f64x2.splat(r), vx = f64x2.splat(x), vy = f64x2.splat(y), vz = f64x2.splat(z);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    const o = <usize>j << 3;
    const va = v128.load(a + o), vb = v128.load(b + o), vc = v128.load(c + o);
    const p = f64x2.add(f64x2.add(va, f64x2.mul(vq, vb)), f64x2.mul(vr, vc));
    v128.store(c + o, f64x2.sub(vc, f64x2.mul(p, vz)));
    v128.store(a + o, f64x2.sub(va, f64x2.mul(p, vx)));
    v128.store(b + o, f64x2.sub(vb, f64x2.mul(p, vy)));
  }
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const p = load<f64>(a + o) + q * load<f64>(b + o) + r * load<f64>(c + o);
    store<f64>(c + o, load<f64>(c + o) - p * z);
    store<f64>(a + o, load<f64>(a + o) - p * x);
    store<f64>(b + o, load<f64>(b + o) - p * y);
  }
}

function rowUpdate2(len: i32, a: usize, b: usize, q: f64, x: f64, y: f64): void {
  for (let j = 0; j < len; j++) {
    const o = <usize>j << 3;
    const p = load<f64>(a + o) + q * load<f64>(b + o);
    store<f64>(a + o, load<f64>(a + o) - p * x);
    store<f64>(b + o, load<f64>(b + o) - p * y);
  }
}

// Column modification applied to rows of Zt: p = x a + y b + z c; c −= p r; a −= p; b −= p q.
function colUpdate3(len: i32, a: usize, b: usize, c: usize, x: f64, y: f64, z: f64, q: f64, r: f64): void {
  const vx = f64x2.splat(x), vy = f64x2.splat(y), vz = f64x2.splat(z), vq = f64x2.splat(q), vr = f64x2.splat(r);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    const o = <usize>j << 3;
    const va = v128.load(a + o), vb = v128.load(b + o), vc = v128.load(c + o);
    const p = f64x2.add(f64x2.add(f64x2.mul(vx, va), f64x2.mul(vy, vb)), f64x2.mul(vz, vc));
    v128.store(c + o, f64x2.sub(vc, f64x2.mul(p, vr)));
    v128.store(a + o, f64x2.sub(va, p));
    v128.store(b + o, f64x2.sub(vb, f64x2.mul(p, vq)));
  }
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const p = x * load<f64>(a + o) + y * load<f64>(b + o) + z * load<f64>(c + o);
    store<f64>(c + o, load<f64>(c + o) - p * r);
    store<f64>(a + o, load<f64>(a + o) - p);
    store<f64>(b + o, load<f64>(b + o) - p * q);
  }
}

function colUpdate2(len: i32, a: usize, b: usize, x: f64, y: f64, q: f64): void {
  for (let j = 0; j < len; j++) {
    const o = <usize>j << 3;
    const p = x * load<f64>(a + o) + y * load<f64>(b + o);
    store<f64>(a + o, load<f64>(a + o) - p);
    store<f64>(b + o, load<f64>(b + o) - p * q);
  }
}

// Σ_{j=l..n} T[i][j] v[j]
// @ts-ignore: decorator
@inline function rowDot(T: usize, nn: i32, i: i32, l: i32, n: i32, v: usize): f64 {
  let s = 0.0;
  const row = at(T, nn, i, 0);
  for (let j = l; j <= n; j++) s += load<f64>(row + (<usize>j << 3)) * ld(v, j);
  return s;
}

/**
 * Eigenvectors of the quasi-triangular T (back-substitution, EISPACK hqr2), written as
 * the columns of Y (n × n, upper triangular except within complex pairs' columns):
 * a complex pair (j, j+1) with wi[j] > 0 stores Re in column j, Im in column j+1.
 */
function schurVectors(nn: i32, T: usize, wr: usize, wi: usize, Y: usize): void {
  memory.fill(Y, 0, <usize>nn * <usize>nn << 3);
  let norm = 0.0;
  for (let i = 0; i < nn; i++) {
    for (let j = max(i - 1, 0); j < nn; j++) norm += abs(load<f64>(at(T, nn, i, j)));
  }
  if (norm == 0.0) {
    for (let i = 0; i < nn; i++) store<f64>(at(Y, nn, i, i), 1.0);
    return;
  }
  const xr = scratchAlloc(<usize>nn << 3);
  const xi = scratchAlloc(<usize>nn << 3);
  let p = 0.0, q = 0.0, r = 0.0, s = 0.0, z = 0.0, w = 0.0, x = 0.0, y = 0.0, t = 0.0;
  for (let n = nn - 1; n >= 0; n--) {
    p = ld(wr, n);
    q = ld(wi, n);
    if (q == 0) {
      // Real vector.
      memory.fill(xr, 0, <usize>nn << 3);
      let l = n;
      st(xr, n, 1.0);
      for (let i = n - 1; i >= 0; i--) {
        w = load<f64>(at(T, nn, i, i)) - p;
        r = rowDot(T, nn, i, l, n, xr);
        if (ld(wi, i) < 0.0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (ld(wi, i) == 0.0) {
            st(xr, i, w != 0.0 ? -r / w : -r / (EPS * norm));
          } else {
            x = load<f64>(at(T, nn, i, i + 1));
            y = load<f64>(at(T, nn, i + 1, i));
            q = (ld(wr, i) - p) * (ld(wr, i) - p) + ld(wi, i) * ld(wi, i);
            t = (x * s - z * r) / q;
            st(xr, i, t);
            st(xr, i + 1, abs(x) > abs(z) ? (-r - w * t) / x : (-s - y * t) / z);
          }
          // Overflow control.
          t = abs(ld(xr, i));
          if ((EPS * t) * t > 1) {
            for (let j = i; j <= n; j++) st(xr, j, ld(xr, j) / t);
          }
        }
      }
      for (let i = 0; i <= n; i++) store<f64>(at(Y, nn, i, n), ld(xr, i));
    } else if (q < 0) {
      // Complex vector for the pair (n−1, n): Re → column n−1, Im → column n.
      memory.fill(xr, 0, <usize>nn << 3);
      memory.fill(xi, 0, <usize>nn << 3);
      let l = n - 1;
      const hnn1 = load<f64>(at(T, nn, n, n - 1)), hn1n = load<f64>(at(T, nn, n - 1, n));
      if (abs(hnn1) > abs(hn1n)) {
        st(xr, n - 1, q / hnn1);
        st(xi, n - 1, -(load<f64>(at(T, nn, n, n)) - p) / hnn1);
      } else {
        cdiv(0.0, -hn1n, load<f64>(at(T, nn, n - 1, n - 1)) - p, q);
        st(xr, n - 1, cdivr);
        st(xi, n - 1, cdivi);
      }
      st(xr, n, 0.0);
      st(xi, n, 1.0);
      for (let i = n - 2; i >= 0; i--) {
        const ra = rowDot(T, nn, i, l, n, xr);
        const sa = rowDot(T, nn, i, l, n, xi);
        w = load<f64>(at(T, nn, i, i)) - p;
        if (ld(wi, i) < 0.0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (ld(wi, i) == 0) {
            cdiv(-ra, -sa, w, q);
            st(xr, i, cdivr);
            st(xi, i, cdivi);
          } else {
            // Solve the complex 2 × 2 equations.
            x = load<f64>(at(T, nn, i, i + 1));
            y = load<f64>(at(T, nn, i + 1, i));
            let vr = (ld(wr, i) - p) * (ld(wr, i) - p) + ld(wi, i) * ld(wi, i) - q * q;
            const vi = (ld(wr, i) - p) * 2.0 * q;
            if (vr == 0.0 && vi == 0.0) {
              vr = EPS * norm * (abs(w) + abs(q) + abs(x) + abs(y) + abs(z));
            }
            cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
            st(xr, i, cdivr);
            st(xi, i, cdivi);
            if (abs(x) > abs(z) + abs(q)) {
              st(xr, i + 1, (-ra - w * ld(xr, i) + q * ld(xi, i)) / x);
              st(xi, i + 1, (-sa - w * ld(xi, i) - q * ld(xr, i)) / x);
            } else {
              cdiv(-r - y * ld(xr, i), -s - y * ld(xi, i), z, q);
              st(xr, i + 1, cdivr);
              st(xi, i + 1, cdivi);
            }
          }
          t = max(abs(ld(xr, i)), abs(ld(xi, i)));
          if ((EPS * t) * t > 1) {
            for (let j = i; j <= n; j++) {
              st(xr, j, ld(xr, j) / t);
              st(xi, j, ld(xi, j) / t);
            }
          }
        }
      }
      for (let i = 0; i <= n; i++) {
        store<f64>(at(Y, nn, i, n - 1), ld(xr, i));
        store<f64>(at(Y, nn, i, n), ld(xi, i));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function precedes(ar: f64, ai: f64, br: f64, bi: f64): bool {
  // Descending modulus, then real part. The rest is left to the (stable) sort: the Schur
  // form holds each complex pair adjacent, +im first, so pairs stay together even when a
  // pair is repeated (sorting on the imaginary part put ±i, ±i as +i, +i, −i, −i).
  const ma = Math.hypot(ar, ai), mb = Math.hypot(br, bi);
  if (ma != mb) return ma > mb;
  return ar > br;
}

/**
 * Eigen-decomposition of A (n × n, leading dim lda; not modified).
 * wr, wi: eigenvalues (n each). If wantVectors ≠ 0, VR, VI (n × n, row-major) receive the
 * eigenvectors as columns, column j belonging to eigenvalue j.
 * Returns 0, or 1 when the QR iteration failed to converge.
 */
export function eig(n: i32, A: usize, lda: i32, wr: usize, wi: usize, VR: usize, VI: usize, wantVectors: i32): i32 {
  const H = scratchAlloc(<usize>n * <usize>n << 3);
  const D = scratchAlloc(<usize>n << 3);
  const Zt = scratchAlloc(<usize>n * <usize>n << 3);
  // The eigenvalues scale with A and the vectors do not, and the QR iteration multiplies
  // entries (eig of a 1e300 matrix gave -Infinity and NaN vectors; property tests). So A
  // is scaled by an exact power of two that centres its entries' magnitudes on 1 (the
  // largest kept within [1, 2^500]: squares cannot overflow). Where entries span more
  // than the float64 range allows (1.8e308 beside a block of ones) products of the small
  // ones still underflow and the iteration can stall: it is then retried with the largest
  // entry at 2^1000, with the smallest at 1, and last without balancing on A with its
  // entries below 2^-60 of the largest set to zero -- a perturbation under n·2^-60‖A‖,
  // within the backward error of the iteration itself.
  let expo = 0;
  let info = 1;
  for (let attempt = 0; attempt < 4 && info != 0; attempt++) {
    for (let i = 0; i < n; i++) memory.copy(at(H, n, i, 0), at(A, lda, i, 0), <usize>n << 3);
    const previous = expo; // the exponent of attempt − 1 (also when that attempt was skipped)
    expo = eigScaleExponent(n, H, attempt == 3 ? 0 : attempt);
    if ((attempt == 1 || attempt == 2) && expo == previous) continue;
    if (expo != 0) scalbnStrided(n * n, H, 8, -expo);
    if (attempt == 3) {
      const cut = Math.scalbn(1.0, ilog2(amax(n * n, H)) - 60);
      for (let i = 0; i < n * n; i++) if (abs(ld(H, i)) < cut) st(H, i, 0.0);
      for (let i = 0; i < n; i++) st(D, i, 1.0);
    } else {
      balance(n, H, D);
      if (wantVectors != 0) {
        // Eigenvectors come back as D X: the components that balancing shrank carry the
        // absolute error of X, magnified by max D / min D. With a strongly graded D that
        // gave ‖A v − λ v‖ ≈ 1e-7 ‖A‖ for [[1,0,1e-10],[0,0.5,0.594],[1e-10,0,0.2]]
        // (property tests), so then the vectors are computed without balancing: backward
        // stable.
        let dmin = ld(D, 0), dmax = dmin;
        for (let i = 1; i < n; i++) { dmin = min(dmin, ld(D, i)); dmax = max(dmax, ld(D, i)); }
        if (n > 0 && dmax > BALANCE_RANGE * dmin) {
          for (let i = 0; i < n; i++) memory.copy(at(H, n, i, 0), at(A, lda, i, 0), <usize>n << 3);
          if (expo != 0) scalbnStrided(n * n, H, 8, -expo);
          for (let i = 0; i < n; i++) st(D, i, 1.0);
        }
      }
    }
    hessenberg(n, H, Zt);
    info = schur(n, H, Zt, wr, wi);
  }
  if (info != 0) return info;

  // Sort order (insertion sort over indices; n is small and ties are rare).
  const order = scratchAlloc(<usize>n << 2);
  for (let i = 0; i < n; i++) store<i32>(order + (<usize>i << 2), i);
  for (let i = 1; i < n; i++) {
    const oi = load<i32>(order + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0) {
      const oj = load<i32>(order + (<usize>j << 2));
      if (!precedes(ld(wr, oi), ld(wi, oi), ld(wr, oj), ld(wi, oj))) break;
      store<i32>(order + (<usize>(j + 1) << 2), oj);
      j--;
    }
    store<i32>(order + (<usize>(j + 1) << 2), oi);
  }

  if (wantVectors) {
    const Y = scratchAlloc(<usize>n * <usize>n << 3);
    schurVectors(n, H, wr, wi, Y);
    // X = Z Y, then undo the balancing: rows scale by D.
    const X = scratchAlloc(<usize>n * <usize>n << 3);
    gemm(1, 0, n, n, n, 1.0, Zt, n, Y, n, 0.0, X, n);
    for (let i = 0; i < n; i++) {
      const di = ld(D, i);
      for (let j = 0; j < n; j++) store<f64>(at(X, n, i, j), load<f64>(at(X, n, i, j)) * di);
    }
    // Expand to complex columns, normalise, and place in sorted order.
    for (let c = 0; c < n; c++) {
      const src = load<i32>(order + (<usize>c << 2));
      const im = ld(wi, src);
      let reCol = src, imCol = -1;
      let sign = 1.0;
      if (im > 0) { imCol = src + 1; }
      else if (im < 0) { reCol = src - 1; imCol = src; sign = -1.0; }
      // Unit 2-norm and the largest entry real positive.
      let big = 0.0, bigR = 1.0, bigI = 0.0, nrm = 0.0;
      for (let i = 0; i < n; i++) {
        const a = load<f64>(at(X, n, i, reCol));
        const b = imCol >= 0 ? sign * load<f64>(at(X, n, i, imCol)) : 0.0;
        const mod = Math.hypot(a, b);
        if (mod > big * (1.0 + 1e-12)) { big = mod; bigR = a; bigI = b; }
        nrm = Math.hypot(nrm, mod);
      }
      // Multiply by conj(phase)/nrm, phase = (bigR + i bigI)/big.
      let fr = 1.0, fi = 0.0;
      if (big > 0.0) { fr = bigR / big; fi = -bigI / big; }
      const inv = nrm > 0.0 ? 1.0 / nrm : 1.0;
      for (let i = 0; i < n; i++) {
        const a = load<f64>(at(X, n, i, reCol));
        const b = imCol >= 0 ? sign * load<f64>(at(X, n, i, imCol)) : 0.0;
        store<f64>(at(VR, n, i, c), (a * fr - b * fi) * inv);
        store<f64>(at(VI, n, i, c), (a * fi + b * fr) * inv);
      }
    }
  }
  // Permute the eigenvalues into the sorted order.
  const tr = scratchAlloc(<usize>n << 3), ti = scratchAlloc(<usize>n << 3);
  for (let c = 0; c < n; c++) {
    const src = load<i32>(order + (<usize>c << 2));
    st(tr, c, ld(wr, src));
    st(ti, c, ld(wi, src));
  }
  memory.copy(wr, tr, <usize>n << 3);
  memory.copy(wi, ti, <usize>n << 3);
  // Undo the scaling last: the eigenvector solve above works with the scaled Schur form.
  if (expo != 0) {
    scalbnStrided(n, wr, 8, expo);
    scalbnStrided(n, wi, 8, expo);
  }
  return 0;
}
