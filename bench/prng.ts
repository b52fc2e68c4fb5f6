/**
 * Seeded inputs, so every implementation (and the child process that measures the other
 * WebAssembly binary) sees bit-identical matrices.
 */
import type { Matrix } from "../src/index";
import { mulberry32 } from "../src/core/random";

/** Standard normal samples by Box–Muller (both outputs of each pair are used). */
export function normals(count: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - u(); // (0, 1]: log stays finite
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** A rows × cols matrix of N(0, 1) entries. */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  return { rows, cols, data: normals(rows * cols, seed) };
}
