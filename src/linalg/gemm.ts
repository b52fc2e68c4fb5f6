/** General matrix product (mirror of assembly/gemm.ts). */
import { GlocalError } from "../core/errors";
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { withScope } from "../core/scope";
import { checkOptions, optBoolean, optNumber } from "../core/validate";
import { checkResult } from "./scaling";

export interface GemmOptions {
  /** Use Aᵀ in place of A. */
  transA?: boolean;
  /** Use Bᵀ in place of B. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Matrix added to the product, scaled by beta (not modified). */
  C?: MatrixLike;
  /** Scale of C (default 1 when C is given). */
  beta?: number;
}

/** α op(A) op(B) + β C, a new m × n matrix. E_TOO_LARGE when the product overflows float64. */
export function gemm(A: MatrixLike, B: MatrixLike, options?: GemmOptions): Matrix {
  const o = checkOptions(options, ["transA", "transB", "alpha", "C", "beta"]);
  const a = toMatrix(A, "A"),
    b = toMatrix(B, "B");
  const transA = optBoolean(o.transA, "transA", false);
  const transB = optBoolean(o.transB, "transB", false);
  const alpha = optNumber(o.alpha, "alpha", 1);
  const m = transA ? a.cols : a.rows,
    k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows,
    n = transB ? b.rows : b.cols;
  if (k !== kb) {
    throw new GlocalError("E_SHAPE", `inner dimensions differ: op(A) is ${m} × ${k}, op(B) is ${kb} × ${n}`, "B");
  }
  const c = o.C === undefined ? undefined : toMatrix(o.C, "C");
  if (c && (c.rows !== m || c.cols !== n)) {
    throw new GlocalError("E_SHAPE", `C must be ${m} × ${n}, got ${c.rows} × ${c.cols}`, "C");
  }
  // Validated with or without C: a bad beta used to pass silently when C was absent.
  const betaOpt = optNumber(o.beta, "beta", 1);
  const beta = c ? betaOpt : 0;
  return withScope((s) => {
    const pa = s.put(a.data),
      pb = s.put(b.data);
    const pc = c ? s.put(c.data) : s.alloc(m * n);
    s.k.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, a.cols, pb, b.cols, beta, pc, n);
    return { rows: m, cols: n, data: checkResult(s.read(pc, m * n), "the product (gemm)") };
  });
}
