/**
 * The meta-optimiser shared by every hypergradient strategy: SGD or Adam on φ, after
 * clipping the hypergradient to a maximum norm. `shrink()` halves its step after a
 * rejected update (divergence), so a retried window moves φ more carefully.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optNumber } from "../core/validate";

/** The meta-optimiser on φ: Adam (default) or SGD, its step, and the hypergradient clipping norm. */
export interface MetaOptimizerSpec {
  /** "adam" (default) or "sgd". */
  kind?: "adam" | "sgd";
  /** Step size on φ (default 0.05: a 5 % change of lr or wd per update under Adam). */
  lr?: number;
  /** Clip the hypergradient to this Euclidean norm before the step (default: none). */
  clip?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class MetaOptimizer {
  readonly kind: "adam" | "sgd";
  lr: number;
  readonly clip: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  /** Updates whose hypergradient was clipped. */
  clipped = 0;

  constructor(spec: MetaOptimizerSpec | undefined, q: number) {
    const o = checkOptions(spec, ["kind", "lr", "clip", "beta1", "beta2", "eps"], "metaOptimizer");
    if (o.kind !== undefined && o.kind !== "adam" && o.kind !== "sgd") {
      throw new GlocalError(
        "E_OPTION",
        `metaOptimizer.kind must be 'adam' or 'sgd', got ${describe(o.kind)}`,
        "metaOptimizer.kind",
      );
    }
    this.kind = (o.kind as "adam" | "sgd" | undefined) ?? "adam";
    this.lr = optNumber(o.lr, "metaOptimizer.lr", 0.05, (v) => v > 0, "> 0");
    this.clip = optNumber(o.clip, "metaOptimizer.clip", Infinity, (v) => v > 0, "> 0");
    this.beta1 = optNumber(o.beta1, "metaOptimizer.beta1", 0.9, (v) => v >= 0 && v < 1, "in [0, 1)");
    this.beta2 = optNumber(o.beta2, "metaOptimizer.beta2", 0.999, (v) => v >= 0 && v < 1, "in [0, 1)");
    this.eps = optNumber(o.eps, "metaOptimizer.eps", 1e-8, (v) => v > 0, "> 0");
    this.m = new Float64Array(q);
    this.v = new Float64Array(q);
  }

  /** φ − step(h): a new φ (inputs untouched). */
  step(phi: Float64Array, h: ArrayLike<number>): Float64Array {
    const q = phi.length;
    let norm = 0;
    for (let i = 0; i < q; i++) norm += h[i] * h[i];
    norm = Math.sqrt(norm);
    const scale = norm > this.clip ? this.clip / norm : 1;
    if (scale < 1) this.clipped++;
    const out = new Float64Array(q);
    if (this.kind === "sgd") {
      for (let i = 0; i < q; i++) out[i] = phi[i] - this.lr * scale * h[i];
      return out;
    }
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t),
      c2 = 1 - Math.pow(this.beta2, this.t);
    for (let i = 0; i < q; i++) {
      const g = scale * h[i];
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * g * g;
      out[i] = phi[i] - (this.lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + this.eps);
    }
    return out;
  }

  /** Halves the step size (after a rejected update). */
  shrink(): void {
    this.lr *= 0.5;
  }
}
