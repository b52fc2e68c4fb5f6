/**
 * The threads of the data-parallel inner step: one WebAssembly memory, shared, with one
 * instance of the shared-memory binary per thread. Instance 0 runs on the calling thread
 * and owns the allocator (the heap's bookkeeping lives in the shared memory itself); every
 * worker instance gets a private arena for its scratch (assembly/memory.ts, arena mode).
 *
 * Synchronisation is Atomics on a control block in the shared memory (Int32 words):
 *   0 job counter (workers sleep on it), 1 workers done with the current job,
 *   2 workers ready, 3 quit flag, 16 + w − 1: worker w is ready.
 * Each worker has a slot of doubles: [0] error flag, [1] the last call's result,
 * [2] number of calls, [3] the job number it is for, [4 … 4 + MAX_CALLS) each call's
 * result, then per call: kernel index, argument count, arguments.
 * The caller blocks in Atomics.wait while the workers finish: allowed in Node (main thread
 * and workers) and in Web Workers, not on a browser's main thread (see threads.ts).
 *
 * A job whose worker is not ready yet runs on the calling thread instead, on instance 0:
 * the same binary on the same inputs gives the same bits, so the result does not depend
 * on which threads were up. (A browser may start a worker only once
 * its creator returns to its event loop; Node starts them at once, and waits for them.)
 */
import { GlocalError } from "../../core/errors";
import type { Kernels } from "../../core/abi";
import { decodeBase64 } from "../../core/load";
import { nodeRequire } from "../../core/optional";
import { SHARED_WASM_BASE64 } from "../../generated/binaries";
import { WORKER_SOURCE } from "./workerSource";

/** The kernels a worker may be asked to run (by index in a job slot). */
export const WORKER_KERNELS = ["gatherRows", "linearGradJvp", "mlpGradJvp"] as const;
export type WorkerKernel = (typeof WORKER_KERNELS)[number];

/** One kernel call of a worker's job. */
export interface KernelCall {
  name: WorkerKernel;
  args: readonly number[];
}

const CTL_WORDS = 16 + 64;
const CTL_BYTES = CTL_WORDS * 4;
/** Calls of one job: a thread may take up to 64 slices of 3 calls each (gather X, gather Y, kernel). */
const MAX_CALLS = 3 * 64;
const MAX_ARGS = 24;
const RESULTS = 4;
const CALLS = RESULTS + MAX_CALLS;
const SLOT_DOUBLES = CALLS + MAX_CALLS * (2 + MAX_ARGS);
/** Longest waits for the workers' start and for one job (a dead worker never answers). */
const START_LIMIT_MS = 30_000;
const JOB_LIMIT_MS = 120_000;

interface WorkerHandle {
  terminate(): void;
}

let liveWorkers = 0;
/** Worker threads of the data-parallel step alive now (tests count them). */
export function liveThreadWorkers(): number {
  return liveWorkers;
}

let compiled: WebAssembly.Module | null = null;
function sharedModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(decodeBase64(SHARED_WASM_BASE64));
  return compiled;
}

const hostImports = (memory: WebAssembly.Memory) => ({
  env: {
    memory,
    abort: () => {
      throw new GlocalError("E_INTERNAL", "a kernel of the data-parallel step aborted (arena or memory exhausted)");
    },
  },
  glocal: { product: () => 0 },
});

interface NodeWorker {
  unref(): void;
  on(event: "exit" | "error", fn: (arg: unknown) => void): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker;

/** The Worker constructor of this runtime: worker_threads in Node, Web Workers elsewhere. */
export function workerFactory(): ((data: Record<string, unknown>) => WorkerHandle) | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let wt = proc?.getBuiltinModule?.("worker_threads") as { Worker?: NodeWorkerCtor } | undefined;
  if (wt === undefined && proc !== undefined) {
    try {
      wt = nodeRequire()?.("worker_threads") as { Worker?: NodeWorkerCtor } | undefined;
    } catch {
      wt = undefined;
    }
  }
  const NodeW = wt?.Worker;
  if (typeof NodeW === "function") {
    return (data) => {
      const w = new NodeW(WORKER_SOURCE, { eval: true, workerData: data });
      // A session that is never disposed must not keep the process alive.
      w.unref();
      liveWorkers++;
      w.on("exit", () => liveWorkers--);
      w.on("error", () => undefined);
      return { terminate: () => void w.terminate() };
    };
  }
  const g = globalThis as {
    Worker?: new (url: string) => { postMessage(d: unknown): void; terminate(): void };
    Blob?: new (parts: string[], o: { type: string }) => unknown;
    URL?: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
  };
  if (typeof g.Worker !== "function" || typeof g.Blob !== "function" || !g.URL) return null;
  const WebW = g.Worker,
    url = g.URL;
  const blob = new g.Blob([WORKER_SOURCE], { type: "text/javascript" });
  return (data) => {
    const href = url.createObjectURL(blob);
    const w = new WebW(href);
    url.revokeObjectURL(href);
    w.postMessage(data);
    liveWorkers++;
    let alive = true;
    return {
      terminate: () => {
        w.terminate();
        if (alive) liveWorkers--;
        alive = false;
      },
    };
  };
}

