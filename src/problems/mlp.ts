/**
 * Multilayer perceptron with one or two smooth hidden layers and a softmax output
 * (mirror of assembly/models/mlp.ts). Activations: `tanh`, or `gelu` in its tanh
 * approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) — the derivatives used by the
 * JVP are exact for that formula.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions } from "../core/validate";
import type { Kernels } from "../core/abi";
import { BuiltinProblem, COMMON_OPTION_KEYS, GradJvpArgs, HEAD, SplitPointers, commonOptions, jvpArgs } from "./base";
import { CheckedData, checkProblemData } from "./data";
import { classesOption, ClassifierOptions } from "./softmax";
import { DecayMode, Problem, ProblemData } from "./types";

/** Hidden-layer activation of the MLP: `tanh`, or `gelu` in its tanh approximation. */
export type Activation = "tanh" | "gelu";
const ACT: Record<Activation, number> = { tanh: 0, gelu: 1 };

export interface MlpOptions extends Omit<ClassifierOptions, "bias"> {
  /** Hidden widths: one number or one or two of them (default [32]). */
  hidden?: number | readonly number[];
  /** Hidden activation (default `tanh`). */
  activation?: Activation;
  /** Whether the layers have a bias row: one flag for all, or one per layer (hidden
   *  layers, then the output layer). Default true. */
  bias?: boolean | readonly boolean[];
}

class MlpProblem extends BuiltinProblem {
  readonly kind = "mlp" as const;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  private readonly h1: number;
  private readonly h2: number;
  /** Bit l set: layer l has a bias row (the kernels' `biases`). */
  private readonly biasMask: number;

  constructor(
    data: CheckedData,
    hidden: number[],
    activation: Activation,
    biases: boolean[],
    decay: DecayMode,
    initScale: number,
    seed: number,
  ) {
    super(data, HEAD.softmax, [data.features, ...hidden, data.outputs], biases, decay, initScale, seed);
    this.hidden = Object.freeze(hidden.slice());
    this.activation = activation;
    this.h1 = hidden[0];
    this.h2 = hidden.length > 1 ? hidden[1] : 0;
    this.biasMask = biases.reduce((m, b, l) => m | ((b ? 1 : 0) << l), 0);
  }

  gradJvp(k: Kernels, a: GradJvpArgs): number {
    return k.mlpGradJvp(
      ACT[this.activation],
      this.head,
      a.n,
      this.features,
      this.h1,
      this.h2,
      this.outputs,
      this.biasMask,
      ...jvpArgs(a),
    );
  }

  evalKernel(k: Kernels, s: SplitPointers, q: number, theta: number, out: number): void {
    k.mlpEval(
      ACT[this.activation],
      this.head,
      s.n,
      this.features,
      this.h1,
      this.h2,
      this.outputs,
      this.biasMask,
      q,
      s.x,
      s.y,
      theta,
      out,
    );
  }
}

/**
 * An MLP classifier. θ₀: weights N(0, initScale²/fan-in) from `seed` (initScale default 1),
 * biases 0. Options `bias` (per layer) and `decay`: see `MlpOptions` and `ProblemOptions`.
 */
export function mlp(data: ProblemData, options: MlpOptions = {}): Problem {
  const o = checkOptions(options, [...COMMON_OPTION_KEYS, "classes", "hidden", "activation"]);
  const { seed, initScale, decay } = commonOptions(o, 1);
  const hidden =
    o.hidden === undefined
      ? [32]
      : typeof o.hidden === "number"
        ? [o.hidden]
        : Array.isArray(o.hidden)
          ? o.hidden.slice()
          : null;
  if (
    !hidden ||
    hidden.length < 1 ||
    hidden.length > 2 ||
    !hidden.every((h) => typeof h === "number" && Number.isInteger(h) && h >= 1)
  ) {
    throw new GlocalError(
      "E_OPTION",
      `option 'hidden' must be one or two positive integer widths, got ${describe(o.hidden)}`,
      "hidden",
    );
  }
  const activation = o.activation === undefined ? "tanh" : o.activation;
  if (activation !== "tanh" && activation !== "gelu") {
    throw new GlocalError(
      "E_OPTION",
      `option 'activation' must be 'tanh' or 'gelu', got ${describe(activation)}`,
      "activation",
    );
  }
  const biases = layerBiases(o.bias, hidden.length + 1);
  const checked = checkProblemData(data, { kind: "classes", classes: classesOption(o.classes) });
  return new MlpProblem(checked, hidden as number[], activation, biases, decay, initScale, seed);
}

/** The MLP's `bias` option: one boolean for every layer, or one per layer. */
function layerBiases(v: unknown, layers: number): boolean[] {
  if (v === undefined) return new Array<boolean>(layers).fill(true);
  if (typeof v === "boolean") return new Array<boolean>(layers).fill(v);
  if (Array.isArray(v) && v.length === layers && v.every((b) => typeof b === "boolean")) return v.slice();
  throw new GlocalError(
    "E_OPTION",
    `option 'bias' must be a boolean or ${layers} booleans (one per layer: hidden layers, then output), got ${describe(v)}`,
    "bias",
  );
}
