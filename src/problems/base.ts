/**
 * The common part of the built-in problems: the data in persistent WebAssembly memory
 * (one block: train x, train y, val x, val y), the parameter blocks, θ₀, evaluation, and
 * disposal. Each model file (linear, logistic, softmax, mlp) adds its kernels.
 */
import { GlocalError, describe } from "../core/errors";
import { optBoolean, optNumber } from "../core/validate";
import { PersistentBlock } from "../core/block";
import type { Kernels } from "../core/abi";
import { withScope } from "../core/scope";
import { mixSeed, normals, checkSeed } from "../core/random";
import { MAX_MATRIX_ENTRIES, toVector } from "../core/matrix";
import { CheckedData } from "./data";
import { DecayMode, ParameterBlock, Problem, ProblemKind, ProblemWarning } from "./types";
import { constantFeatureWarnings } from "./warnings";

/** Loss heads (assembly/models/heads.ts). */
export const HEAD = { squared: 0, logistic: 1, softmax: 2 } as const;

/** Arguments of one gradient + tangent evaluation (pointers into WebAssembly memory). */
export interface GradJvpArgs {
  n: number;
  X: number;
  Y: number;
  /** Per-example weights, their tangent slot (i32) and dw/dφ; 0 when unweighted. */
  w: number;
  wIdx: number;
  wDer: number;
  /** 1 / batch size. */
  scale: number;
  /** Tangent slots in the stacks, and how many are active. */
  q: number;
  qa: number;
  theta: number;
  grad: number;
}

/** The arguments every gradient+JVP kernel takes after its model's shape, in kernel order. */
export function jvpArgs(a: GradJvpArgs) {
  return [a.q, a.qa, a.X, a.Y, a.w, a.wIdx, a.wDer, a.scale, a.theta, a.grad] as const;
}

export interface SplitPointers {
  x: number;
  y: number;
  n: number;
}

export abstract class BuiltinProblem implements Problem {
  abstract readonly kind: ProblemKind;
  readonly features: number;
  readonly outputs: number;
  readonly trainSize: number;
  readonly valSize: number;
  readonly blocks: readonly ParameterBlock[];
  readonly parameterCount: number;
  readonly hasAccuracy: boolean;
  readonly decay: DecayMode;
  readonly warnings: readonly ProblemWarning[];
  /** Numbers per example in the label block. */
  readonly labelCols: number;
  protected readonly head: number;
  private readonly theta0: Float64Array;
  private readonly block: PersistentBlock;
  private readonly layout: { trainX: number; trainY: number; valX: number; valY: number };

  /**
   * `widths`: the layer widths, input first; `biases[l]`: whether layer l has a bias row.
   */
  protected constructor(
    data: CheckedData,
    head: number,
    widths: readonly number[],
    biases: readonly boolean[],
    decay: DecayMode,
    initScale: number,
    seed: number,
  ) {
    this.features = data.features;
    this.outputs = data.outputs;
    this.trainSize = data.train.n;
    this.valSize = data.val.n;
    this.labelCols = data.labelCols;
    this.head = head;
    this.hasAccuracy = head !== HEAD.squared;
    const blocks: ParameterBlock[] = [];
    for (let l = 0; l + 1 < widths.length; l++)
      blocks.push({
        name: `layer${l + 1}`,
        rows: widths[l] + (biases[l] ? 1 : 0),
        cols: widths[l + 1],
        bias: biases[l],
      });
    this.blocks = Object.freeze(blocks.map((b) => Object.freeze(b)));
    this.parameterCount = blocks.reduce((s, b) => s + b.rows * b.cols, 0);
    // Before any allocation: a label of 1e9 (so 1e9 classes) or a huge hidden width made
    // the engine throw a bare RangeError (property tests).
    if (this.parameterCount > MAX_MATRIX_ENTRIES) {
      throw new GlocalError(
        "E_TOO_LARGE",
        `the model would have ${this.parameterCount} parameters, more than the ${MAX_MATRIX_ENTRIES} a WebAssembly buffer holds`,
        "problem",
      );
    }
    this.decay = decay;
    this.warnings = Object.freeze(biases[0] ? constantFeatureWarnings(data.train.x) : []);
    this.theta0 = initialParameters(this.blocks, initScale, seed);

    const { train, val } = data;
    const sizes = [train.x.data.length, train.y.length, val.x.data.length, val.y.length];
    const total = sizes.reduce((a, b) => a + b, 0);
    const block = new PersistentBlock(this, total, () => `this ${this.kind} problem`);
    this.block = block;
    const trainX = block.ptr,
      trainY = trainX + sizes[0] * 8,
      valX = trainY + sizes[1] * 8,
      valY = valX + sizes[2] * 8;
    this.layout = { trainX, trainY, valX, valY };
    const mem = block.view();
    mem.set(train.x.data, 0);
    mem.set(train.y, sizes[0]);
    mem.set(val.x.data, sizes[0] + sizes[1]);
    mem.set(val.y, sizes[0] + sizes[1] + sizes[2]);
  }

