/** Householder QR (mirror of assembly/qr.ts). */
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { withScope } from "../core/scope";
import { checkResult, maxAbs, rescaleInPlace, scaleExponent, scaledCopy } from "./scaling";

/**
 * Thin QR: A (m × n) = Q R with Q m × k orthonormal columns, R k × n upper triangular, k = min(m, n).
 * A is scaled by a power of two first (R scales with A, Q does not), so subnormal and
 * huge entries are exact; E_TOO_LARGE when R overflows float64.
 */
export function qr(A: MatrixLike): { Q: Matrix; R: Matrix } {
  const a = toMatrix(A, "A");
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const e = scaleExponent(maxAbs(a.data));
  return withScope((s) => {
    const pa = s.put(scaledCopy(a.data, e)),
      tau = s.alloc(k),
      pq = s.alloc(m * k);
    s.k.qrFactor(m, n, pa, n, tau);
    s.k.qrFormQ(m, k, pa, n, tau, pq);
    const f = s.f64(pa, m * n);
    const R = new Float64Array(k * n);
    for (let i = 0; i < k; i++) for (let j = i; j < n; j++) R[i * n + j] = f[i * n + j];
    return {
      Q: { rows: m, cols: k, data: s.read(pq, m * k) },
      R: { rows: k, cols: n, data: checkResult(rescaleInPlace(R, e), "R (qr)") },
    };
  });
}