export class ThreadPool {
  /** Threads, the caller's included. */
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  /** Instance 0, on the calling thread: it owns the allocator of the shared memory. */
  readonly k: Kernels;
  private readonly ctl: Int32Array;
  private readonly slots: Float64Array[] = [];
  private workers: WorkerHandle[] = [];
  private closed = false;

  constructor(threads: number) {
    this.threads = threads;
    this.memory = sharedMemory();
    this.k = new WebAssembly.Instance(sharedModule(), hostImports(this.memory)).exports as unknown as Kernels;
    const ctl = this.k.persistentAlloc(CTL_BYTES + (threads - 1) * SLOT_DOUBLES * 8) >>> 0;
    this.ctl = new Int32Array(this.memory.buffer, ctl, CTL_WORDS);
    this.ctl.fill(0);
    for (let w = 1; w < threads; w++)
      this.slots.push(new Float64Array(this.memory.buffer, ctl + CTL_BYTES + (w - 1) * SLOT_DOUBLES * 8, SLOT_DOUBLES));
  }

  /** Starts the workers, each with an arena of `arenaBytes` (in Node: and waits until all are ready). */
  start(arenaBytes: number, wait: boolean): void {
    const spawn = workerFactory();
    if (spawn === null) throw new GlocalError("E_UNSUPPORTED", "this runtime cannot start worker threads", "threads");
    const module = sharedModule();
    const ctlPtr = this.ctl.byteOffset;
    for (let w = 1; w < this.threads; w++) {
      const arena = this.k.persistentAlloc(arenaBytes) >>> 0;
      this.workers.push(
        spawn({
          module,
          memory: this.memory,
          names: WORKER_KERNELS,
          index: w - 1,
          ctl: ctlPtr,
          ctlWords: CTL_WORDS,
          slot: this.slots[w - 1].byteOffset,
          slotDoubles: SLOT_DOUBLES,
          results: RESULTS,
          calls: CALLS,
          arena,
          arenaBytes,
        }),
      );
    }
    if (wait) this.waitFor(2, this.threads - 1, "start", START_LIMIT_MS);
  }

  /** Whether worker w (1-based) has started and serves jobs. */
  ready(w: number): boolean {
    return Atomics.load(this.ctl, 16 + w - 1) === 1;
  }

  /**
   * Runs `jobs[w]` on worker w + 1 while `own` runs here, then waits for every worker;
   * the job of a worker that is not ready yet runs here (with `local`) after `own`.
   * Returns each job's results, one per call, in worker order.
   */
  run(
    jobs: readonly (readonly KernelCall[])[],
    own: () => void,
    local: (calls: readonly KernelCall[]) => number[],
  ): number[][] {
    if (this.closed) throw new GlocalError("E_DISPOSED", "the threads of this session were stopped", "threads");
    const job = Atomics.load(this.ctl, 0) + 1;
    const given = jobs.map((_, w) => this.ready(w + 1));
    let count = 0;
    jobs.forEach((calls, w) => {
      if (!given[w]) return;
      writeJob(this.slots[w], calls, job);
      count++;
    });
    Atomics.store(this.ctl, 1, 0);
    Atomics.store(this.ctl, 0, job);
    Atomics.notify(this.ctl, 0);
    const out: number[][] = jobs.map(() => []);
    try {
      own();
      jobs.forEach((calls, w) => {
        if (!given[w]) out[w] = local(calls);
      });
    } finally {
      // The workers read and write shared buffers: never return while they still run.
      this.waitFor(1, count, "step", JOB_LIMIT_MS);
    }
    for (let w = 0; w < jobs.length; w++) {
      if (!given[w]) continue;
      if (this.slots[w][0] !== 0)
        throw new GlocalError("E_INTERNAL", `thread ${w + 1} of the data-parallel step failed (a kernel trapped)`);
      out[w] = Array.from(this.slots[w].subarray(RESULTS, RESULTS + jobs[w].length));
    }
    return out;
  }

  /** Stops and terminates every worker (idempotent). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, 3, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  /** Blocks until control word `word` reaches `target`. */
  private waitFor(word: number, target: number, what: string, limitMs: number): void {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const v = Atomics.load(this.ctl, word);
      if (v >= target) return;
      if (Date.now() > deadline) {
        this.dispose();
        throw new GlocalError(
          "E_INTERNAL",
          `the worker threads did not answer (${what}); they were stopped`,
          "threads",
        );
      }
      Atomics.wait(this.ctl, word, v, 1000);
    }
  }
}

function writeJob(slot: Float64Array, calls: readonly KernelCall[], job: number): void {
  if (calls.length > MAX_CALLS) throw new GlocalError("E_INTERNAL", "too many kernel calls in one thread job");
  slot[0] = 0;
  slot[1] = 0;
  slot[2] = calls.length;
  slot[3] = job;
  let at = CALLS;
  for (const c of calls) {
    if (c.args.length > MAX_ARGS) throw new GlocalError("E_INTERNAL", `kernel ${c.name}: too many arguments`);
    slot[at] = WORKER_KERNELS.indexOf(c.name);
    slot[at + 1] = c.args.length;
    for (let a = 0; a < c.args.length; a++) slot[at + 2 + a] = c.args[a];
    at += 2 + c.args.length;
  }
}

/** A growable shared memory: up to 4 GiB, or 1 GiB where the runtime reserves less. */
function sharedMemory(): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  } catch {
    return new WebAssembly.Memory({ initial: 16, maximum: 16384, shared: true });
  }
}
