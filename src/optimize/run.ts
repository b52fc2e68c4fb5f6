/**
 * The bookkeeping every strategy shares: sessions, φ and the meta-optimiser, the clock
 * (training time apart from evaluation time), counts, the history, abort checks and the
 * rejection of divergent updates.
 */
import { GlocalError, isGlocalError } from "../core/errors";
import { HyperParameters } from "../training/hyperparameters";
import { checkSeed } from "../core/random";
import { InnerTraining, builtinProblem, checkBatchSize } from "../training/builtin";
import { DriverSession, isSessionProblem } from "../training/types";
import { MetaOptimizer } from "./meta";
import { ProductOptions, resolveProducts } from "../gpu/dispatch";
import type { HistoryEntry, OptimizeEvent, OptimizeOptions, OptimizeResult, Strategy } from "./types";

/** Consecutive rejected windows after which the driver gives up. */
export const MAX_CONSECUTIVE_REJECTIONS = 6;

export class Aborted extends Error {}

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
  private live: DriverSession | null = null;
  /** The hyperparameters: names, φ₀, and the range check of φ between sessions. */
  private readonly hp: HyperParameters;

  constructor(o: ResolvedOptions) {
    this.o = o;
    // What a session would reject is rejected here, before any work, in InnerTraining's order.
    const trainSize = isSessionProblem(o.problem) ? o.problem.trainSize : builtinProblem(o.problem).trainSize;
    this.hp = new HyperParameters(o.optimizer, trainSize, o.hyper, o.weights);
    checkBatchSize(o.batchSize, trainSize);
    checkSeed(o.seed, "seed");
    resolveProducts(o.products);
    this.phi = this.hp.getPhi();
    this.names = this.hp.names.slice();
    this.previousPhi = this.phi.slice();
    this.meta = new MetaOptimizer(o.metaOptimizer, this.phi.length);
  }

  get strategy(): Strategy {
    return this.o.strategy;
  }

  /** A fresh session from θ₀ (or a state) with the current φ; a SessionProblem makes its own. */
  session(): DriverSession {
    const options = {
      hyper: this.o.hyper,
      weights: this.o.weights,
      batchSize: this.o.batchSize,
      seed: this.o.seed,
      phi: this.phi,
      ...this.o.products,
    };
    const p = this.o.problem;
    const s = isSessionProblem(p)
      ? p.createSession(this.o.optimizer, options)
      : new InnerTraining(p, this.o.optimizer, options);
    this.live = s;
    return s;
  }

  release(s: DriverSession): void {
    const c = s.counts;
    this.doneJvps += c.jvps;
    this.doneValGrads += c.valGradients;
    if (this.live === s) this.live = null;
    s.dispose();
  }

  private counts(): { jvps: number; valGradients: number } {
    const c = this.live && !this.live.disposed ? this.live.counts : { jvps: 0, valGradients: 0 };
    return { jvps: this.doneJvps + c.jvps, valGradients: this.doneValGrads + c.valGradients };
  }

  trainingMs(): number {
    return now() - this.started - this.evalMs;
  }

  /** n inner steps, one at a time so an abort is honoured within one step. */
  steps(s: DriverSession, n: number, tangent: boolean): void {
    for (let i = 0; i < n; i++) {
      if (this.o.signal?.aborted) throw new Aborted();
      s.step(1, { tangent });
      this.innerSteps++;
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
    if (s && snapshot) {
      s.restore(snapshot);
      s.setPhi(this.phi);
    }
    if (this.consecutiveRejections >= MAX_CONSECUTIVE_REJECTIONS) {
      this.stopped = "diverged";
      return false;
    }
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

  /** Appends a history entry; evaluates the session's losses when due (timed apart). */
  record(s: DriverSession, position: number, extra: Partial<HistoryEntry>, forceEval = false): HistoryEntry {
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
      ...extra,
    };
    this.history.push(entry);
    this.o.onProgress?.({
      strategy: this.o.strategy,
      innerSteps: this.innerSteps,
      totalInnerSteps: this.o.strategy === "global" ? this.o.innerSteps * this.o.outerSteps : this.o.innerSteps,
      updates: this.updates,
      valLoss,
      phi: this.phi.slice(),
    });
    return entry;
  }

  result(s: DriverSession): OptimizeResult {
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
        updates: this.updates,
        fallbacks: this.fallbacks,
        rejected: this.rejected,
        clipped: this.meta.clipped,
      },
      wallTimeMs: this.trainingMs(),
      evalTimeMs: this.evalMs,
      events: this.events,
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
