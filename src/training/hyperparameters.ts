/**
 * Hyperparameters in their unconstrained parameterisation φ:
 *
 * | name                          | natural value                            | φ             |
 * |-------------------------------|------------------------------------------|---------------|
 * | `log_lr`, `log_lr[layerL]`    | learning rate α = exp φ (all, or layer L) | log α         |
 * | `log_wd`, `log_wd[layerL]`    | weight decay λ = exp φ (all, or layer L)  | log λ         |
 * | `log_wd[featureJ]`            | weight decay of input feature J's weights | log λ_J       |
 * | `logit_momentum`              | μ (heavy ball) or β₁ (Adam) = σ(φ)       | logit μ       |
 * | `w[i]`                        | loss weight of training example i:       | logit w or    |
 * |                               | σ(φ) (sigmoid) or log(1 + e^φ) (softplus) | softplus⁻¹(w) |
 *
 * φ is ordered: learning rate(s), weight decay(s), momentum, then the weights by example
 * index; only the selected hyperparameters are in φ, the others keep their natural
 * values. φ is the one source of truth: a session given `phi` takes every selected value
 * from it, and needs natural values (the optimiser's lr, a wd > 0) only for what φ does
 * not hold.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions } from "../core/validate";
import type { DecayMode, ParameterBlock, Problem } from "../problems/types";
import { OptimizerKind, OptimizerSpec, momentumValue } from "./optim";
import { HyperName, selectHyper } from "./hyperSelection";
import {
  WeightTransform,
  checkIndices,
  checkTransform,
  initialWeights,
  logit,
  sigmoid,
  softplus,
  softplusInv,
} from "./weights";

export { HYPER_NAMES, defaultHyper } from "./hyperSelection";
export type { HyperName } from "./hyperSelection";
export type { WeightsOptions, WeightTransform } from "./weights";

/** What the hyperparameters need to know of the problem. */
export type HyperTarget = Pick<Problem, "trainSize" | "features" | "blocks" | "decay">;

/** Tangent slot of each hyperparameter kind (−1 when not optimised); for the per-layer,
 *  per-feature and per-example kinds, the slot of the first (the rest follow in order). */
export interface HyperSlots {
  readonly lr: number;
  readonly wd: number;
  readonly momentum: number;
  readonly weights: number;
  readonly layerLr: number;
  readonly layerWd: number;
  readonly featureWd: number;
}

/** One parameter block's optimiser hyperparameters: natural values and tangent slots. */
export interface BlockHyper {
  lr: number;
  /** Tangent slot of the block's learning rate, −1 when not differentiated. */
  jLr: number;
  wd: number;
  jWd: number;
  /** λ per row, or null when every row has `wd`. */
  decay: Float64Array | null;
  /** Tangent slot per row of λ, or null when every row has `jWd`. */
  dslot: Int32Array | null;
}

/** The hyperparameters a session actually uses: φ and the natural values. */
export interface HyperparameterReport {
  /** φ's entries, in order. */
  readonly names: readonly string[];
  /** φ in use. */
  readonly phi: Float64Array;
  /** The natural value of each φ entry (exp, sigmoid or the weights' transform of φ). */
  readonly natural: Float64Array;
  /** The learning rate of every layer, or null when each layer has its own (`layerLr`). */
  readonly lr: number | null;
  /** Per-layer learning rates (with `layerLr`), else null. */
  readonly layerLr: Float64Array | null;
  /** The weight decay of the parameters that have no decay of their own (with
   *  `featureWd`: the other layers and, under decay 'all', the bias), or null with `layerWd`. */
  readonly wd: number | null;
  /** Per-layer weight decays (with `layerWd`), else null. */
  readonly layerWd: Float64Array | null;
  /** Per-input-feature weight decays (with `featureWd`), else null. */
  readonly featureWd: Float64Array | null;
  /** μ (heavy ball) or β₁ (Adam); null for SGD. */
  readonly momentum: number | null;
  /** The per-example loss weights, or null when the loss is unweighted. */
  readonly weights: Float64Array | null;
  /** Which parameters weight decay applies to (the problem's `decay`). */
  readonly decay: DecayMode;
}

/** How a φ entry maps to its natural value: exp, sigmoid, or the weights' transform. */
type NaturalMap = "exp" | "sigmoid" | "weight";

