/**
 * The data-parallel gradient + tangent evaluation of one inner step. The mini-batch is
 * cut into contiguous slices; each slice's rows are gathered and the model's
 * gradient+JVP kernel runs on them into the slice's own partial stack. The partial
 * stacks are then added in slice order (0 + 1, then + 2, …) and the partial losses
 * likewise, so the result depends only on the slice count: bit-identical whoever computes
 * each slice. Against one slice the sums over the batch are grouped differently, so
 * results agree to rounding (relative error of order 1e-16 per step, not bit for bit).
 *
 * Who computes the slices: the caller and the helpers each take a contiguous group of
 * slices, as even as the counts allow (the caller the first); that balances the work and
 * does not change the bits. With helpers, all of it lives in one shared
 * WebAssembly memory (pool.ts). Without (one core, a cap of 0, no shared memory or
 * workers in this runtime), the slices run on a private instance of the plain-SIMD binary
 * on an ordinary memory: the same kernel code as the shared binary (both are plain SIMD,
 * without fused multiply-add, whatever binary the session's own instance runs), so the
 * same bits, and the same layout and code below.
 *
 * The training data is copied once into that memory (a second copy, next to the one in
 * the main instance); θ (with its tangents) is copied in before each step and the summed
 * gradient stack copied out, since the optimiser step stays on the main instance.
 */
import { GlocalError } from "../../core/errors";
import type { Kernels } from "../../core/abi";
import { kernels, plainModule } from "../../core/load";
import { BuiltinProblem, GradJvpArgs } from "../../problems/base";
import { KernelCall, ThreadPool, WORKER_KERNELS, WorkerKernel } from "./pool";
import { resolveHelpers } from "./threads";

/** The per-example loss weights of one batch, in batch order. */
export interface BatchWeights {
  w: Float64Array;
  /** The tangent slot driving each weight, and dw/dφ (null when the weights are fixed). */
  slot: Int32Array | null;
  der: Float64Array | null;
}

/** FinalizationRegistry where the runtime has one (typed locally: the build targets ES2020). */
interface Finalizer<T> {
  register(target: object, held: T, token?: object): void;
  unregister(token: object): void;
}
const FR = (
  globalThis as { FinalizationRegistry?: new (cb: (held: DataParallelStep) => void) => Finalizer<DataParallelStep> }
).FinalizationRegistry;
// A session collected without dispose() stops its workers then, not at process exit.
const orphans: Finalizer<DataParallelStep> | null = typeof FR === "function" ? new FR((step) => step.dispose()) : null;

/** Headroom over the measured scratch of a slice, for the arena's 16-byte rounding. */
const ARENA_SLACK = 64 * 1024;

export class DataParallelStep {
  /** Slices of the batch (they fix the summation order). */
  readonly slices: number;
  /** Helper threads started besides the caller (0: every slice runs on the caller). */
  readonly helpers: number;
  private readonly pool: ThreadPool | null;
  private readonly k: Kernels;
  private readonly memory: { readonly buffer: ArrayBufferLike };
  private readonly p: BuiltinProblem;
  private readonly batch: number;
  private readonly q: number;
  private readonly stackSize: number;
  /** Row ranges of the slices: slice t holds [starts[t], starts[t + 1]). */
  private readonly starts: number[];
  private readonly at: {
    trainX: number;
    trainY: number;
    theta: number;
    partial: number[];
    idx: number;
    w: number;
    wIdx: number;
    wDer: number;
    X: number[];
    Y: number[];
  };

