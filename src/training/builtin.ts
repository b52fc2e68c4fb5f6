/**
 * InnerTraining: inner optimisation of a built-in problem carrying the forward-mode
 * tangent Ż = ds/dφ (real-time recurrent learning: the forward-mode hypergradient engine).
 *
 * Memory: one persistent WebAssembly block holds θ, the optimiser buffers and the
 * gradient, each as a tangent stack (assembly/models/stack.ts): every parameter block is
 * rows × cols(1+q), its q tangents beside it. A step gathers the mini-batch, runs the
 * model's batched gradient+JVP kernel (one gemm per product for all q tangents) and the
 * optimiser's tangent recurrence; nothing is copied between JS and WebAssembly but the
 * batch indices.
 */
import { GlocalError, describe } from "../core/errors";
import { HyperParameters, HyperName, HyperparameterReport, WeightsOptions } from "./hyperparameters";
import { checkOptions } from "../core/validate";
import { Matrix } from "../core/matrix";
import { OptimizerSpec, bufferNames, checkOptimizer, optimizerStep } from "./optim";
import { BuiltinProblem, GradJvpArgs } from "../problems/base";
import { Problem, ProblemWarning } from "../problems/types";
import { checkSeed } from "../core/random";
import { PRODUCT_OPTION_KEYS, ProductOptions, ProductRoute, resolveProducts, runProducts } from "../gpu/dispatch";
import type { Kernels } from "../core/abi";
import { PersistentBlock } from "../core/block";
import { Scope, withScope } from "../core/scope";
import { WorkCounter, localHypergradient, stepArguments } from "./session";
import { BatchSampler } from "./sampler";
import { StepOptions, TrainingCounts, TrainingSession, TrainingSnapshot, TrainingState } from "./types";
import { checkBatchSize, checkState } from "./checks";
import { ThreadsOption, checkThreads, resolveSlices, threadDefaults } from "./parallel/threads";
import { BatchWeights, DataParallelStep } from "./parallel/step";

export { checkBatchSize, checkState } from "./checks";

/** Options of an inner-training session (`backend`, `gpuMode`: where the batched model
 *  products run, see src/gpu/dispatch.ts; default 'auto'). */
export interface InnerTrainingOptions extends ProductOptions {
  /** Hyperparameters to differentiate (φ, in this order: learning rate(s), weight
   *  decay(s), momentum, weights). Default: every hyperparameter the optimiser has — `lr`,
   *  `wd` (unless the optimiser's wd is 0 and no `phi` is given), and `momentum` for heavy
   *  ball (not Adam's β₁: ask for it with `momentum`). */
  hyper?: readonly HyperName[];
  /** Mini-batch size, 1 … training-set size (default: the whole training set). */
  batchSize?: number;
  /** Seed of the mini-batch order (default 0). The same seed gives bit-identical runs. */
  seed?: number;
  /** Per-example loss weights (fixed, or optimised with `hyper: ['weights']`). */
  weights?: WeightsOptions;
  /** Start from this state instead of θ₀ (the tangent starts at zero). */
  state?: TrainingState;
  /** Initial φ (default: from the optimiser's values and the weights). When given, it
   *  supplies every value it holds: the optimiser's lr and wd are then needed only for
   *  hyperparameters outside φ. */
  phi?: ArrayLike<number>;
  /**
   * Slices one step's batch is split into, each computed on a thread of its own where the
   * machine allows (docs/threads.md): 'auto' (default) uses one slice per crossover's
   * worth of the step's work, batch × parameters × (1 + q), at most 8; n: n slices (at
   * most the batch size); 1 is the single-threaded step. The slices' sums are added in
   * order, so results depend on this option and the problem only — not on the cores, the
   * runtime or setThreadDefaults' maxHelpers — and match one slice to rounding. Where a
   * slice gets no helper thread (one core, no shared memory, a cap) the caller computes
   * it, with the same bits. Applies to WebAssembly products (with gpu products: 1).
   */
  threads?: ThreadsOption;
}

export const INNER_TRAINING_OPTIONS = [
  "hyper",
  "batchSize",
  "seed",
  "weights",
  "state",
  "phi",
  "threads",
  ...PRODUCT_OPTION_KEYS,
] as const;

