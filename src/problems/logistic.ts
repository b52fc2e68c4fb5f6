/** Binary logistic regression: ℓ_i = log(1 + e^{z_i}) − y_i z_i, z_i = wᵀx_i + b, y_i ∈ {0, 1}. */
import { checkOptions } from "../core/validate";
import { COMMON_OPTION_KEYS, HEAD, linearModelOptions } from "./base";
import { checkProblemData } from "./data";
import { LinearModelProblem } from "./linear";
import { Problem, ProblemData, ProblemOptions } from "./types";

/**
 * Binary logistic regression; labels 0 or 1; accuracy thresholds z at 0. θ₀ = 0 by default.
 * Options `bias` and `decay`: see `ProblemOptions`.
 */
export function logistic(data: ProblemData, options: ProblemOptions = {}): Problem {
  const o = linearModelOptions(checkOptions(options, COMMON_OPTION_KEYS));
  return new LinearModelProblem("logistic", checkProblemData(data, { kind: "binary" }), HEAD.logistic, o);
}
