/**
 * Per-example loss weights as hyperparameters: their options, their initial values, and
 * the transforms between φ and w (sigmoid: w ∈ (0, 1); softplus: w > 0).
 */
import { GlocalError, describe } from "../core/errors";

/** How φ_i maps to the weight w_i: sigmoid (w ∈ (0, 1)) or softplus (w > 0). */
export type WeightTransform = "sigmoid" | "softplus";

/** Per-example loss weights w_i (the training loss is the batch mean of w_i ℓ_i). */
export interface WeightsOptions {
  /** How φ_i maps to w_i: `sigmoid` (w ∈ (0, 1), default) or `softplus` (w > 0). */
  transform?: WeightTransform;
  /** Initial weights in natural units, one number for all or one per training example
   *  (default 0.5 for sigmoid, 1 for softplus). */
  initial?: number | ArrayLike<number>;
  /** With `hyper: ['weights']`: the training examples whose weights are hyperparameters
   *  (default all); the others stay fixed at their initial values. */
  indices?: readonly number[];
}

/** σ(x), without overflow for large |x|. */
export const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** σ⁻¹(p). */
export const logit = (p: number) => Math.log(p) - Math.log1p(-p);
/** log(1 + eˣ), without overflow. */
export const softplus = (x: number) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
/** The inverse of softplus, for w > 0. */
export const softplusInv = (w: number) => (w > 30 ? w + Math.log(-Math.expm1(-w)) : Math.log(Math.expm1(w)));

/** The `weights.transform` option (default sigmoid). */
export function checkTransform(v: unknown): WeightTransform {
  const transform = v === undefined ? "sigmoid" : v;
  if (transform !== "sigmoid" && transform !== "softplus") {
    throw new GlocalError(
      "E_OPTION",
      `option 'weights.transform' must be 'sigmoid' or 'softplus', got ${describe(transform)}`,
      "weights.transform",
    );
  }
  return transform;
}

/** The initial natural weights (validated against the transform when they are optimised). */
export function initialWeights(
  initial: unknown,
  n: number,
  transform: WeightTransform,
  optimised: boolean,
): Float64Array {
  const out = new Float64Array(n);
  const dflt = transform === "sigmoid" ? 0.5 : 1;
  if (initial === undefined) return out.fill(dflt);
  const check = (v: unknown, where: string): number => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new GlocalError(
        typeof v === "number" ? "E_NONFINITE" : "E_TYPE",
        `weights.initial${where} must be a finite number, got ${describe(v)}`,
        "weights.initial",
      );
    }
    const ok = optimised ? (transform === "sigmoid" ? v > 0 && v < 1 : v > 0) : v >= 0;
    if (!ok) {
      const range = optimised
        ? transform === "sigmoid"
          ? "in (0, 1) for the sigmoid transform"
          : "> 0 for the softplus transform"
        : ">= 0";
      throw new GlocalError("E_OPTION", `weights.initial${where} must be ${range}, got ${v}`, "weights.initial");
    }
    return v;
  };
  if (typeof initial === "number") return out.fill(check(initial, ""));
  if (!(Array.isArray(initial) || ArrayBuffer.isView(initial))) {
    throw new GlocalError(
      "E_TYPE",
      `weights.initial must be a number or an array of ${n} numbers, got ${describe(initial)}`,
      "weights.initial",
    );
  }
  const a = initial as ArrayLike<unknown>;
  if (a.length !== n)
    throw new GlocalError(
      "E_SHAPE",
      `weights.initial must have one entry per training example (${n}), got ${a.length}`,
      "weights.initial",
    );
  for (let i = 0; i < n; i++) out[i] = check(a[i], `[${i}]`);
  return out;
}

/** The `weights.indices` option: distinct example indices, sorted (default: all). */
export function checkIndices(v: unknown, n: number): Int32Array {
  if (v === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
    throw new GlocalError(
      "E_OPTION",
      `option 'weights.indices' must be an array of example indices, got ${describe(v)}`,
      "weights.indices",
    );
  }
  const a = v as ArrayLike<unknown>,
    seen = new Set<number>();
  for (let k = 0; k < a.length; k++) {
    const i = a[k];
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= n || seen.has(i)) {
      throw new GlocalError(
        "E_OPTION",
        `weights.indices[${k}] must be a distinct training-example index in 0…${n - 1}, got ${describe(i)}`,
        "weights.indices",
      );
    }
    seen.add(i);
  }
  return Int32Array.from(Array.from(seen).sort((x, y) => x - y));
}
