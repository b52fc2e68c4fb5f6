/** Softmax (multinomial logistic) regression: ℓ_i = logsumexp(z_i) − z_{i,y_i}, z_i = Wᵀx_i + b. */
import { checkOptions, optInteger } from "../core/validate";
import { COMMON_OPTION_KEYS, HEAD, linearModelOptions } from "./base";
import { checkProblemData } from "./data";
import { LinearModelProblem } from "./linear";
import { Problem, ProblemData, ProblemOptions } from "./types";

export interface ClassifierOptions extends ProblemOptions {
  /** Number of classes (default: 1 + the largest label in train and val). */
  classes?: number;
}

/** Checks the `classes` option. */
export function classesOption(v: unknown): number | undefined {
  return v === undefined ? undefined : optInteger(v, "classes", 2, 2);
}

/**
 * Softmax regression; labels are class indices 0 … classes − 1. θ₀ = 0 by default.
 * Options `bias` and `decay`: see `ProblemOptions`.
 */
export function softmax(data: ProblemData, options: ClassifierOptions = {}): Problem {
  const raw = checkOptions(options, [...COMMON_OPTION_KEYS, "classes"]);
  const o = linearModelOptions(raw);
  const checked = checkProblemData(data, { kind: "classes", classes: classesOption(raw.classes) });
  return new LinearModelProblem("softmax", checked, HEAD.softmax, o);
}
