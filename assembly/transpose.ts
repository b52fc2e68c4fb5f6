// Out-of-place transpose of a row-major f64 matrix, tiled for the cache.
import { at } from "./util";

/** dst (cols × rows) ← srcᵀ (rows × cols, leading dim lds). */
export function transpose(rows: i32, cols: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  const B: i32 = 32; // cache tiles
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) store<f64>(at(dst, ldd, j, i), load<f64>(at(src, lds, i, j)));
      }
    }
  }
}
