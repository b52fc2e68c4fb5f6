/** Thin singular value decomposition (mirror of assembly/svd.ts). */
import { GlocalError } from "../core/errors";
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { Scope, withScope } from "../core/scope";
import { checkOptions, optBoolean } from "../core/validate";
import { checkResult } from "./scaling";

export interface SvdResult {
  /** m × k, orthonormal columns (absent when vectors: false). */
  U: Matrix;
  /** k singular values, descending, non-negative. */
  S: Float64Array;
  /** n × k, orthonormal columns: A = U diag(S) Vᵀ. */
  V: Matrix;
}

/** Runs the svd kernel on a matrix already in WebAssembly memory; returns pointers. */
export function svdInPlace(
  s: Scope,
  m: number,
  n: number,
  pa: number,
  lda: number,
  wantVectors: boolean,
): { S: number; U: number; V: number; k: number } {
  const k = Math.min(m, n);
  const S = s.alloc(k);
  const U = wantVectors ? s.alloc(m * k) : 0;
  const V = wantVectors ? s.alloc(n * k) : 0;
  const info = s.k.svd(m, n, pa, lda, S, U, V, wantVectors ? 1 : 0, wantVectors ? 1 : 0);
  if (info !== 0) throw new GlocalError("E_NOCONVERGE", `the SVD of the ${m} × ${n} matrix did not converge`);
  return { S, U, V, k };
}

/** A = U diag(S) Vᵀ (thin). With `vectors: false` only S is computed (U, V are 0 × 0). */
export function svd(A: MatrixLike, options?: { vectors?: boolean }): SvdResult {
  const o = checkOptions(options, ["vectors"]);
  const wantVectors = optBoolean(o.vectors, "vectors", true);
  const a = toMatrix(A, "A");
  const { rows: m, cols: n } = a;
  return withScope((s) => {
    const r = svdInPlace(s, m, n, s.put(a.data), n, wantVectors);
    const k = r.k;
    const empty = { rows: 0, cols: 0, data: new Float64Array(0) };
    return {
      U: wantVectors ? { rows: m, cols: k, data: s.read(r.U, m * k) } : empty,
      S: checkResult(s.read(r.S, k), "the singular values (svd)"),
      V: wantVectors ? { rows: n, cols: k, data: s.read(r.V, n * k) } : empty,
    };
  });
}
