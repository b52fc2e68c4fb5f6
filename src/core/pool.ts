/**
 * A small pool that runs independent tasks on workers (Node worker threads or Web Workers,
 * behind `WorkerEndpoint`) for one run, then terminates every worker, whatever happened:
 * no worker outlives the call.
 *
 * - Longest first: tasks are handed out by decreasing `cost`, each to the next idle worker,
 *   so one long task starts at once instead of last.
 * - Abort: a shared Int32Array flag that the workers' loops read at every inner step (their
 *   loops are synchronous, so a message alone would wait for the loop's next pause), and a
 *   "stop" message for runtimes without SharedArrayBuffer. Tasks not started are skipped;
 *   running ones return what they have.
 * - Failure: a task that throws rejects with its GlocalError; a worker that crashes (an
 *   uncaught throw, process.exit, out of memory) rejects with E_WORKER naming its task.
 *   Either way the other workers are terminated before the promise settles.
 */
import { GlocalError, GlocalErrorCode, isGlocalError } from "./errors";
import { callerCode } from "./callback";

/** One unit of work: `name` selects the worker's handler, `input` is structured-cloned to it. */
export interface PoolTask {
  /** For messages: "strategy 'global'", "seed 3, random". */
  label: string;
  name: string;
  input: unknown;
  /** Relative cost, for longest-first scheduling. */
  cost: number;
}

/** One worker as the pool sees it. `onExit` fires once, when it has stopped for any reason. */
export interface WorkerEndpoint {
  post(message: unknown): void;
  onMessage(fn: (m: unknown) => void): void;
  onError(fn: (message: string) => void): void;
  onExit(fn: (code: number) => void): void;
  terminate(): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  spawn: () => WorkerEndpoint;
  /** Progress a task reported (its index in `tasks`). */
  onProgress?: (task: number, value: unknown) => void;
  /** Told when a task has returned its value. */
  onDone?: (task: number, value: unknown) => void;
  signal?: { readonly aborted: boolean };
  /** Told when a worker starts and when it has exited (tests count them). */
  onWorkerCount?: (alive: number) => void;
}

/** Messages between the pool and a worker (serveTasks.ts answers them). */
export type ToWorker =
  | { type: "init"; flag: SharedArrayBuffer | null }
  | { type: "task"; index: number; name: string; input: unknown }
  | { type: "stop" };
export type FromWorker =
  | { type: "progress"; index: number; value: unknown }
  | { type: "done"; index: number; value: unknown }
  | { type: "error"; index: number; error: { code: string; message: string; argument?: string } };

/** How often the pool reads a signal that has no 'abort' event (a plain `{ aborted }`). */
const POLL_MS = 10;

/**
 * Runs `tasks` on up to `o.workers` workers; resolves with each task's value in the order of
 * `tasks` (undefined for a task skipped after an abort).
 */