  /** `owner`: the session; should it be collected undisposed, the workers are stopped. */
  constructor(owner: object, problem: BuiltinProblem, batch: number, q: number, stackSize: number, slices: number) {
    this.p = problem;
    this.batch = batch;
    this.q = q;
    this.stackSize = stackSize;
    this.slices = slices;
    this.helpers = resolveHelpers(slices);
    this.starts = [];
    for (let t = 0; t <= slices; t++) this.starts.push(Math.floor((t * batch) / slices));
    const maxSlice = Math.max(...this.starts.slice(1).map((s, t) => s - this.starts[t]));
    const pool = (this.pool = this.helpers > 0 ? new ThreadPool(this.helpers + 1) : null);
    try {
      const k = (this.k = pool ? pool.k : plainInstance());
      this.memory = pool ? pool.memory : k.memory;
      const F = problem.features,
        L = problem.labelCols,
        n = problem.trainSize;
      const alloc = (bytes: number) => k.persistentAlloc(Math.max(bytes, 16)) >>> 0;
      const at = {
        trainX: alloc(n * F * 8),
        trainY: alloc(n * L * 8),
        theta: alloc(stackSize * 8),
        partial: Array.from({ length: slices }, () => alloc(stackSize * 8)),
        idx: alloc(batch * 4),
        w: alloc(batch * 8),
        wIdx: alloc(batch * 4),
        wDer: alloc(batch * 8),
        X: Array.from({ length: slices }, () => alloc(maxSlice * F * 8)),
        Y: Array.from({ length: slices }, () => alloc(maxSlice * L * 8)),
      };
      this.at = at;
      const train = problem.split("train");
      const main = kernels().memory.buffer,
        buf = this.memory.buffer;
      new Float64Array(buf, at.trainX, n * F).set(new Float64Array(main, train.x, n * F));
      new Float64Array(buf, at.trainY, n * L).set(new Float64Array(main, train.y, n * L));
      new Float64Array(buf, at.theta, stackSize).fill(0);
      for (const p of at.partial) new Float64Array(buf, p, stackSize).fill(0);
      if (pool) {
        // Each worker's arena holds what one slice's kernel allocates: measured here, on
        // instance 0, with every tangent active (scratch depends on shapes only).
        k.scratchPeakReset();
        const mark = k.scratchMark();
        try {
          problem.gradJvp(k, this.args(maxSlice, at.trainX, at.trainY, 0, 0, 0, q, at.partial[0]));
        } finally {
          k.scratchRelease(mark);
        }
        // Node starts workers while this thread blocks; a browser may not (pool.ts).
        pool.start(k.scratchPeakBytes() + ARENA_SLACK, isNode());
        orphans?.register(owner, this, this);
      }
    } catch (e) {
      pool?.dispose();
      throw e;
    }
  }

