/**
 * The bookkeeping every strategy shares: sessions, φ and the meta-optimiser, the clock
 * (training time apart from evaluation time), counts, the history, abort checks and the
 * rejection of divergent updates.
 */
import { callerCode } from "../core/callback";
import type { Work } from "../core/cooperative";
import { GlocalError, isGlocalError } from "../core/errors";
import { HyperParameters } from "../training/hyperparameters";
import { checkSeed, mixSeed, mulberry32 } from "../core/random";
import { InnerTraining, builtinProblem, checkBatchSize } from "../training/builtin";
import { DriverSession, SessionProblem, isSessionProblem } from "../training/types";
import type { Problem } from "../problems/types";
import { MetaOptimizer } from "./meta";
import { ProductOptions, resolveProducts } from "../gpu/dispatch";
import type { HistoryEntry, OptimizeEvent, OptimizeOptions, OptimizeResult, Strategy } from "./types";

/** Consecutive rejected windows after which the driver gives up. */
export const MAX_CONSECUTIVE_REJECTIONS = 6;

export class Aborted extends Error {}

/** What record() and result() evaluate: a session, or a random-search trial evaluated on a worker. */
export interface Evaluable {
  trainLoss(): number;
  valLoss(): number;
  valAccuracy(): number | null;
}

export interface ResolvedOptions extends Required<
  Pick<OptimizeOptions, "problem" | "optimizer" | "strategy" | "innerSteps">
> {
  hyper: OptimizeOptions["hyper"];
  weights: OptimizeOptions["weights"];
  window: number;
  outerSteps: number;
  batchSize: number | undefined;
  seed: number;
  evalEvery: number;
  glocal: NonNullable<OptimizeOptions["glocal"]>;
  random: NonNullable<OptimizeOptions["random"]>;
  metaOptimizer: OptimizeOptions["metaOptimizer"];
  onProgress: OptimizeOptions["onProgress"];
  signal: OptimizeOptions["signal"];
  /** Where the sessions' batched model products run (passed through to InnerTraining). */
  products: ProductOptions;
}

export class Run {
  readonly o: ResolvedOptions;
  readonly meta: MetaOptimizer;
  phi: Float64Array;
  /** φ before the most recent update: where a rejected update returns to. */
  previousPhi: Float64Array;
  readonly names: string[];
  readonly history: HistoryEntry[] = [];
  readonly events: OptimizeEvent[] = [];
  /** Inner steps of work done (all sessions, retries included). */
  innerSteps = 0;
  updates = 0;
  /** Validation-loss evaluations a strategy decided on (random's trials). */
  valLosses = 0;
  fallbacks = 0;
  rejected = 0;
  consecutiveRejections = 0;
  stopped: OptimizeResult["stopped"] = "done";
  private readonly started = now();
  private evalMs = 0;
  private lastEvalAt = -Infinity;
  /** JVPs and validation gradients of sessions already disposed. */
  private doneJvps = 0;
  private doneValGrads = 0;
  /** Sessions not yet released (random keeps its best trial open beside the next). */
  private readonly open = new Set<DriverSession>();
  /** The hyperparameters: names, φ₀, and the range check of φ between sessions. */
  private readonly hp: HyperParameters;
  /** Validation-set size, and the stream of validation subsets (glocal.valSubsample). */
  readonly valSize: number;
  private readonly subsetDraws: () => number;

  /** Time the asynchronous driver spent giving the event loop turns (not training). */
  private readonly pauses: { ms: number };
  private readonly pausedBefore: number;

  /** `pauses`: the asynchronous driver's running total of pause time, shared by runs. */
  constructor(o: ResolvedOptions, pauses: { ms: number } = { ms: 0 }) {
    this.o = o;
    this.pauses = pauses;
    this.pausedBefore = pauses.ms;
    // What a session would reject is rejected here, before any work, in InnerTraining's order.
    const problem: Problem | SessionProblem = isSessionProblem(o.problem) ? o.problem : builtinProblem(o.problem);
    this.hp = new HyperParameters(o.optimizer, problem, o.hyper, o.weights);
    checkBatchSize(o.batchSize, problem.trainSize);
    checkSeed(o.seed, "seed");
    this.valSize = problem.valSize;
    const sub = o.glocal.valSubsample;
    if (sub !== undefined && sub > problem.valSize) {
      throw new GlocalError(
        "E_OPTION",
        `option 'glocal.valSubsample' must not exceed the validation-set size (${problem.valSize}), got ${sub}`,
        "glocal.valSubsample",
      );
    }
    this.subsetDraws = mulberry32(mixSeed(o.seed, 0x5ab5e7));
    resolveProducts(o.products);
    this.phi = this.hp.getPhi();
    if (this.phi.length === 0)
      throw new GlocalError(
        "E_OPTION",
        "hyper selects no hyperparameter to optimise (an empty list, or 'weights' with no weights.indices)",
        "hyper",
      );
    this.names = this.hp.names.slice();
    this.previousPhi = this.phi.slice();
    this.meta = new MetaOptimizer(o.metaOptimizer, this.phi.length);
  }

