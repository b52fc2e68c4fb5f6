/**
 * Linear least squares: ℓ_i = ½‖Wᵀx_i + b − y_i‖², one or several outputs (mirror of
 * assembly/models/linear.ts, which also serves logistic and softmax regression).
 */
import { checkOptions } from "../core/validate";
import type { Kernels } from "../core/abi";
import {
  BuiltinProblem,
  COMMON_OPTION_KEYS,
  GradJvpArgs,
  HEAD,
  LinearModelOptions,
  SplitPointers,
  jvpArgs,
  linearModelOptions,
} from "./base";
import { CheckedData, checkProblemData } from "./data";
import { Problem, ProblemData, ProblemKind, ProblemOptions } from "./types";

/** A linear model z = Wᵀx + b (θ = one block: W's p rows, then b unless `bias` is false) with a loss head. */
export class LinearModelProblem extends BuiltinProblem {
  readonly kind: ProblemKind;
  private readonly bias: number;

  constructor(kind: ProblemKind, data: CheckedData, head: number, o: LinearModelOptions) {
    super(data, head, [data.features, data.outputs], [o.bias], o.decay, o.initScale, o.seed);
    this.kind = kind;
    this.bias = o.bias ? 1 : 0;
  }

  gradJvp(k: Kernels, a: GradJvpArgs): number {
    return k.linearGradJvp(this.head, a.n, this.features, this.outputs, this.bias, ...jvpArgs(a));
  }

  evalKernel(k: Kernels, s: SplitPointers, q: number, theta: number, out: number): void {
    k.linearEval(this.head, s.n, this.features, this.outputs, this.bias, q, s.x, s.y, theta, out);
  }
}

/**
 * Linear least squares. `y` is a vector (one output) or an n × k matrix (k outputs).
 * θ₀ = 0 unless `initScale` > 0. Options `bias` and `decay`: see `ProblemOptions`.
 */
export function linear(data: ProblemData, options: ProblemOptions = {}): Problem {
  const o = linearModelOptions(checkOptions(options, COMMON_OPTION_KEYS));
  return new LinearModelProblem("linear", checkProblemData(data, { kind: "targets" }), HEAD.squared, o);
}