interface Evaluation {
  loss: number;
  correct: number;
}

/**
 * A training run of a built-in problem with its hypergradient tangent.
 *
 * ```ts
 * const run = new InnerTraining(problem, optimizers.sgd({ lr: 0.1, wd: 1e-3 }), { batchSize: 64 });
 * run.step(50);                 // 50 steps carrying dθ/dφ
 * const h = run.hypergradient(); // d ℓ̃(θ_50) / dφ, φ = [log_lr, log_wd]
 * run.dispose();
 * ```
 */
export class InnerTraining implements TrainingSession {
  readonly problem: Problem;
  readonly optimizer: OptimizerSpec;
  readonly names: readonly string[];
  readonly q: number;
  readonly approximate = false;
  readonly batchSize: number;
  readonly seed: number;
  /** Slices each step's batch is cut into (1: the single-threaded step); see the `threads` option. */
  readonly threads: number;
  /** Loss of the most recent mini-batch (weighted, as optimised), null before the first step. */
  lastBatchLoss: number | null = null;

  private readonly p: BuiltinProblem;
  private readonly hp: HyperParameters;
  private readonly sampler: BatchSampler;
  /** Where the batched model products go (null: WebAssembly only). */
  private readonly route: ProductRoute | null;
  private readonly bufNames: readonly string[];
  /** Offset (in doubles) of each parameter block inside one stack. */
  private readonly offsets: number[];
  /** Doubles in one stack: Σ rows·cols·(1+q). */
  private readonly stackSize: number;
  private readonly block: PersistentBlock;
  private t = 0;
  private tangentStale = false;
  private diverged = false;
  private version = 0;
  private cache: { version: number; train?: Evaluation; val?: Evaluation } = { version: -1 };
  private readonly work: WorkCounter;
  /** Validation rows behind the validation gradient (null: all of them). */
  private valRows: Int32Array | null = null;
  /**
   * The per-row weight decay and its tangent slots of the blocks that have them (decay on
   * weights only, per-feature decay), kept in WebAssembly memory and rewritten when φ
   * changes, not copied in on every step. Null when no block has per-row decay.
   */
  private readonly rowHyper: PersistentBlock | null;
  /** Byte offsets into rowHyper of each block's decay (doubles) and slots (i32), or null. */
  private readonly rowAt: ({ decay: number; slot: number } | null)[];
  private rowHyperStale = true;
  /** The threads of the data-parallel step, started on the first step (threads > 1). */
  private parallel: DataParallelStep | null = null;

  constructor(problem: Problem, optimizer: OptimizerSpec, options: InnerTrainingOptions = {}) {
    const p = (this.p = builtinProblem(problem));
    const o = checkOptions(options, INNER_TRAINING_OPTIONS);
    this.problem = problem;
    this.optimizer = checkOptimizer(optimizer);
    this.hp = new HyperParameters(this.optimizer, p, o.hyper, o.weights, o.phi);
    this.names = this.hp.names;
    this.q = this.hp.q;
    this.work = new WorkCounter(this.q);
    this.batchSize = checkBatchSize(o.batchSize, p.trainSize);
    this.seed = checkSeed(o.seed, "seed");
    this.sampler = new BatchSampler(p.trainSize, this.batchSize, this.seed);
    this.bufNames = bufferNames(this.optimizer);
    this.offsets = [];
    let off = 0;
    for (const b of p.blocks) {
      this.offsets.push(off);
      off += b.rows * b.cols * (1 + this.q);
    }
    this.stackSize = off;
    const state = o.state === undefined ? undefined : checkState(o.state, p.parameterCount, this.bufNames);
    this.route = resolveProducts({
      backend: o.backend as ProductOptions["backend"],
      gpuMode: o.gpuMode as ProductOptions["gpuMode"],
    });
    const threads = checkThreads(o.threads);
    this.threads =
      this.route === null
        ? resolveSlices(
            threads,
            this.batchSize * p.parameterCount * (1 + this.q),
            this.batchSize,
            threadDefaults().crossover,
          )
        : 1;

    this.block = new PersistentBlock(this, (2 + this.bufNames.length) * this.stackSize, "this training session");
    // Per block with per-row decay: rows doubles of decay, then rows i32 slots (rounded up to doubles).
    let rowDoubles = 0;
    this.rowAt = p.blocks.map((b, i) => {
      if (!this.hp.block(i, false).decay) return null;
      const at = { decay: rowDoubles * 8, slot: (rowDoubles + b.rows) * 8 };
      rowDoubles += b.rows + Math.ceil(b.rows / 2);
      return at;
    });
    this.rowHyper = rowDoubles > 0 ? new PersistentBlock(this, rowDoubles, "this training session") : null;
    this.view().fill(0);
    this.writePart(0, state ? state.theta : p.initialTheta());
    if (state) {
      this.bufNames.forEach((name, i) => this.writePart(1 + i, state.buffers[name]));
      this.t = state.step;
    }
  }

