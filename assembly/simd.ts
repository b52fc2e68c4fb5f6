// Shared SIMD helpers. The relaxed-SIMD binary is built from the same source with
// `--enable relaxed-simd`; ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so
// the branch not taken disappears from each binary.

/** c + a * b on two f64 lanes: fused (relaxed) where the build allows, else mul + add. */
// @ts-ignore: decorator
@inline export function fma2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f64x2.relaxed_madd(a, b, c);
  } else {
    return f64x2.add(c, f64x2.mul(a, b));
  }
}

/** Horizontal sum of two f64 lanes. */
// @ts-ignore: decorator
@inline export function hsum2(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** 1 when this binary uses relaxed-SIMD fused multiply-add, else 0. */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
