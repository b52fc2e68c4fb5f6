/**
 * Hyperparameters in their unconstrained parameterisation φ:
 *
 * | name              | natural value                         | φ                |
 * |-------------------|---------------------------------------|------------------|
 * | `log_lr`          | learning rate α = exp φ               | log α            |
 * | `log_wd`          | weight decay λ = exp φ                | log λ            |
 * | `logit_momentum`  | μ (heavy ball) or β₁ (Adam) = σ(φ)    | logit μ          |
 * | `w[i]`            | loss weight of training example i:    | logit w or       |
 * |                   | σ(φ) (sigmoid) or log(1 + e^φ) (softplus) | softplus⁻¹(w) |
 *
 * φ is ordered lr, wd, momentum, then the weights by example index; only the selected
 * hyperparameters are in φ, the others keep their natural values.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions } from "../core/validate";
import { OptimizerSpec, hasMomentum, momentumValue } from "./optim";

/** Which hyperparameters to optimise. `weights` = one loss weight per training example. */
export type HyperName = "lr" | "wd" | "momentum" | "weights";
export const HYPER_NAMES: readonly HyperName[] = ["lr", "wd", "momentum", "weights"];

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

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const logit = (p: number) => Math.log(p) - Math.log1p(-p);
const softplus = (x: number) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const softplusInv = (w: number) => (w > 30 ? w + Math.log(-Math.expm1(-w)) : Math.log(Math.expm1(w)));

/** Tangent slot of each hyperparameter kind (−1 when not optimised). */
export interface HyperSlots {
  readonly lr: number;
  readonly wd: number;
  readonly momentum: number;
  /** Slot of the first optimised weight (the rest follow in example order), −1 for none. */
  readonly weights: number;
}

/** The hyperparameters of one training session: φ, names, and their natural values. */
export class HyperParameters {
  readonly names: readonly string[];
  readonly q: number;
  readonly slots: HyperSlots;
  readonly transform: WeightTransform;
  lr: number;
  wd: number;
  /** μ (heavy ball) or β₁ (Adam); 0 for SGD. */
  momentum: number;
  /** Natural per-example weights, or null when the loss is unweighted. */
  readonly weights: Float64Array | null;
  /** dw_i/dφ_i when the weights are optimised, else null. */
  readonly weightDer: Float64Array | null;
  /** Tangent slot of example i's weight (−1 when fixed), or null when none is optimised. */
  readonly weightSlot: Int32Array | null;
  /** Examples whose weights are in φ, in φ's order. */
  private readonly weightIndices: Int32Array;
  private readonly phi: Float64Array;

  constructor(optimizer: OptimizerSpec, nTrain: number, hyper: unknown, weightsOption: unknown) {
    const selected = checkHyperList(hyper, optimizer);
    const w = checkOptions(weightsOption, ["transform", "initial", "indices"], "weights");
    const transform = w.transform === undefined ? "sigmoid" : w.transform;
    if (transform !== "sigmoid" && transform !== "softplus") {
      throw new GlocalError(
        "E_OPTION",
        `option 'weights.transform' must be 'sigmoid' or 'softplus', got ${describe(transform)}`,
        "weights.transform",
      );
    }
    this.transform = transform;
    const optimiseWeights = selected.has("weights");
    const names: string[] = [];
    let next = 0;
    const slot = (h: HyperName, name: string) => {
      if (!selected.has(h)) return -1;
      names.push(name);
      return next++;
    };
    const lr = slot("lr", "log_lr"),
      wd = slot("wd", "log_wd"),
      mom = slot("momentum", "logit_momentum");
    this.weightIndices = optimiseWeights ? checkIndices(w.indices, nTrain) : new Int32Array(0);
    if (!optimiseWeights && w.indices !== undefined) {
      throw new GlocalError("E_OPTION", "option 'weights.indices' needs 'weights' in hyper", "weights.indices");
    }
    const wSlot = this.weightIndices.length > 0 ? next : -1;
    this.weightSlot = optimiseWeights ? new Int32Array(nTrain).fill(-1) : null;
    for (const i of this.weightIndices) {
      names.push(`w[${i}]`);
      (this.weightSlot as Int32Array)[i] = next++;
    }
    this.slots = { lr, wd, momentum: mom, weights: wSlot };
    this.names = Object.freeze(names);
    this.q = next;
    this.lr = optimizer.lr;
    this.wd = optimizer.wd;
    this.momentum = momentumValue(optimizer);
    const useWeights = optimiseWeights || weightsOption !== undefined;
    this.weights = useWeights ? initialWeights(w.initial, nTrain, transform, optimiseWeights) : null;
    this.weightDer = optimiseWeights ? new Float64Array(nTrain) : null;
    this.phi = new Float64Array(this.q);
    if (lr >= 0) this.phi[lr] = Math.log(this.lr);
    if (wd >= 0) this.phi[wd] = Math.log(this.wd);
    if (mom >= 0) this.phi[mom] = logit(this.momentum);
    const ws = this.weights as Float64Array;
    this.weightIndices.forEach(
      (i, k) => (this.phi[wSlot + k] = transform === "sigmoid" ? logit(ws[i]) : softplusInv(ws[i])),
    );
    this.apply();
  }