  /**
   * ∇ of the batch loss (and its qa tangents) at θ into `grad` (the main instance's
   * gradient stack); returns the batch loss. `idx`: the batch's training rows (null: the
   * whole training set in order).
   */
  run(
    idx: Int32Array | null,
    theta: Float64Array,
    weights: BatchWeights | null,
    qa: number,
    grad: Float64Array,
  ): number {
    const { at, starts, p, k } = this;
    const buf = this.memory.buffer;
    new Float64Array(buf, at.theta, this.stackSize).set(theta);
    if (idx) new Int32Array(buf, at.idx, this.batch).set(idx);
    const tangentWeights = weights !== null && weights.slot !== null && weights.der !== null && qa > 0;
    if (weights) {
      new Float64Array(buf, at.w, this.batch).set(weights.w);
      if (tangentWeights) {
        new Int32Array(buf, at.wIdx, this.batch).set(weights.slot as Int32Array);
        new Float64Array(buf, at.wDer, this.batch).set(weights.der as Float64Array);
      }
    }
    const F = p.features,
      L = p.labelCols;
    const slice = (t: number): KernelCall[] => {
      const s = starts[t],
        n = starts[t + 1] - s;
      const calls: KernelCall[] = [];
      let X = at.trainX + s * F * 8,
        Y = at.trainY + s * L * 8;
      if (idx) {
        X = at.X[t];
        Y = at.Y[t];
        calls.push({ name: "gatherRows", args: [n, at.idx + s * 4, F, at.trainX, X] });
        calls.push({ name: "gatherRows", args: [n, at.idx + s * 4, L, at.trainY, Y] });
      }
      const w = weights ? at.w + s * 8 : 0;
      const wIdx = tangentWeights ? at.wIdx + s * 4 : 0;
      const wDer = tangentWeights ? at.wDer + s * 8 : 0;
      calls.push(recordCall(p, this.args(n, X, Y, w, wIdx, wDer, qa, at.partial[t])));
      return calls;
    };
    // Each call under its own scratch mark, as a worker empties its arena after each call.
    const runHere = (calls: readonly KernelCall[]): number[] =>
      calls.map((c) => {
        const mark = k.scratchMark();
        try {
          return (k[c.name] as (...a: number[]) => number)(...c.args);
        } finally {
          k.scratchRelease(mark);
        }
      });
    // Thread j (0: the caller, j ≥ 1: helper j) computes the contiguous group of slices
    // [group[j], group[j + 1]); a slice's loss is the result of its last call (the kernel).
    const threads = this.helpers + 1;
    const group = Array.from({ length: threads + 1 }, (_, j) => Math.floor((j * this.slices) / threads));
    const losses = new Array<number>(this.slices).fill(0);
    const jobOf = (j: number): { calls: KernelCall[]; ends: number[] } => {
      const calls: KernelCall[] = [],
        ends: number[] = [];
      for (let t = group[j]; t < group[j + 1]; t++) {
        calls.push(...slice(t));
        ends.push(calls.length - 1);
      }
      return { calls, ends };
    };
    const collect = (j: number, ends: number[], results: number[]) =>
      ends.forEach((e, i) => (losses[group[j] + i] = results[e]));
    const own = jobOf(0);
    const onCaller = () => collect(0, own.ends, runHere(own.calls));
    if (this.pool) {
      const jobs = Array.from({ length: this.helpers }, (_, w) => jobOf(w + 1));
      const out = this.pool.run(
        jobs.map((j) => j.calls),
        onCaller,
        runHere,
      );
      jobs.forEach((j, w) => collect(w + 1, j.ends, out[w]));
    } else onCaller();
    let loss = losses[0];
    for (let t = 1; t < this.slices; t++) {
      k.addInto(this.stackSize, at.partial[0], at.partial[t]);
      loss += losses[t];
    }
    grad.set(new Float64Array(this.memory.buffer, at.partial[0], this.stackSize));
    return loss;
  }

  /** Stops the workers (idempotent); the shared memory goes with the last reference. */
  dispose(): void {
    orphans?.unregister(this);
    this.pool?.dispose();
  }

  private args(
    n: number,
    X: number,
    Y: number,
    w: number,
    wIdx: number,
    wDer: number,
    qa: number,
    grad: number,
  ): GradJvpArgs {
    return { n, X, Y, w, wIdx, wDer, scale: 1 / this.batch, q: this.q, qa, theta: this.at.theta, grad };
  }
}

/** The one kernel call a problem's gradJvp makes, captured instead of run. */
function recordCall(p: BuiltinProblem, a: GradJvpArgs): KernelCall {
  let call: KernelCall | null = null;
  const recorder = new Proxy(
    {},
    {
      get:
        (_t, name) =>
        (...args: number[]) => {
          call = { name: String(name) as WorkerKernel, args };
          return 0;
        },
    },
  );
  p.gradJvp(recorder as Kernels, a);
  const c = call as KernelCall | null;
  if (c === null || !WORKER_KERNELS.includes(c.name))
    throw new GlocalError("E_INTERNAL", `the ${p.kind} model's gradient kernel cannot run on a worker thread`);
  return c;
}

/**
 * A private instance of the plain-SIMD binary on its own ordinary memory, for slices
 * computed without helpers: it needs no shared memory, and its kernels are the shared
 * binary's code without atomics, so the slices give the same bits as with helpers.
 */
function plainInstance(): Kernels {
  const instance = new WebAssembly.Instance(plainModule() as unknown as WebAssembly.Module, {
    env: {
      abort: () => {
        throw new GlocalError("E_INTERNAL", "a kernel of the sliced step aborted (memory exhausted)");
      },
    },
    glocal: { product: () => 0 },
  });
  return instance.exports as unknown as Kernels;
}

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === "string";
}