/** The hyperparameters of one training session: φ, names, and their natural values. */
export class HyperParameters {
  readonly names: readonly string[];
  readonly q: number;
  readonly slots: HyperSlots;
  readonly transform: WeightTransform;
  /** The shared learning rate (NaN when every layer has its own and none was given). */
  lr: number;
  /** The shared weight decay (of what has no per-layer or per-feature decay). */
  wd: number;
  /** μ (heavy ball) or β₁ (Adam); 0 for SGD. */
  momentum: number;
  /** Per-layer learning rates / weight decays, per-feature weight decays, or null. */
  readonly layerLr: Float64Array | null;
  readonly layerWd: Float64Array | null;
  readonly featureWd: Float64Array | null;
  /** Natural per-example weights, or null when the loss is unweighted. */
  readonly weights: Float64Array | null;
  /** dw_i/dφ_i when the weights are optimised, else null. */
  readonly weightDer: Float64Array | null;
  /** Tangent slot of example i's weight (−1 when fixed), or null when none is optimised. */
  readonly weightSlot: Int32Array | null;
  /** Examples whose weights are in φ, in φ's order. */
  private readonly weightIndices: Int32Array;
  private readonly phi: Float64Array;
  private readonly maps: NaturalMap[];
  private readonly kind: OptimizerKind;
  private readonly blocks: readonly ParameterBlock[];
  private readonly decayMode: DecayMode;
  /** Per block: λ per row (null: uniform), refreshed with φ; slots per row (null: uniform). */
  private rowDecay: (Float64Array | null)[] = [];
  private readonly rowSlot: (Int32Array | null)[];

  /**
   * `phi` (optional): the initial φ, which then supplies every selected value — the
   * optimiser's lr and wd are needed only for what φ does not hold.
   */
  constructor(optimizer: OptimizerSpec, target: HyperTarget, hyper: unknown, weightsOption: unknown, phi?: unknown) {
    const phiGiven = phi !== undefined;
    const selected = selectHyper(hyper, optimizer, phiGiven);
    const w = checkOptions(weightsOption, ["transform", "initial", "indices"], "weights");
    this.transform = checkTransform(w.transform);
    this.kind = optimizer.kind;
    this.blocks = target.blocks;
    this.decayMode = target.decay;
    const nTrain = target.trainSize,
      L = target.blocks.length;
    const optimiseWeights = selected.has("weights");
    const names: string[] = [];
    const maps: NaturalMap[] = [];
    let next = 0;
    const slot = (h: HyperName, entries: readonly string[], map: NaturalMap) => {
      if (!selected.has(h)) return -1;
      const first = next;
      for (const e of entries) {
        names.push(e);
        maps.push(map);
        next++;
      }
      return first;
    };
    const layerNames = target.blocks.map((b) => b.name);
    const lr = slot("lr", ["log_lr"], "exp"),
      layerLr = slot(
        "layerLr",
        layerNames.map((n) => `log_lr[${n}]`),
        "exp",
      ),
      wd = slot("wd", ["log_wd"], "exp"),
      layerWd = slot(
        "layerWd",
        layerNames.map((n) => `log_wd[${n}]`),
        "exp",
      ),
      featureWd = slot(
        "featureWd",
        Array.from({ length: target.features }, (_, j) => `log_wd[feature${j}]`),
        "exp",
      ),
      mom = slot("momentum", ["logit_momentum"], "sigmoid");
    this.weightIndices = optimiseWeights ? checkIndices(w.indices, nTrain) : new Int32Array(0);
    if (!optimiseWeights && w.indices !== undefined) {
      throw new GlocalError("E_OPTION", "option 'weights.indices' needs 'weights' in hyper", "weights.indices");
    }
    const wSlot = this.weightIndices.length > 0 ? next : -1;
    this.weightSlot = optimiseWeights ? new Int32Array(nTrain).fill(-1) : null;
    for (const i of this.weightIndices) {
      names.push(`w[${i}]`);
      maps.push("weight");
      (this.weightSlot as Int32Array)[i] = next++;
    }
    this.slots = { lr, wd, momentum: mom, weights: wSlot, layerLr, layerWd, featureWd };
    this.names = Object.freeze(names);
    this.maps = maps;
    this.q = next;

    // Natural values: the optimiser's, where φ will not supply them.
    const lrFromPhi = phiGiven && (lr >= 0 || layerLr >= 0);
    if (optimizer.lr === undefined && !lrFromPhi) {
      throw new GlocalError(
        "E_OPTION",
        phiGiven
          ? "option 'optimizer.lr' is required: the learning rate is not among the hyperparameters in phi (add 'lr' to hyper, or give the optimiser an lr)"
          : "option 'optimizer.lr' is required (or pass phi with log_lr to start from)",
        "optimizer.lr",
      );
    }
    this.lr = optimizer.lr ?? NaN;
    this.wd = optimizer.wd;
    this.momentum = momentumValue(optimizer);
    this.layerLr = layerLr >= 0 ? new Float64Array(L).fill(this.lr) : null;
    this.layerWd = layerWd >= 0 ? new Float64Array(L).fill(this.wd) : null;
    this.featureWd = featureWd >= 0 ? new Float64Array(target.features).fill(this.wd) : null;
    const useWeights = optimiseWeights || weightsOption !== undefined;
    this.weights = useWeights ? initialWeights(w.initial, nTrain, this.transform, optimiseWeights) : null;
    this.weightDer = optimiseWeights ? new Float64Array(nTrain) : null;
    this.rowSlot = this.blocks.map((b, i) => this.slotsOfRows(b, i));

    this.phi = new Float64Array(this.q);
    if (phiGiven) {
      this.setPhi(phi, "phi");
      return;
    }
    if (lr >= 0) this.phi[lr] = Math.log(this.lr);
    if (wd >= 0) this.phi[wd] = Math.log(this.wd);
    if (layerLr >= 0) this.phi.fill(Math.log(this.lr), layerLr, layerLr + L);
    if (layerWd >= 0) this.phi.fill(Math.log(this.wd), layerWd, layerWd + L);
    if (featureWd >= 0) this.phi.fill(Math.log(this.wd), featureWd, featureWd + target.features);
    if (mom >= 0) this.phi[mom] = logit(this.momentum);
    const ws = this.weights as Float64Array;
    this.weightIndices.forEach(
      (i, k) => (this.phi[wSlot + k] = this.transform === "sigmoid" ? logit(ws[i]) : softplusInv(ws[i])),
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
      this.apply();
      throw e;
    }
  }

