/**
 * TfjsTraining: inner training of a TensorFlow.js model carrying the forward-mode tangent
 * Ż = ds/dφ, the same engine as InnerTraining with tfjs for the model. Each step takes L,
 * g and the q products ġ_j = H Ż_j[θ] from tfjs (f32, one read-back) and runs the
 * optimiser's step and tangent recurrence in f64 on the JS side (./optimizer.ts). θ, the
 * buffers and the tangents never live in tfjs, so no tensor outlives a step: tfjs's
 * tensor count is the same after every step and after dispose.
 */
import { GlocalError, describe } from "../core/errors";
import type { Matrix } from "../core/matrix";
import { checkSeed } from "../core/random";
import { checkOptions } from "../core/validate";
import { checkBatchSize, checkState } from "../training/checks";
import { HYPER_NAMES, HyperName, HyperParameters, HyperTarget } from "../training/hyperparameters";
import { OptimizerSpec, bufferNames, checkOptimizer } from "../training/optim";
import { BatchSampler } from "../training/sampler";
import { WorkCounter, localHypergradient, stepArguments } from "../training/session";
import type {
  DriverSession,
  SessionProblemOptions,
  StepOptions,
  TrainingCounts,
  TrainingState,
} from "../training/types";
import type { Split } from "./data";
import { derivatives, evaluateAt, gradientAt } from "./derivatives";
import { Tf, tidy } from "./load";
import type { ModelAdapter } from "./model";
import { Part, optimizerStep } from "./optimizer";

/** What a session needs of its problem (a TfjsProblem). */
export interface TfjsSource extends HyperTarget {
  readonly valSize: number;
  readonly tf: Tf;
  readonly model: ModelAdapter;
  readonly train: Split;
  readonly val: Split;
  readonly fdStep: number;
  readonly approximate: boolean;
  readonly approximation: string | null;
  checkLive(): void;
}

/** Options of a tfjs session: those of InnerTraining without per-example weights and
 *  product backends (tfjs runs on its own backend, `tf.setBackend`). */
export type TfjsTrainingOptions = Omit<SessionProblemOptions, "weights" | "backend" | "gpuMode">;

const OPTIONS = ["hyper", "batchSize", "seed", "weights", "state", "phi", "backend", "gpuMode"];

/** A snapshot of a tfjs session: state, φ and tangents (plain data). */
export interface TfjsSnapshot {
  readonly state: TrainingState;
  readonly phi: Float64Array;
  /** @internal θ's and the buffers' tangents, in order. */
  readonly tangents: readonly Float64Array[];
}

/**
 * A training run of a tfjs model with its hypergradient tangent (made by
 * `problem.createSession(optimizer, options)`; the same interface as InnerTraining).
 */
export class TfjsTraining implements DriverSession {
  readonly optimizer: OptimizerSpec;
  /** Hyperparameter names, in φ's order (log_lr, log_wd, logit_momentum as selected). */
  readonly names: readonly string[];
  /** Number of hyperparameters (tangents carried). */
  readonly q: number;
  /** True when the Hessian-vector products are finite differences (see `approximation`). */
  readonly approximate: boolean;
  /** Why they are (the op tfjs cannot differentiate twice), null when exact. */
  readonly approximation: string | null;
  /** Mini-batch size and the seed of the batch order. */
  readonly batchSize: number;
  readonly seed: number;
  /** Loss of the most recent mini-batch, null before the first step. */
  lastBatchLoss: number | null = null;

  private readonly src: TfjsSource;
  private readonly tf: Tf;
  private readonly P: number;
  private readonly hp: HyperParameters;
  private readonly sampler: BatchSampler;
  private readonly bufNames: readonly string[];
  /** θ and its tangents. */
  private th: Part;
  private buffers: Part[];
  private t = 0;
  /** The validation rows of the hypergradient, null for all of them. */
  private valRows: Int32Array | null = null;
  private diverged = false;
  private disposedFlag = false;
  private version = 0;
  /** The losses at the current state (fields always present: nothing is looked up on a prototype). */
  private cache: { version: number; train: Evaluation | null; val: Evaluation | null } = {
    version: -1,
    train: null,
    val: null,
  };
  private readonly work: WorkCounter;

