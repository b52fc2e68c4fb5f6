/** Nonsymmetric eigendecomposition (mirror of assembly/eig.ts). */
import { GlocalError } from "../core/errors";
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { Scope, withScope } from "../core/scope";
import { checkOptions, optBoolean } from "../core/validate";
import { checkResult } from "./scaling";

export interface ComplexVector {
  re: Float64Array;
  im: Float64Array;
}

export interface EigResult {
  /** Eigenvalues, sorted by modulus, then real part (descending); complex pairs adjacent, +im first. */
  values: ComplexVector;
  /** Column j is the unit-norm eigenvector of values[j], its largest entry real positive. */
  vectors: { re: Matrix; im: Matrix };
}

/** Runs the eig kernel on a matrix already in WebAssembly memory; returns pointers. */
export function eigInPlace(
  s: Scope,
  n: number,
  pa: number,
  lda: number,
  wantVectors: boolean,
): { wr: number; wi: number; VR: number; VI: number } {
  const wr = s.alloc(n),
    wi = s.alloc(n);
  const VR = wantVectors ? s.alloc(n * n) : 0;
  const VI = wantVectors ? s.alloc(n * n) : 0;
  const info = s.k.eig(n, pa, lda, wr, wi, VR, VI, wantVectors ? 1 : 0);
  if (info !== 0)
    throw new GlocalError("E_NOCONVERGE", `the eigenvalue iteration for the ${n} × ${n} matrix did not converge`);
  // Finite input, non-finite output: eigenvalues beyond float64 (E_TOO_LARGE), or an
  // iteration that lost itself in underflow -- entries spanning more than the float64
  // range gave NaN eigenvectors (property tests) -- which is reported as not converging.
  const bad = (p: number, len: number) => !s.f64(p, len).every(Number.isFinite);
  if (bad(wr, n) || bad(wi, n) || (wantVectors && (bad(VR, n * n) || bad(VI, n * n)))) {
    let big = 0;
    const a = s.f64(pa, (n - 1) * lda + n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) big = Math.max(big, Math.abs(a[i * lda + j]));
    if (n * big > 1e307 && (bad(wr, n) || bad(wi, n))) {
      throw new GlocalError(
        "E_TOO_LARGE",
        `the eigenvalues of the ${n} × ${n} matrix lie beyond the float64 range (|value| > 1.8e308); rescale the input`,
        "result",
      );
    }
    throw new GlocalError(
      "E_NOCONVERGE",
      `the eigenvalue iteration for the ${n} × ${n} matrix did not converge to finite values (its entries span more than the float64 range)`,
    );
  }
  return { wr, wi, VR, VI };
}

/** A X = X diag(λ) for a square real A; complex results as split re/im arrays. */
export function eig(A: MatrixLike, options?: { vectors?: boolean }): EigResult {
  const o = checkOptions(options, ["vectors"]);
  const wantVectors = optBoolean(o.vectors, "vectors", true);
  const a = toMatrix(A, "A");
  if (a.rows !== a.cols) throw new GlocalError("E_SHAPE", `A must be square, got ${a.rows} × ${a.cols}`, "A");
  const n = a.rows;
  return withScope((s) => {
    const r = eigInPlace(s, n, s.put(a.data), n, wantVectors);
    const empty = { rows: 0, cols: 0, data: new Float64Array(0) };
    return {
      values: {
        re: checkResult(s.read(r.wr, n), "the eigenvalues (eig)"),
        im: checkResult(s.read(r.wi, n), "the eigenvalues (eig)"),
      },
      vectors: wantVectors
        ? { re: { rows: n, cols: n, data: s.read(r.VR, n * n) }, im: { rows: n, cols: n, data: s.read(r.VI, n * n) } }
        : { re: empty, im: empty },
    };
  });
}
