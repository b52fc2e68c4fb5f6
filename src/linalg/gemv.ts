/** Matrix-vector product (mirror of assembly/gemv.ts). */
import { GlocalError } from "../core/errors";
import { MatrixLike, toMatrix, toVector, VectorLike } from "../core/matrix";
import { withScope } from "../core/scope";
import { checkOptions, optBoolean } from "../core/validate";
import { checkResult } from "./scaling";

/** op(A) x as a new vector; `trans` selects Aᵀ x. */
export function gemv(A: MatrixLike, x: VectorLike, options?: { trans?: boolean }): Float64Array {
  const o = checkOptions(options, ["trans"]);
  const trans = optBoolean(o.trans, "trans", false);
  const a = toMatrix(A, "A");
  const xv = toVector(x, "x");
  const need = trans ? a.rows : a.cols;
  if (xv.length !== need) {
    throw new GlocalError(
      "E_SHAPE",
      `x must have ${need} entries to match ${trans ? "Aᵀ" : "A"} (${a.rows} × ${a.cols}), got ${xv.length}`,
      "x",
    );
  }
  const outLen = trans ? a.cols : a.rows;
  return withScope((s) => {
    const y = s.alloc(outLen);
    s.k.gemv(trans ? 1 : 0, a.rows, a.cols, 1, s.put(a.data), a.cols, s.put(xv), 0, y);
    return checkResult(s.read(y, outLen), "the product (gemv)");
  });
}