  get strategy(): Strategy {
    return this.o.strategy;
  }

  /** A fresh session from θ₀ with the current φ (or the φ given); a SessionProblem makes its own. */
  session(phi: ArrayLike<number> = this.phi): DriverSession {
    const options = {
      hyper: this.o.hyper,
      weights: this.o.weights,
      batchSize: this.o.batchSize,
      seed: this.o.seed,
      phi,
      ...this.o.products,
    };
    const p = this.o.problem;
    const s = isSessionProblem(p)
      ? p.createSession(this.o.optimizer, options)
      : new InnerTraining(p, this.o.optimizer, options);
    this.open.add(s);
    return s;
  }

  /** Releases every open session (a strategy that threw left them open). */
  dispose(): void {
    for (const s of [...this.open]) this.release(s);
  }

  /** Whether the caller's signal asks to stop; its getter is the caller's code. */
  abortRequested(): boolean {
    const signal = this.o.signal;
    return signal !== undefined && Boolean(callerCode("signal.aborted", () => signal.aborted));
  }

  /**
   * With `glocal.valSubsample`, gives the session a fresh seeded subset of validation rows
   * for the hypergradients recorded next (a partial Fisher–Yates draw without repeats);
   * false (and nothing changed) without one.
   */
  subsample(s: DriverSession): boolean {
    const n = this.o.glocal.valSubsample;
    if (n === undefined || n >= this.valSize) return false;
    const pool = new Int32Array(this.valSize);
    for (let i = 0; i < pool.length; i++) pool[i] = i;
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.subsetDraws() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    s.setValidationSubset(pool.subarray(0, n));
    return true;
  }

  /** Makes φ the current hyperparameters without an update (random's best trial). */
  adopt(phi: Float64Array): void {
    this.hp.setPhi(phi);
    this.phi = phi.slice();
  }

  /** Adds a session's work to the totals and frees it (idempotent). */
  release(s: DriverSession): void {
    if (this.open.delete(s)) {
      const c = s.counts;
      this.doneJvps += c.jvps;
      this.doneValGrads += c.valGradients;
    }
    s.dispose();
  }

  private counts(): { jvps: number; valGradients: number } {
    let jvps = this.doneJvps,
      valGradients = this.doneValGrads;
    for (const s of this.open) {
      const c = s.counts;
      jvps += c.jvps;
      valGradients += c.valGradients;
    }
    return { jvps, valGradients };
  }

  trainingMs(): number {
    return now() - this.started - this.evalMs - (this.pauses.ms - this.pausedBefore);
  }

  /** n inner steps, one at a time so an abort is honoured within one step; the
   *  asynchronous driver may give the event loop a turn after each (optimizeAsync). */
  *steps(s: DriverSession, n: number, tangent: boolean): Work<void> {
    for (let i = 0; i < n; i++) {
      if (this.abortRequested()) throw new Aborted();
      s.step(1, { tangent });
      this.innerSteps++;
      yield;
    }
  }

  /** Applies h to φ (and the session), remembering where a rejection returns to. */
  update(h: ArrayLike<number>, s: DriverSession | null): void {
    for (let i = 0; i < h.length; i++) {
      if (!Number.isFinite(h[i]))
        throw new GlocalError("E_DIVERGED", `the hypergradient is not finite (${this.names[i]})`, "hypergradient");
    }
    this.previousPhi = this.phi;
    const next = this.meta.step(this.phi, h);
    // A step that takes φ out of range (a huge hypergradient sent log lr to -7730, lr = 0)
    // is a divergent update, rejected like one; it escaped optimize as E_OPTION before.
    // A rejected φ leaves the hyperparameters (and the session) as they were.
    try {
      this.hp.setPhi(next);
      if (s) s.setPhi(next);
    } catch (e) {
      if (!(isGlocalError(e) && e.code === "E_OPTION")) throw e;
      throw new GlocalError("E_DIVERGED", `the meta step left the hyperparameters' range: ${e.message}`, "phi");
    }
    this.phi = next;
    this.updates++;
    this.consecutiveRejections = 0;
  }