  /** A copy of φ. */
  getPhi(): Float64Array {
    return this.phi.slice();
  }

  /** Sets φ (validated: length q, finite) and the natural values derived from it. */
  setPhi(phi: unknown, name = "phi"): void {
    if (!(Array.isArray(phi) || ArrayBuffer.isView(phi))) {
      throw new GlocalError("E_TYPE", `${name} must be an array of ${this.q} numbers, got ${describe(phi)}`, name);
    }
    const v = phi as ArrayLike<unknown>;
    if (v.length !== this.q)
      throw new GlocalError(
        "E_SHAPE",
        `${name} must have ${this.q} entries (${this.names.slice(0, 4).join(", ")}${this.q > 4 ? ", …" : ""}), got ${v.length}`,
        name,
      );
    for (let i = 0; i < this.q; i++) {
      const x = v[i];
      if (typeof x !== "number")
        throw new GlocalError("E_TYPE", `${name}[${i}] must be a number, got ${describe(x)}`, name);
      if (!Number.isFinite(x))
        throw new GlocalError("E_NONFINITE", `${name}[${i}] (${this.names[i]}) is not finite: ${describe(x)}`, name);
    }
    const previous = this.phi.slice();
    for (let i = 0; i < this.q; i++) this.phi[i] = v[i] as number;
    try {
      this.apply();
    } catch (e) {
      this.phi.set(previous); // a rejected φ changes nothing
      throw e;
    }
  }

  /** Natural values from φ; a φ that overflows them (α = ∞) is rejected. */
  private apply(): void {
    const { lr, wd, momentum, weights } = this.slots;
    const lrv = lr >= 0 ? Math.exp(this.phi[lr]) : this.lr;
    const wdv = wd >= 0 ? Math.exp(this.phi[wd]) : this.wd;
    if (!(lrv > 0 && Number.isFinite(lrv)))
      throw new GlocalError(
        "E_OPTION",
        `log_lr = ${this.phi[lr]} gives learning rate ${lrv}, which is not a finite number > 0`,
        "phi",
      );
    if (!Number.isFinite(wdv))
      throw new GlocalError(
        "E_OPTION",
        `log_wd = ${this.phi[wd]} gives weight decay ${wdv}, which is not finite`,
        "phi",
      );
    this.lr = lrv;
    this.wd = wdv;
    if (momentum >= 0) this.momentum = sigmoid(this.phi[momentum]);
    if (weights >= 0) {
      const w = this.weights as Float64Array,
        d = this.weightDer as Float64Array;
      for (let k = 0; k < this.weightIndices.length; k++) {
        const i = this.weightIndices[k],
          x = this.phi[weights + k];
        const s = sigmoid(x);
        if (this.transform === "sigmoid") {
          w[i] = s;
          d[i] = s * (1 - s);
        } else {
          w[i] = softplus(x);
          d[i] = s;
        }
      }
    }
  }
}

function checkHyperList(hyper: unknown, optimizer: OptimizerSpec): Set<HyperName> {
  if (hyper === undefined) {
    const dflt: HyperName[] = ["lr"];
    if (optimizer.wd > 0) dflt.push("wd");
    return new Set(dflt);
  }
  if (!Array.isArray(hyper)) {
    throw new GlocalError(
      "E_OPTION",
      `option 'hyper' must be an array of names (${HYPER_NAMES.join(", ")}), got ${describe(hyper)}`,
      "hyper",
    );
  }
  const out = new Set<HyperName>();
  hyper.forEach((h: unknown, i: number) => {
    if (typeof h !== "string" || !(HYPER_NAMES as readonly string[]).includes(h)) {
      throw new GlocalError(
        "E_OPTION",
        `unknown hyperparameter ${describe(h)} in hyper[${i}] (known: ${HYPER_NAMES.join(", ")})`,
        `hyper[${i}]`,
      );
    }
    const name = h as HyperName;
    if (out.has(name))
      throw new GlocalError("E_OPTION", `hyperparameter '${name}' is listed twice in hyper`, `hyper[${i}]`);
    if (name === "momentum" && !hasMomentum(optimizer)) {
      throw new GlocalError(
        "E_OPTION",
        `hyper[${i}] = 'momentum', but optimiser '${optimizer.kind}' has no momentum (use momentum or adam)`,
        `hyper[${i}]`,
      );
    }
    if (name === "wd" && !(optimizer.wd > 0)) {
      throw new GlocalError(
        "E_OPTION",
        `hyper[${i}] = 'wd' needs a weight decay > 0 in the optimiser (it is optimised as log wd), got ${optimizer.wd}`,
        `hyper[${i}]`,
      );
    }
    out.add(name);
  });
  return out;
}

function initialWeights(initial: unknown, n: number, transform: WeightTransform, optimised: boolean): Float64Array {
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

function checkIndices(v: unknown, n: number): Int32Array {
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
