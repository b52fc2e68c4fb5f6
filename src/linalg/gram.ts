/** Gram matrix XᵀX (mirror of assembly/gram.ts): one triangle computed, exactly symmetric. */
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { withScope } from "../core/scope";
import { checkResult } from "./scaling";

export function gram(X: MatrixLike): Matrix {
  const x = toMatrix(X, "X");
  return withScope((s) => {
    const g = s.alloc(x.cols * x.cols);
    s.k.gram(x.rows, x.cols, s.put(x.data), g);
    return { rows: x.cols, cols: x.cols, data: checkResult(s.read(g, x.cols * x.cols), "the Gram matrix") };
  });
}