  constructor(source: TfjsSource, optimizer: OptimizerSpec, options: TfjsTrainingOptions = {}) {
    source.checkLive();
    const o = checkOptions(options, OPTIONS);
    for (const key of ["backend", "gpuMode"] as const)
      if (o[key] !== undefined)
        throw new GlocalError(
          "E_OPTION",
          `option '${key}' is for built-in problems; a tfjs model runs on the tfjs backend (tf.setBackend)`,
          key,
        );
    if (o.weights !== undefined)
      throw new GlocalError("E_OPTION", "per-example loss weights are not supported for tfjs models", "weights");
    checkTfjsHyper(o.hyper);
    this.src = source;
    this.tf = source.tf;
    this.P = source.model.parameterCount;
    this.optimizer = checkOptimizer(optimizer);
    this.hp = new HyperParameters(this.optimizer, source, o.hyper, undefined);
    this.names = this.hp.names;
    this.q = this.hp.q;
    this.approximate = source.approximate;
    this.approximation = source.approximation;
    this.work = new WorkCounter(this.q);
    this.batchSize = checkBatchSize(o.batchSize, source.train.n);
    this.seed = checkSeed(o.seed, "seed");
    this.sampler = new BatchSampler(source.train.n, this.batchSize, this.seed);
    this.bufNames = bufferNames(this.optimizer);
    const state = o.state === undefined ? undefined : checkState(o.state, this.P, this.bufNames);
    if (o.phi !== undefined) this.hp.setPhi(o.phi, "phi");
    const part = (v: Float64Array): Part => ({ primal: v, dot: new Float64Array(this.q * this.P) });
    this.th = part(state ? state.theta : source.model.theta0.slice());
    this.buffers = this.bufNames.map((name) => part(state ? state.buffers[name] : new Float64Array(this.P)));
    if (state) this.t = state.step;
  }

  /** Inner steps taken since θ₀. */
  get stepIndex(): number {
    return this.t;
  }