  /**
   * Rejects the work since `snapshot` after a divergence: restores the session, returns φ
   * to its value before the last update and halves the meta step. False when the driver
   * should give up.
   */
  reject(e: unknown, s: DriverSession | null, snapshot: unknown): boolean {
    if (!(isGlocalError(e) && e.code === "E_DIVERGED")) throw e;
    this.rejected++;
    this.consecutiveRejections++;
    this.events.push({ kind: "diverged", innerSteps: this.innerSteps, update: this.updates, message: e.message });
    this.phi = this.previousPhi.slice();
    this.hp.setPhi(this.phi);
    this.meta.shrink();
    if (s && snapshot !== null) {
      s.restore(snapshot);
      s.setPhi(this.phi);
    }
    if (this.consecutiveRejections >= MAX_CONSECUTIVE_REJECTIONS) {
      this.stopped = "diverged";
      return false;
    }
    return true;
  }

  /**
   * A divergence under a fixed φ (none, random): recorded as an event; true when `e` is
   * one (E_DIVERGED), so the caller ends that training run at its last good state.
   */
  divergedWithFixedPhi(e: unknown): boolean {
    if (!(isGlocalError(e) && e.code === "E_DIVERGED")) return false;
    this.events.push({ kind: "diverged", innerSteps: this.innerSteps, update: this.updates, message: e.message });
    return true;
  }

  /** Whether an evaluation is due at `position` inner steps into the run. */
  evalDue(position: number, force = false): boolean {
    return force || position - this.lastEvalAt >= this.o.evalEvery;
  }

  /** The natural values of the current φ (global's session still holds the previous one). */
  private hyper(): { lr: number; wd: number; momentum: number | null } {
    return { lr: this.hp.lr, wd: this.hp.wd, momentum: this.o.optimizer.kind === "sgd" ? null : this.hp.momentum };
  }

  /** The natural values of another φ (a random-search trial); the current φ is kept. */
  natural(phi: ArrayLike<number>): { lr: number; wd: number; momentum: number | null } {
    const current = this.hp.getPhi();
    this.hp.setPhi(phi);
    try {
      return this.hyper();
    } finally {
      this.hp.setPhi(current);
    }
  }

  /** Appends a history entry; evaluates the session's losses when due (timed apart). */
  record(s: Evaluable, position: number, extra: Partial<HistoryEntry>, forceEval = false): HistoryEntry {
    let trainLoss: number | null = null,
      valLoss: number | null = null,
      valAccuracy: number | null = null;
    if (this.evalDue(position, forceEval)) {
      const t = now();
      trainLoss = s.trainLoss();
      valLoss = s.valLoss();
      valAccuracy = s.valAccuracy();
      this.evalMs += now() - t;
      this.lastEvalAt = position;
    }
    const c = this.counts();
    const entry: HistoryEntry = {
      update: this.updates,
      innerSteps: this.innerSteps,
      phi: Array.from(this.phi),
      hyper: this.hyper(),
      hypergradient: null,
      trainLoss,
      valLoss,
      valAccuracy,
      wallTimeMs: this.trainingMs(),
      jvps: c.jvps,
      valGradients: c.valGradients,
      valLosses: this.valLosses,
      ...extra,
    };
    this.history.push(entry);
    const onProgress = this.o.onProgress;
    if (onProgress !== undefined) {
      const progress = {
        strategy: this.o.strategy,
        innerSteps: this.innerSteps,
        totalInnerSteps:
          this.o.strategy === "global" || this.o.strategy === "random"
            ? this.o.innerSteps * this.o.outerSteps
            : this.o.innerSteps,
        updates: this.updates,
        valLoss,
        phi: this.phi.slice(),
      };
      callerCode("onProgress", () => onProgress(progress));
    }
    return entry;
  }

  result(s: Evaluable): OptimizeResult {
    const t = now();
    const trainLoss = s.trainLoss(),
      valLoss = s.valLoss(),
      valAccuracy = s.valAccuracy();
    this.evalMs += now() - t;
    const c = this.counts();
    return {
      strategy: this.o.strategy,
      names: this.names,
      history: this.history,
      final: { phi: Array.from(this.phi), hyper: this.hyper(), trainLoss, valLoss, valAccuracy },
      counts: {
        innerSteps: this.innerSteps,
        jvps: c.jvps,
        valGradients: c.valGradients,
        valLosses: this.valLosses,
        updates: this.updates,
        fallbacks: this.fallbacks,
        rejected: this.rejected,
        clipped: this.meta.clipped,
      },
      wallTimeMs: this.trainingMs(),
      evalTimeMs: this.evalMs,
      events: this.events,
      warnings: this.o.problem.warnings.slice(),
      stopped: this.stopped,
    };
  }

  aborted(): void {
    this.stopped = "aborted";
    this.events.push({
      kind: "aborted",
      innerSteps: this.innerSteps,
      update: this.updates,
      message: "stopped by the abort signal",
    });
  }
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
