/**
 * `batchedProduct(A, B)`: one batched model product (the kernel every dense layer uses,
 * assembly/models/product.ts) on matrices from JS, through the same dispatch as training.
 * For comparing the backends and measuring them; training never calls it.
 */
import { GlocalError } from "../core/errors";
import { checkOptions, optBoolean } from "../core/validate";
import { Matrix, MatrixLike, toMatrix } from "../core/matrix";
import { withScope } from "../core/scope";
import { PRODUCT_OPTION_KEYS, ProductOptions, resolveProducts, runProducts } from "./dispatch";

export interface BatchedProductOptions extends ProductOptions {
  /** Use Aᵀ in place of A. */
  transA?: boolean;
  /** Use Bᵀ in place of B. */
  transB?: boolean;
}

/** op(A)·op(B), a new m × n matrix, on the backend the options select (default 'auto'). */
export function batchedProduct(A: MatrixLike, B: MatrixLike, options: BatchedProductOptions = {}): Matrix {
  const o = checkOptions(options, ["transA", "transB", ...PRODUCT_OPTION_KEYS], "batchedProduct options");
  const a = toMatrix(A, "A"),
    b = toMatrix(B, "B");
  const transA = optBoolean(o.transA, "transA", false);
  const transB = optBoolean(o.transB, "transB", false);
  const m = transA ? a.cols : a.rows,
    k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows,
    n = transB ? b.rows : b.cols;
  if (k !== kb)
    throw new GlocalError("E_SHAPE", `inner dimensions differ: op(A) is ${m} × ${k}, op(B) is ${kb} × ${n}`, "B");
  const route = resolveProducts({
    backend: o.backend as ProductOptions["backend"],
    gpuMode: o.gpuMode as ProductOptions["gpuMode"],
  });
  return withScope((s) => {
    const pa = s.put(a.data),
      pb = s.put(b.data),
      pc = s.alloc(m * n);
    runProducts(route, () =>
      s.k.modelProduct(transA ? 1 : 0, transB ? 1 : 0, m, n, k, pa, a.cols, pb, b.cols, 0, pc, n),
    );
    return { rows: m, cols: n, data: s.read(pc, m * n) };
  });
}