  /** Where this session's batched model products run: 'gpu' (gpu.js f32, products above
   *  the crossover under 'auto') or 'wasm' (WebAssembly f64). */
  get products(): "wasm" | "gpu" {
    return this.route === null ? "wasm" : "gpu";
  }

  /** Inner steps taken since θ₀. */
  get stepIndex(): number {
    return this.t;
  }

  /** Work done so far (a copy). */
  get counts(): TrainingCounts {
    return this.work.counts;
  }

  get disposed(): boolean {
    return this.block.disposed;
  }

  /**
   * Takes `nSteps` optimiser steps (default 1). With `tangent` (default true) the tangent
   * dθ/dφ is carried along (q JVPs per step); without, it is discarded.
   * Throws `E_DIVERGED` on a non-finite loss or state: the state is then unusable until
   * `restore`.
   */
  step(nSteps = 1, options: StepOptions = {}): void {
    const withTangent = stepArguments(nSteps, options) && this.q > 0;
    this.checkUsable();
    if (withTangent && this.tangentStale) this.zeroTangents();
    for (let i = 0; i < nSteps; i++) this.stepOnce(withTangent ? this.q : 0);
    if (!withTangent && nSteps > 0 && this.q > 0) this.tangentStale = true;
  }

  /** Sets the tangent to zero: the window of the hypergradient starts here. */
  resetTangent(): void {
    this.checkUsable();
    this.zeroTangents();
  }

  /** h = Ż[θ]ᵀ ∇ℓ̃(θ): the hypergradient since the window start (length q). */
  hypergradient(): Float64Array {
    this.checkUsable();
    if (this.q === 0) return new Float64Array(0);
    if (this.tangentStale) this.zeroTangents();
    const h = withScope((s) => {
      const gv = this.validationGradientInto(s);
      const hp = s.zeros(this.q);
      const base = this.ptr(0);
      this.p.blocks.forEach((b, i) =>
        s.k.tangentDot(b.rows, b.cols, this.q, base + this.offsets[i] * 8, gv + this.offsets[i] * 8, hp),
      );
      return s.read(hp, this.q);
    });
    for (let i = 0; i < h.length; i++) {
      if (!Number.isFinite(h[i]))
        throw new GlocalError(
          "E_DIVERGED",
          `the hypergradient is not finite (${this.names[i]} = ${h[i]})`,
          "hypergradient",
        );
    }
    return h;
  }

  /**
   * The local (one-step) hypergradient of the NEXT step: (∂Θ_t/∂φ)ᵀ ∇ℓ̃(θ_{t+1}), from the
   * current state on the mini-batch the next `step` will use. The session is left as it
   * was (the work is counted). To take that step as well, use
   * `resetTangent(); step(1); hypergradient()` — the same number, and training advances.
   */
  localHypergradient(): Float64Array {
    this.checkUsable();
    return localHypergradient(this);
  }

