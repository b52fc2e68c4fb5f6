// Weight decay per row of a parameter block (shared by the optimiser kernels).
//
// `decay` (rows f64) gives row r its own λ_r, and `dslot` (rows i32) the tangent slot of
// the φ that drives λ_r = exp φ (−1: none); a 0 pointer means every row has the block's
// `wd` (resp. `jWd`), the single-λ path. A block's rows are its input features, then its
// bias row, so this expresses decay on the weights only (λ = 0 on the bias row) and one
// weight decay per input feature, shared across the block's columns (classes).
import { f64At } from "../util";

/** Row r's weight decay: decay[r], or wd for every row when decay = 0. */
// @ts-ignore: decorator
@inline export function rowDecay(decay: usize, r: i32, wd: f64): f64 {
  return decay ? load<f64>(f64At(decay, r)) : wd;
}

/** The tangent slot of row r's weight decay: dslot[r], or jWd for every row when dslot = 0. */
// @ts-ignore: decorator
@inline export function rowSlot(dslot: usize, r: i32, jWd: i32): i32 {
  return dslot ? load<i32>(dslot + (<usize>r << 2)) : jWd;
}