  /** Work done so far (a copy). */
  get counts(): TrainingCounts {
    return this.work.counts;
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * Takes `nSteps` optimiser steps (default 1), carrying the tangent unless
   * `tangent: false` (which discards it). Throws `E_DIVERGED` on a non-finite loss (the
   * state is unchanged) or state (unusable until `restore`).
   */
  step(nSteps = 1, options: StepOptions = {}): void {
    const withTangent = stepArguments(nSteps, options) && this.q > 0;
    this.checkUsable();
    for (let i = 0; i < nSteps; i++) this.stepOnce(withTangent);
    if (!withTangent && nSteps > 0) this.zeroTangents();
  }

  /** Sets the tangent to zero: the window of the hypergradient starts here. */
  resetTangent(): void {
    this.checkUsable();
    this.zeroTangents();
  }

  /** h = Ż[θ]ᵀ ∇ℓ̃(θ), in f64 (∇ℓ̃ from tfjs in f32). */
  hypergradient(): Float64Array {
    this.checkUsable();
    const g = this.validationGradient();
    const h = new Float64Array(this.q);
    const td = this.th.dot,
      P = this.P;
    for (let j = 0; j < this.q; j++) {
      let acc = 0;
      for (let i = 0; i < P; i++) acc += td[j * P + i] * g[i];
      if (!Number.isFinite(acc))
        throw new GlocalError(
          "E_DIVERGED",
          `the hypergradient is not finite (${this.names[j]} = ${acc})`,
          "hypergradient",
        );
      h[j] = acc;
    }
    return h;
  }

  /** The one-step hypergradient of the next step; the session is left as it was. */
  localHypergradient(): Float64Array {
    this.checkUsable();
    return localHypergradient(this);
  }

  /** Hypergradients from these validation rows only until called with null (the
   *  driver's `glocal.valSubsample`); losses stay the whole validation set's. */
  setValidationSubset(rows: ArrayLike<number> | null): void {
    this.checkLive();
    this.valRows = rows === null ? null : checkRows(rows, this.src.valSize);
  }

  /** ∇_θ ℓ̃(θ), the validation loss's gradient (f32 from tfjs, as f64), over the
   *  validation subset when one is set. */
  validationGradient(): Float64Array {
    this.checkUsable();
    const v = this.src.val,
      rows = this.valRows;
    const g = tidy(this.tf, () => {
      const { x, y } = rows ? v.rows(this.tf, rows) : v;
      return gradientAt(this.tf, this.src.model, this.th.primal, x, y);
    });
    this.work.valGradients++;
    return g;
  }

  /** Mean loss over the full training set (no regularisation). */
  trainLoss(): number {
    return this.evaluation("train").loss;
  }

  /** Mean loss over the validation set (no regularisation). */
  valLoss(): number {
    return this.evaluation("val").loss;
  }

  /** Validation accuracy in [0, 1]; null when the problem has none. */
  valAccuracy(): number | null {
    return this.evaluation("val").accuracy;
  }

  /** Training-set accuracy in [0, 1]; null when the problem has none. */
  trainAccuracy(): number | null {
    return this.evaluation("train").accuracy;
  }

  /** A copy of φ. */
  getPhi(): Float64Array {
    return this.hp.getPhi();
  }

  /** Sets φ; the tangent is kept (reset it to start a new window). */
  setPhi(phi: ArrayLike<number>): void {
    this.checkLive();
    this.hp.setPhi(phi, "phi");
  }

  /** The hyperparameters in natural units. */
  hyperValues(): { lr: number; wd: number; momentum: number | null } {
    const { lr, wd, momentum } = this.hp;
    return { lr, wd, momentum: this.optimizer.kind === "sgd" ? null : momentum };
  }

  /** θ (a copy): the parameter tensors in order, each row-major. */
  theta(): Float64Array {
    this.checkLive();
    return this.th.primal.slice();
  }

  /** dθ/dφ since the window start: a dim θ × q matrix. */
  tangent(): Matrix {
    this.checkLive();
    const P = this.P,
      q = this.q,
      data = new Float64Array(P * q);
    for (let j = 0; j < q; j++) for (let i = 0; i < P; i++) data[i * q + j] = this.th.dot[j * P + i];
    return { rows: P, cols: q, data };
  }

  /** Where training stands (without the tangent), to continue in another session. */
  state(): TrainingState {
    this.checkLive();
    const buffers: Record<string, Float64Array> = {};
    this.bufNames.forEach((name, i) => (buffers[name] = this.buffers[i].primal.slice()));
    return { step: this.t, theta: this.th.primal.slice(), buffers };
  }

  /** Everything needed to come back here: state, tangents, φ. */
  snapshot(): TfjsSnapshot {
    this.checkUsable();
    return {
      state: this.state(),
      phi: this.hp.getPhi(),
      tangents: [this.th, ...this.buffers].map((p) => p.dot.slice()),
    };
  }

  /** Returns to a snapshot of this session (also after E_DIVERGED). */
  restore(snapshot: unknown): void {
    this.checkLive();
    const s = snapshot as Partial<TfjsSnapshot> | null;
    const parts = 1 + this.bufNames.length;
    if (
      !s ||
      typeof s !== "object" ||
      !s.state ||
      !(s.phi instanceof Float64Array) ||
      !Array.isArray(s.tangents) ||
      s.tangents.length !== parts ||
      !s.tangents.every((t) => t instanceof Float64Array && t.length === this.q * this.P)
    )
      throw new GlocalError("E_TYPE", "snapshot must come from snapshot() of this kind of session", "snapshot");
    const state = checkState(s.state, this.P, this.bufNames);
    this.hp.setPhi(s.phi, "snapshot.phi");
    this.th = { primal: state.theta, dot: s.tangents[0].slice() };
    this.buffers = this.bufNames.map((name, i) => ({ primal: state.buffers[name], dot: s.tangents![1 + i].slice() }));
    this.t = state.step;
    this.diverged = false;
    this.version++;
  }

  /** Ends the session (idempotent); it holds no tensors, the problem keeps the data. */
  dispose(): void {
    this.disposedFlag = true;
  }

  // --- internals -------------------------------------------------------------------

  private stepOnce(withTangent: boolean): void {
    const tf = this.tf,
      src = this.src,
      q = withTangent ? this.q : 0;
    const d = tidy(tf, () => {
      const batch = this.sampler.fullBatch
        ? { x: src.train.x, y: src.train.y }
        : src.train.rows(tf, this.sampler.batch(this.t));
      const mode = { exact: !this.approximate, fdStep: src.fdStep };
      return derivatives(tf, src.model, this.th.primal, batch.x, batch.y, this.th.dot, q, mode);
    });
    if (!Number.isFinite(d.loss))
      throw new GlocalError(
        "E_DIVERGED",
        `the training loss is not finite (${d.loss}) at step ${this.t + 1}; the state is unchanged`,
        "step",
      );
    this.lastBatchLoss = d.loss;
    const { lr, wd, momentum, slots } = this.hp;
    const on = (j: number) => (q > 0 ? j : -1);
    optimizerStep(this.optimizer, this.th, this.buffers, {
      P: this.P,
      qa: q,
      g: d.g,
      gdot: d.hv,
      lr,
      wd,
      momentum,
      step: this.t + 1,
      jLr: on(slots.lr),
      jWd: on(slots.wd),
      jMom: on(slots.momentum),
    });
    this.version++;
    if (![this.th, ...this.buffers].every((p) => allFinite(p.primal) && (q === 0 || allFinite(p.dot)))) {
      this.diverged = true;
      throw new GlocalError(
        "E_DIVERGED",
        `the parameters or their tangents became non-finite at step ${this.t + 1}; restore a snapshot`,
        "step",
      );
    }
    this.t++;
    this.work.step(withTangent);
  }

  private evaluation(split: "train" | "val"): Evaluation {
    this.checkUsable();
    if (this.cache.version !== this.version) this.cache = { version: this.version, train: null, val: null };
    const hit = this.cache[split];
    if (hit) return hit;
    const s = split === "train" ? this.src.train : this.src.val;
    const e = tidy(this.tf, () => evaluateAt(this.tf, this.src.model, this.th.primal, s.x, s.y));
    if (!Number.isFinite(e.loss))
      throw new GlocalError("E_DIVERGED", `the ${split} loss is not finite (${e.loss})`, split);
    this.cache[split] = e;
    return e;
  }

  private zeroTangents(): void {
    this.th.dot.fill(0);
    for (const b of this.buffers) b.dot.fill(0);
  }

  private checkLive(): void {
    if (this.disposedFlag) throw new GlocalError("E_DISPOSED", "this tfjs session was disposed", "session");
    this.src.checkLive();
  }

  private checkUsable(): void {
    this.checkLive();
    if (this.diverged)
      throw new GlocalError("E_DIVERGED", "the session diverged; restore a snapshot taken before", "session");
  }
}

/** The hyperparameter kinds a tfjs session has: one lr, wd and momentum for all of θ. */
const TFJS_HYPER = ["lr", "wd", "momentum"];

/** Rejects the per-layer, per-feature and per-example kinds (the tfjs step has none). */
function checkTfjsHyper(hyper: unknown): void {
  if (!Array.isArray(hyper)) return; // undefined, or HyperParameters' own type error
  hyper.forEach((h: unknown, i: number) => {
    if (typeof h === "string" && !TFJS_HYPER.includes(h) && HYPER_NAMES.includes(h as HyperName))
      throw new GlocalError(
        "E_OPTION",
        `hyper[${i}] = '${h}' is not supported for tfjs models (they have ${TFJS_HYPER.join(", ")})`,
        `hyper[${i}]`,
      );
  });
}

/** Validation row indices in [0, n), at least one. */
function checkRows(rows: unknown, n: number): Int32Array {
  if (typeof rows !== "object" || rows === null || !(Array.isArray(rows) || ArrayBuffer.isView(rows)))
    throw new GlocalError("E_TYPE", `rows must be a non-empty array of validation row indices or null`, "rows");
  const r = rows as ArrayLike<unknown>;
  if (r.length < 1)
    throw new GlocalError("E_TYPE", `rows must be a non-empty array of validation row indices or null`, "rows");
  const out = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) {
    const v = r[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= n)
      throw new GlocalError("E_OPTION", `rows[${i}] must be an integer in [0, ${n}), got ${describe(v)}`, "rows");
    out[i] = v;
  }
  return out;
}

interface Evaluation {
  loss: number;
  accuracy: number | null;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