  get disposed(): boolean {
    return this.block.disposed;
  }

  initialTheta(): Float64Array {
    return this.theta0.slice();
  }

  /** @internal Pointers to a split's data; throws when disposed or the instance changed. */
  split(which: "train" | "val"): SplitPointers {
    this.checkLive();
    return which === "train"
      ? { x: this.layout.trainX, y: this.layout.trainY, n: this.trainSize }
      : { x: this.layout.valX, y: this.layout.valY, n: this.valSize };
  }

  /** @internal Throws E_DISPOSED when the data is gone. */
  checkLive(): void {
    this.block.check("problem");
  }

  /** @internal Gradient of the batch loss and its qa tangents into `grad`; returns the loss. */
  abstract gradJvp(k: Kernels, a: GradJvpArgs): number;

  /** @internal out[0] ← Σ ℓ, out[1] ← correct predictions on a split (primal θ of a stack with q slots). */
  abstract evalKernel(k: Kernels, s: SplitPointers, q: number, theta: number, out: number): void;

  evaluate(theta: ArrayLike<number>, split: "train" | "val" = "val"): { loss: number; accuracy: number | null } {
    if (split !== "train" && split !== "val")
      throw new GlocalError("E_OPTION", `split must be 'train' or 'val', got ${describe(split)}`, "split");
    const th = toVector(theta, "theta");
    if (th.length !== this.parameterCount) {
      throw new GlocalError("E_SHAPE", `theta must have ${this.parameterCount} entries, got ${th.length}`, "theta");
    }
    const sp = this.split(split);
    return withScope((s) => {
      // Canonical order is the tangent stack with q = 0.
      const t = s.put(th);
      const out = s.alloc(2);
      this.evalKernel(s.k, sp, 0, t, out);
      const [sum, correct] = s.read(out, 2);
      // As InnerTraining's losses: never Infinity out (data at 1e300 overflowed the loss).
      if (!Number.isFinite(sum))
        throw new GlocalError("E_DIVERGED", `the ${split} loss at theta is not finite (${sum / sp.n})`, "theta");
      return { loss: sum / sp.n, accuracy: this.hasAccuracy ? correct / sp.n : null };
    });
  }

  dispose(): void {
    this.block.dispose();
  }
}

function initialParameters(blocks: readonly ParameterBlock[], initScale: number, seed: number): Float64Array {
  const out = new Float64Array(blocks.reduce((s, b) => s + b.rows * b.cols, 0));
  if (initScale === 0) return out;
  const g = normals(mixSeed(seed, 0x1417));
  let o = 0;
  for (const b of blocks) {
    const fanIn = b.rows - (b.bias ? 1 : 0);
    const sd = initScale / Math.sqrt(fanIn);
    for (let i = 0; i < fanIn * b.cols; i++) out[o + i] = sd * g();
    o += b.rows * b.cols; // the bias row stays 0
  }
  return out;
}

/** The option keys every problem takes (the MLP's `bias` may also be one flag per layer). */
export const COMMON_OPTION_KEYS = ["seed", "initScale", "bias", "decay"] as const;

/** Validates the options every problem takes, except `bias` (see `biasOption`). */
export function commonOptions(
  o: Record<string, unknown>,
  defaultScale: number,
): { seed: number; initScale: number; decay: DecayMode } {
  const seed = checkSeed(o.seed, "seed");
  const initScale = optNumber(o.initScale, "initScale", defaultScale, (v) => v >= 0, ">= 0");
  const decay = o.decay === undefined ? "all" : o.decay;
  if (decay !== "all" && decay !== "weights") {
    throw new GlocalError(
      "E_OPTION",
      `option 'decay' must be 'all' (weight decay on every parameter) or 'weights' (not on the biases), got ${describe(o.decay)}`,
      "decay",
    );
  }
  return { seed, initScale, decay };
}

/** The `bias` option of a one-layer model: a boolean, default true. */
export function biasOption(v: unknown): boolean {
  return optBoolean(v, "bias", true);
}

/** The validated options of a one-layer (linear) model. */
export interface LinearModelOptions {
  seed: number;
  initScale: number;
  decay: DecayMode;
  bias: boolean;
}

/** Validates a linear model's options (θ₀ = 0 by default). */
export function linearModelOptions(o: Record<string, unknown>): LinearModelOptions {
  return { ...commonOptions(o, 0), bias: biasOption(o.bias) };
}
