/**
 * The host side of assembly/models/product.ts: while a session routes its batched model
 * products to gpu.js, the module's import `glocal.product` calls the hook installed here
 * (C (m×n, ldc) ← op(A)·op(B) + βC on pointers into WebAssembly memory; 1 when the hook
 * wrote C, 0 to leave the product to WebAssembly). Offloading is off outside `withProductHook`.
 */
import type { Kernels } from "./abi";

/** The arguments of one product: C (m×n, ldc) ← op(A)·op(B) + βC, pointers into WebAssembly memory. */
export type ProductCall = [
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  A: number,
  lda: number,
  B: number,
  ldb: number,
  beta: number,
  C: number,
  ldc: number,
];

export type ProductHook = (...call: ProductCall) => number;

let productHook: ProductHook | null = null;

/** The module's imports; `product` is called only while offloading is switched on. */
export const hostImports = {
  glocal: {
    product: (...call: ProductCall): number => (productHook === null ? 0 : productHook(...call)),
  },
};

/**
 * Runs `fn` with every batched model product of `k` offered to `hook` first (the GPU path
 * of src/gpu/dispatch.ts); offloading is switched off again afterwards, also on error.
 */
export function withProductHook<T>(k: Kernels, hook: ProductHook, fn: () => T): T {
  const previous = productHook;
  productHook = hook;
  k.setProductOffload(1);
  try {
    return fn();
  } finally {
    productHook = previous;
    k.setProductOffload(previous === null ? 0 : 1);
  }
}