  /**
   * Restricts the validation gradient (and so `hypergradient`, `localHypergradient` and
   * `validationGradient`) to these validation rows, a mean over them; null restores the
   * whole validation set. Loss and accuracy evaluations always use the whole set. The
   * rows are copied (integers in [0, valSize), at least one, repeats allowed).
   */
  setValidationSubset(rows: ArrayLike<number> | null): void {
    this.checkLive();
    if (rows === null) {
      this.valRows = null;
      return;
    }
    const n = this.p.valSize;
    if (typeof rows !== "object" || typeof (rows as { length?: unknown }).length !== "number" || rows.length < 1) {
      throw new GlocalError("E_TYPE", `rows must be a non-empty array of validation row indices or null`, "rows");
    }
    const out = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (typeof r !== "number" || !Number.isInteger(r) || r < 0 || r >= n)
        throw new GlocalError("E_OPTION", `rows[${i}] must be an integer in [0, ${n}), got ${describe(r)}`, "rows");
      out[i] = r;
    }
    this.valRows = out;
  }

  /** ∇_θ ℓ̃(θ), the gradient of the validation loss, in canonical order. */
  validationGradient(): Float64Array {
    this.checkUsable();
    return withScope((s) => {
      const gv = this.validationGradientInto(s);
      const out = new Float64Array(this.p.parameterCount);
      this.readStack(s.f64(gv, this.stackSize), 0, out);
      return out;
    });
  }

  /** Mean loss over the full training set (unweighted, without weight decay). */
  trainLoss(): number {
    return this.evaluation("train").loss / this.p.trainSize;
  }

  /** Mean loss over the validation set (no weights, no regularisation). */
  valLoss(): number {
    return this.evaluation("val").loss / this.p.valSize;
  }

  /** Validation accuracy in [0, 1]; null for least squares. */
  valAccuracy(): number | null {
    if (!this.p.hasAccuracy) return null;
    return this.evaluation("val").correct / this.p.valSize;
  }

  /** Training-set accuracy in [0, 1]; null for least squares. */
  trainAccuracy(): number | null {
    if (!this.p.hasAccuracy) return null;
    return this.evaluation("train").correct / this.p.trainSize;
  }

  /** A copy of φ (names in `names`). */
  getPhi(): Float64Array {
    return this.hp.getPhi();
  }

  /** Sets φ; the tangent is kept (reset it to start a new window). */
  setPhi(phi: ArrayLike<number>): void {
    this.checkLive();
    this.hp.setPhi(phi, "phi");
    this.rowHyperStale = true;
  }

  /** The hyperparameters in use: φ (names, values) and every natural value, including
   *  those outside φ (per-layer and per-feature values when selected). */
  hyperparameters(): HyperparameterReport {
    return this.hp.report();
  }

  /** The problem's findings about its data (e.g. `CONSTANT_FEATURE`). */
  get warnings(): readonly ProblemWarning[] {
    return this.problem.warnings;
  }

  /** The shared hyperparameters in natural units (see `hyperparameters()` for all): lr
   *  and wd are null when each layer has its own (`layerLr`, `layerWd`). */
  hyperValues(): { lr: number | null; wd: number | null; momentum: number | null; weights: Float64Array | null } {
    const { lr, wd, momentum, weights } = this.hp.report();
    return { lr, wd, momentum, weights };
  }

  /** θ in canonical order (a copy). */
  theta(): Float64Array {
    this.checkLive();
    const out = new Float64Array(this.p.parameterCount);
    this.readStack(this.view(), 0, out);
    return out;
  }

  /** dθ/dφ since the window start: a dim θ × q matrix (column j belongs to names[j]). */
  tangent(): Matrix {
    this.checkLive();
    const P = this.p.parameterCount,
      q = this.q;
    const data = new Float64Array(P * q);
    if (this.tangentStale) return { rows: P, cols: q, data };
    const view = this.view(),
      col = new Float64Array(P);
    for (let j = 0; j < q; j++) {
      this.readStack(view, j + 1, col);
      for (let i = 0; i < P; i++) data[i * q + j] = col[i];
    }
    return { rows: P, cols: q, data };
  }

  /** The current state (without the tangent), e.g. to continue with another session. */
  state(): TrainingState {
    this.checkLive();
    const view = this.view();
    const part = (k: number) => {
      const out = new Float64Array(this.p.parameterCount);
      this.readStack(view, 0, out, k * this.stackSize);
      return out;
    };
    const buffers: Record<string, Float64Array> = {};
    this.bufNames.forEach((name, i) => (buffers[name] = part(1 + i)));
    return { step: this.t, theta: part(0), buffers };
  }

  /** Everything needed to come back here: state, tangent, φ. */
  snapshot(): TrainingSnapshot {
    this.checkLive();
    if (this.diverged)
      throw new GlocalError("E_DIVERGED", "the session diverged; restore a snapshot taken before", "snapshot");
    const image = this.view().slice(0, (1 + this.bufNames.length) * this.stackSize);
    return { state: this.state(), phi: this.hp.getPhi(), image, tangentStale: this.tangentStale };
  }

  /** Returns to a snapshot of this session (also after E_DIVERGED). */
  restore(snapshot: TrainingSnapshot): void {
    this.checkLive();
    const s = snapshot as Partial<TrainingSnapshot> | null;
    const n = (1 + this.bufNames.length) * this.stackSize;
    if (
      !s ||
      typeof s !== "object" ||
      !(s.image instanceof Float64Array) ||
      s.image.length !== n ||
      !s.state ||
      !(s.phi instanceof Float64Array)
    ) {
      throw new GlocalError(
        "E_TYPE",
        "snapshot must come from snapshot() of a session with the same problem, optimiser and hyperparameters",
        "snapshot",
      );
    }
    this.hp.setPhi(s.phi, "snapshot.phi");
    this.rowHyperStale = true;
    this.view().set(s.image);
    this.t = s.state.step;
    this.tangentStale = s.tangentStale === true;
    this.diverged = false;
    this.version++;
  }

  /** Frees the WebAssembly memory (idempotent). The problem is not disposed. */
  dispose(): void {
    this.block.dispose();
    this.rowHyper?.dispose();
    this.parallel?.dispose();
    this.parallel = null;
  }

  // --- internals -------------------------------------------------------------------

  private stepOnce(qa: number): void {
    withScope((s) => {
      const k = s.k;
      const idx = this.sampler.batch(this.t);
      const loss = this.threads > 1 ? this.parallelGradient(idx, qa) : this.gradient(s, idx, qa);
      if (!Number.isFinite(loss)) {
        throw new GlocalError(
          "E_DIVERGED",
          `the training loss is not finite (${loss}) at step ${this.t + 1}; the state is unchanged`,
          "step",
        );
      }
      this.lastBatchLoss = loss;
      this.optimizerStep(s.k, qa);
      this.version++;
      if (!this.stateFinite(k, qa)) {
        this.diverged = true;
        throw new GlocalError(
          "E_DIVERGED",
          `the parameters or their tangents became non-finite at step ${this.t + 1}; restore a snapshot`,
          "step",
        );
      }
    });
    this.t++;
    this.work.step(qa > 0);
  }

  /** The batch's gradient and tangents on this thread, into the gradient stack; returns the loss. */
  private gradient(s: Scope, idx: Int32Array, qa: number): number {
    const p = this.p,
      B = this.batchSize,
      q = this.q,
      k = s.k;
    const train = p.split("train");
    let X = train.x,
      Y = train.y;
    if (!this.sampler.fullBatch) {
      const ip = s.allocI32(B);
      s.i32(ip, B).set(idx);
      X = s.alloc(B * p.features);
      Y = s.alloc(B * p.labelCols);
      k.gatherRows(B, ip, p.features, train.x, X);
      k.gatherRows(B, ip, p.labelCols, train.y, Y);
    }
    const args: GradJvpArgs = {
      n: B,
      X,
      Y,
      w: 0,
      wIdx: 0,
      wDer: 0,
      scale: 1 / B,
      q,
      qa,
      theta: this.ptr(0),
      grad: this.ptr(1 + this.bufNames.length),
    };
    this.putWeights(s, idx, qa, args);
    return runProducts(this.route, () => p.gradJvp(k, args));
  }

  /** The same on the session's threads (parallel/step.ts). */
  private parallelGradient(idx: Int32Array, qa: number): number {
    const par = (this.parallel ??= new DataParallelStep(
      this,
      this.p,
      this.batchSize,
      this.q,
      this.stackSize,
      this.threads,
    ));
    const view = this.view(),
      g = (1 + this.bufNames.length) * this.stackSize;
    return par.run(
      this.sampler.fullBatch ? null : idx,
      view.subarray(0, this.stackSize),
      this.batchWeights(idx, qa),
      qa,
      view.subarray(g, g + this.stackSize),
    );
  }

  /** The batch's weights (w, tangent slot, dw/dφ) when the loss is weighted, else null. */
  private batchWeights(idx: Int32Array, qa: number): BatchWeights | null {
    const w = this.hp.weights;
    if (!w) return null;
    const n = idx.length,
      slots = this.hp.weightSlot,
      der = this.hp.weightDer;
    const out: BatchWeights = { w: new Float64Array(n), slot: null, der: null };
    for (let r = 0; r < n; r++) out.w[r] = w[idx[r]];
    if (slots && der && qa > 0) {
      out.slot = new Int32Array(n);
      out.der = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        out.slot[r] = slots[idx[r]];
        out.der[r] = der[idx[r]];
      }
    }
    return out;
  }

  /** Writes the batch's weights into WebAssembly memory when the loss is weighted. */
  private putWeights(s: Scope, idx: Int32Array, qa: number, args: GradJvpArgs): void {
    const bw = this.batchWeights(idx, qa);
    if (!bw) return;
    args.w = s.put(bw.w);
    if (bw.slot && bw.der) {
      const n = idx.length;
      const ip = s.allocI32(n);
      s.i32(ip, n).set(bw.slot);
      args.wIdx = ip;
      args.wDer = s.put(bw.der);
    }
  }

  /** Rewrites the per-row decay and slots in WebAssembly memory after φ changed. */
  private writeRowHyper(): void {
    this.rowHyperStale = false;
    if (!this.rowHyper) return;
    const base = this.rowHyper.ptr,
      buffer = this.rowHyper.view().buffer;
    this.p.blocks.forEach((b, i) => {
      const at = this.rowAt[i];
      if (!at) return;
      const h = this.hp.block(i, true);
      new Float64Array(buffer, base + at.decay, b.rows).set(h.decay as Float64Array);
      if (h.dslot) new Int32Array(buffer, base + at.slot, b.rows).set(h.dslot);
    });
  }

  private optimizerStep(k: Kernels, qa: number): void {
    const { momentum, slots } = this.hp;
    const gradBase = this.ptr(1 + this.bufNames.length);
    if (this.rowHyperStale) this.writeRowHyper();
    const rowBase = this.rowHyper ? this.rowHyper.ptr : 0;
    this.p.blocks.forEach((b, i) => {
      const off = this.offsets[i] * 8;
      const h = this.hp.block(i, qa > 0);
      // Per-row decay only where rows differ (decay on weights only, per-feature decay).
      const at = this.rowAt[i];
      const decay = at ? rowBase + at.decay : 0;
      const dslot = at && h.dslot ? rowBase + at.slot : 0;
      optimizerStep(k, this.optimizer, {
        rows: b.rows,
        cols: b.cols,
        q: this.q,
        qa,
        theta: this.ptr(0) + off,
        grad: gradBase + off,
        buffers: this.bufNames.map((_, j) => this.ptr(1 + j) + off),
        lr: h.lr,
        wd: h.wd,
        momentum,
        step: this.t + 1,
        jLr: h.jLr,
        jWd: h.jWd,
        jMom: qa > 0 ? slots.momentum : -1,
        decay,
        dslot,
      });
    });
  }

  private stateFinite(k: Kernels, qa: number): boolean {
    for (let part = 0; part <= this.bufNames.length; part++) {
      for (let i = 0; i < this.p.blocks.length; i++) {
        const b = this.p.blocks[i];
        if (!k.stackFinite(b.rows, b.cols, this.q, qa, this.ptr(part) + this.offsets[i] * 8)) return false;
      }
    }
    return true;
  }

  /** ∇ℓ̃(θ) into the primal slots of a fresh stack-shaped scratch block (over the
   *  validation subset when one is set). */
  private validationGradientInto(s: Scope): number {
    const val = this.p.split("val");
    const gv = s.alloc(this.stackSize);
    let { x: X, y: Y, n } = val;
    const rows = this.valRows;
    if (rows) {
      n = rows.length;
      const ip = s.allocI32(n);
      s.i32(ip, n).set(rows);
      X = s.alloc(n * this.p.features);
      Y = s.alloc(n * this.p.labelCols);
      s.k.gatherRows(n, ip, this.p.features, val.x, X);
      s.k.gatherRows(n, ip, this.p.labelCols, val.y, Y);
    }
    runProducts(this.route, () =>
      this.p.gradJvp(s.k, {
        n,
        X,
        Y,
        w: 0,
        wIdx: 0,
        wDer: 0,
        scale: 1 / n,
        q: this.q,
        qa: 0,
        theta: this.ptr(0),
        grad: gv,
      }),
    );
    this.work.valGradients++;
    return gv;
  }

  private evaluation(split: "train" | "val"): Evaluation {
    this.checkUsable();
    if (this.cache.version !== this.version) this.cache = { version: this.version };
    const hit = this.cache[split];
    if (hit) return hit;
    const sp = this.p.split(split);
    const e = withScope((s) => {
      const out = s.alloc(2);
      runProducts(this.route, () => this.p.evalKernel(s.k, sp, this.q, this.ptr(0), out));
      const [loss, correct] = s.read(out, 2);
      return { loss, correct };
    });
    if (!Number.isFinite(e.loss))
      throw new GlocalError("E_DIVERGED", `the ${split} loss is not finite (${e.loss})`, split);
    this.cache[split] = e;
    return e;
  }

  /** Pointer to part k of the block: 0 θ, 1… buffers, then the gradient. */
  private ptr(part: number): number {
    return this.block.ptr + part * this.stackSize * 8;
  }

  private view(): Float64Array {
    return this.block.view();
  }

  /** Slot j (0 primal, j ≥ 1 tangent j−1) of the stack at `base` in canonical order. */
  private readStack(view: Float64Array, j: number, out: Float64Array, base = 0): void {
    let c = 0;
    this.p.blocks.forEach((b, i) => {
      const ld = b.cols * (1 + this.q);
      for (let r = 0; r < b.rows; r++) {
        const start = base + this.offsets[i] + r * ld + j * b.cols;
        out.set(view.subarray(start, start + b.cols), c);
        c += b.cols;
      }
    });
  }

  /** Writes a canonical vector into the primal slots of part k. */
  private writePart(part: number, src: Float64Array): void {
    const view = this.view(),
      base = part * this.stackSize;
    let c = 0;
    this.p.blocks.forEach((b, i) => {
      const ld = b.cols * (1 + this.q);
      for (let r = 0; r < b.rows; r++) {
        view.set(src.subarray(c, c + b.cols), base + this.offsets[i] + r * ld);
        c += b.cols;
      }
    });
    this.version++;
  }

  private zeroTangents(): void {
    this.tangentStale = false;
    if (this.q === 0) return;
    const view = this.view();
    for (let part = 0; part <= this.bufNames.length; part++) {
      this.p.blocks.forEach((b, i) => {
        const ld = b.cols * (1 + this.q);
        for (let r = 0; r < b.rows; r++) {
          const start = part * this.stackSize + this.offsets[i] + r * ld;
          view.fill(0, start + b.cols, start + ld);
        }
      });
    }
  }

  private checkLive(): void {
    this.block.check("session");
    this.p.checkLive();
  }

  private checkUsable(): void {
    this.checkLive();
    if (this.diverged)
      throw new GlocalError("E_DIVERGED", "the session diverged; restore a snapshot taken before", "session");
  }
}

/** The problem as a live built-in problem (plug-in models use PluginTraining). */
export function builtinProblem(problem: Problem): BuiltinProblem {
  if (!(problem instanceof BuiltinProblem)) {
    throw new GlocalError(
      "E_TYPE",
      `problem must be a built-in problem (problems.linear/logistic/softmax/mlp); plug-in models use PluginTraining`,
      "problem",
    );
  }
  problem.checkLive();
  return problem;
}
