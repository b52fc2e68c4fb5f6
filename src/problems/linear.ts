/**
 * Linear least squares: ℓ_i = ½‖Wᵀx_i + b − y_i‖², one or several outputs (mirror of
 * assembly/models/linear.ts, which also serves logistic and softmax regression).
 */
import { checkOptions } from "../core/validate";
import type { Kernels } from "../core/abi";
import { BuiltinProblem, GradJvpArgs, HEAD, SplitPointers, commonOptions, jvpArgs } from "./base";
import { CheckedData, checkProblemData } from "./data";
import { Problem, ProblemData, ProblemKind, ProblemOptions } from "./types";

/** A linear model z = Wᵀx + b (θ = one block: W's p rows, then b) with a loss head. */
export class LinearModelProblem extends BuiltinProblem {
  readonly kind: ProblemKind;

  constructor(kind: ProblemKind, data: CheckedData, head: number, initScale: number, seed: number) {
    super(data, head, [data.features, data.outputs], initScale, seed);
    this.kind = kind;
  }

  gradJvp(k: Kernels, a: GradJvpArgs): number {
    return k.linearGradJvp(this.head, a.n, this.features, this.outputs, ...jvpArgs(a));
  }

  evalKernel(k: Kernels, s: SplitPointers, q: number, theta: number, out: number): void {
    k.linearEval(this.head, s.n, this.features, this.outputs, q, s.x, s.y, theta, out);
  }
}

/**
 * Linear least squares. `y` is a vector (one output) or an n × k matrix (k outputs).
 * θ₀ = 0 unless `initScale` > 0.
 */
export function linear(data: ProblemData, options: ProblemOptions = {}): Problem {
  const o = checkOptions(options, ["seed", "initScale"]);
  const { seed, initScale } = commonOptions(o, 0);
  return new LinearModelProblem("linear", checkProblemData(data, { kind: "targets" }), HEAD.squared, initScale, seed);
}
