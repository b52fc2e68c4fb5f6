// The tangent-stacked layout shared by the model and optimiser kernels.
//
// A parameter block of shape rows × cols is stored with its q tangents beside it:
// row r holds [w_r | ẇ_{1,r} | … | ẇ_{q,r}], i.e. a rows × cols·(1+q) row-major matrix.
// With this layout the forward product X·[W | Ẇ₁ … Ẇ_q] and the backward product
// Xᵀ·[R | Ṙ₁ … Ṙ_q] are single gemm calls, and an n × d(1+q) activation stack read as
// n(1+q) × d rows lists each example's primal and tangents as consecutive rows.
import { f64At } from "../util";

/** dst (count × cols) ← the rows idx[0..count) of src (· × cols). */
export function gatherRows(count: i32, idx: usize, cols: i32, src: usize, dst: usize): void {
  const bytes = <usize>cols << 3;
  for (let r = 0; r < count; r++) {
    const i = load<i32>(idx + (<usize>r << 2));
    memory.copy(dst + <usize>r * bytes, src + <usize>i * bytes, bytes);
  }
}

/** 1 when all n entries are finite, else 0 (x·0 is NaN exactly for ±∞ and NaN). */
export function allFinite(n: i32, x: usize): i32 {
  let acc = f64x2.splat(0);
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(f64At(x, i)), zero));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += load<f64>(f64At(x, i)) * 0.0;
  return s == 0.0 ? 1 : 0;
}

/** 1 when the primal and the first qa tangents of a stacked block are all finite. */
export function stackFinite(rows: i32, cols: i32, q: i32, qa: i32, x: usize): i32 {
  const ld = cols * (1 + q), w = cols * (1 + qa);
  for (let r = 0; r < rows; r++) if (!allFinite(w, f64At(x, r * ld))) return 0;
  return 1;
}

/**
 * h[j] += Σ_{r,c} ẇ_j[r,c] · g[r,c] for j < q: the tangents of one parameter block
 * (stacked, width cols·(1+q)) against a gradient held in the primal slots of a stack of
 * the same shape. This is the hypergradient Ż[θ]ᵀ ∇ℓ̃, one block at a time.
 */
export function tangentDot(rows: i32, cols: i32, q: i32, theta: usize, g: usize, h: usize): void {
  const ld = cols * (1 + q);
  for (let j = 0; j < q; j++) {
    let s = 0.0;
    for (let r = 0; r < rows; r++) {
      const t = f64At(theta, r * ld + (j + 1) * cols);
      const gr = f64At(g, r * ld);
      for (let c = 0; c < cols; c++) s += load<f64>(f64At(t, c)) * load<f64>(f64At(gr, c));
    }
    store<f64>(f64At(h, j), load<f64>(f64At(h, j)) + s);
  }
}