export function runPool(tasks: readonly PoolTask[], o: PoolOptions): Promise<unknown[]> {
  const results: unknown[] = new Array(tasks.length).fill(undefined);
  const order = tasks.map((_, i) => i).sort((a, b) => tasks[b].cost - tasks[a].cost || a - b);
  const flag = typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(4) : null;
  const endpoints: WorkerEndpoint[] = [];
  const exited: Promise<void>[] = [];
  let alive = 0;
  let next = 0;
  let running = 0;
  let failure: unknown = null;
  let aborted = false;
  let settle: (() => void) | null = null;

  const finished = new Promise<void>((resolve) => (settle = resolve));
  const done = (): void => settle?.();

  const abort = (): void => {
    if (aborted) return;
    aborted = true;
    if (flag) Atomics.store(new Int32Array(flag), 0, 1);
    for (const e of endpoints) safePost(e, { type: "stop" });
    if (running === 0) done();
  };
  const fail = (e: unknown): void => {
    if (failure === null) failure = e;
    abort();
    done();
  };
  const signalAborted = (): boolean => {
    const s = o.signal;
    return s !== undefined && Boolean(callerCode("signal.aborted", () => s.aborted));
  };

  /** Gives the worker its next task, or lets it be. */
  const feed = (w: WorkerEndpoint, current: { index: number }): void => {
    if (aborted || failure !== null || next >= order.length) {
      current.index = -1;
      if (running === 0) done();
      return;
    }
    const index = order[next++];
    current.index = index;
    running++;
    w.post({ type: "task", index, name: tasks[index].name, input: tasks[index].input } satisfies ToWorker);
  };

  const start = (): void => {
    const w = o.spawn();
    endpoints.push(w);
    alive++;
    o.onWorkerCount?.(alive);
    const current = { index: -1 };
    exited.push(
      new Promise<void>((resolve) =>
        w.onExit((code) => {
          alive--;
          o.onWorkerCount?.(alive);
          if (current.index >= 0) fail(crash(tasks[current.index], `exited with code ${code}`));
          resolve();
        }),
      ),
    );
    w.onError((message) => {
      if (current.index >= 0) fail(crash(tasks[current.index], message));
      else fail(new GlocalError("E_WORKER", `a worker failed before its first task: ${message}`, "workers"));
    });
    w.onMessage((raw) => {
      const m = raw as FromWorker;
      if (m.type === "progress") {
        if (failure === null) {
          try {
            o.onProgress?.(m.index, m.value);
          } catch (e) {
            fail(e);
          }
        }
        return;
      }
      running--;
      current.index = -1;
      if (m.type !== "done") return fail(rebuild(m.error));
      results[m.index] = m.value;
      try {
        o.onDone?.(m.index, m.value);
      } catch (e) {
        return fail(e);
      }
      feed(w, current);
    });
    w.post({ type: "init", flag } satisfies ToWorker);
    feed(w, current);
  };

  let poll: ReturnType<typeof setInterval> | null = null;
  const signal = o.signal as (EventTarget & { aborted: boolean }) | undefined;
  const onAbort = (): void => abort();
  return (async () => {
    try {
      if (signalAborted()) aborted = true;
      const n = aborted ? 0 : Math.max(0, Math.min(o.workers, tasks.length));
      for (let i = 0; i < n; i++) start();
      if (n === 0) done();
      if (typeof signal?.addEventListener === "function") signal.addEventListener("abort", onAbort);
      poll = setInterval(() => {
        try {
          if (signalAborted()) abort();
        } catch (e) {
          fail(e);
        }
      }, POLL_MS);
      await finished;
    } finally {
      if (poll !== null) clearInterval(poll);
      if (typeof signal?.removeEventListener === "function") signal.removeEventListener("abort", onAbort);
      // Every worker ends here, also after a failure: none outlives the run.
      await Promise.all(endpoints.map((e) => e.terminate().catch(() => undefined)));
      await Promise.all(exited);
    }
    if (failure !== null) throw failure;
    return results;
  })();
}

function safePost(w: WorkerEndpoint, m: ToWorker): void {
  try {
    w.post(m);
  } catch {
    // A worker that already exited: its exit is handled where it is reported.
  }
}

function crash(task: PoolTask, what: string): GlocalError {
  return new GlocalError("E_WORKER", `the worker running ${task.label} crashed: ${what}`, "workers");
}

/** A task's GlocalError as the worker threw it (code, message, argument); anything else is E_WORKER. */
function rebuild(e: { code: string; message: string; argument?: string }): GlocalError {
  if (typeof e?.code === "string" && e.code.startsWith("E_"))
    return new GlocalError(e.code as GlocalErrorCode, e.message, e.argument);
  return new GlocalError("E_WORKER", String(e?.message ?? e), "workers");
}

/** The error as a message a worker can post (serveTasks.ts). */
export function errorMessage(e: unknown): { code: string; message: string; argument?: string } {
  if (isGlocalError(e)) return { code: e.code, message: e.message, ...(e.argument ? { argument: e.argument } : {}) };
  return { code: "E_WORKER", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