  /** Block b's optimiser hyperparameters; `active`: the step carries the tangent. */
  block(b: number, active: boolean): BlockHyper {
    const { lr, layerLr, wd, layerWd } = this.slots;
    const on = (j: number) => (active && j >= 0 ? j : -1);
    return {
      lr: this.layerLr ? this.layerLr[b] : this.lr,
      jLr: on(layerLr >= 0 ? layerLr + b : lr),
      wd: this.layerWd ? this.layerWd[b] : this.wd,
      jWd: on(layerWd >= 0 ? layerWd + b : wd),
      decay: this.rowDecay[b],
      dslot: active ? this.rowSlot[b] : null,
    };
  }

  /** φ and the natural values in use. */
  report(): HyperparameterReport {
    const natural = new Float64Array(this.q);
    for (let j = 0; j < this.q; j++) {
      const x = this.phi[j];
      const map = this.maps[j];
      natural[j] =
        map === "exp" ? Math.exp(x) : map === "weight" && this.transform === "softplus" ? softplus(x) : sigmoid(x);
    }
    return {
      names: this.names.slice(),
      phi: this.phi.slice(),
      natural,
      lr: this.layerLr ? null : this.lr,
      layerLr: this.layerLr ? this.layerLr.slice() : null,
      wd: this.layerWd ? null : this.wd,
      layerWd: this.layerWd ? this.layerWd.slice() : null,
      featureWd: this.featureWd ? this.featureWd.slice() : null,
      momentum: this.kind === "sgd" ? null : this.momentum,
      weights: this.weights ? this.weights.slice() : null,
      decay: this.decayMode,
    };
  }

  /** Natural values from φ; a φ that overflows them (α = ∞) is rejected. */
  private apply(): void {
    const { lr, wd, momentum, weights, layerLr, layerWd, featureWd } = this.slots;
    const rate = (j: number) => {
      const v = Math.exp(this.phi[j]);
      if (!(v > 0 && Number.isFinite(v)))
        throw new GlocalError(
          "E_OPTION",
          `${this.names[j]} = ${this.phi[j]} gives learning rate ${v}, which is not a finite number > 0`,
          "phi",
        );
      return v;
    };
    const decay = (j: number) => {
      const v = Math.exp(this.phi[j]);
      if (!Number.isFinite(v))
        throw new GlocalError(
          "E_OPTION",
          `${this.names[j]} = ${this.phi[j]} gives weight decay ${v}, which is not finite`,
          "phi",
        );
      return v;
    };
    const lrv = lr >= 0 ? rate(lr) : this.lr;
    const wdv = wd >= 0 ? decay(wd) : this.wd;
    const fill = (out: Float64Array | null, first: number, f: (j: number) => number) => {
      if (out) for (let i = 0; i < out.length; i++) out[i] = f(first + i);
    };
    fill(this.layerLr, layerLr, rate);
    fill(this.layerWd, layerWd, decay);
    fill(this.featureWd, featureWd, decay);
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
    this.rowDecay = this.blocks.map((b, i) => this.decayOfRows(b, i));
  }

  /** λ per row of block i, or null when every row has the block's λ (the fast path). */
  private decayOfRows(b: ParameterBlock, i: number): Float64Array | null {
    const perFeature = this.featureWd !== null && i === 0;
    const undecayedBias = this.decayMode === "weights" && b.bias;
    if (!perFeature && !undecayedBias) return null;
    const out = new Float64Array(b.rows).fill(this.layerWd ? this.layerWd[i] : this.wd);
    if (perFeature) out.set(this.featureWd as Float64Array);
    if (undecayedBias) out[b.rows - 1] = 0;
    return out;
  }

  /** Tangent slot of λ per row of block i, or null when every row has the block's slot. */
  private slotsOfRows(b: ParameterBlock, i: number): Int32Array | null {
    const first = this.slots.featureWd;
    if (first < 0 || i !== 0) return null;
    // The feature rows have their own slots; the bias row keeps the shared wd, not in φ.
    const out = new Int32Array(b.rows).fill(-1);
    for (let r = 0; r < b.rows - (b.bias ? 1 : 0); r++) out[r] = first + r;
    return out;
  }
}
