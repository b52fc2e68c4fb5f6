/**
 * The worker's side of the pool (pool.ts): receives tasks, runs each with its handler and
 * posts progress, the value or the error. A handler is a computation written as a generator
 * (cooperative.ts); it runs with turns of the worker's event loop in between, so a "stop"
 * message is also seen where shared memory is not available, and with a signal whose
 * `aborted` reads the pool's shared flag, so the driver's check at every inner step sees an
 * abort at once.
 */
import { Work, runYielding } from "./cooperative";
import { FromWorker, ToWorker, errorMessage } from "./pool";

/** What a handler gets besides its input. */
export interface TaskContext {
  /** Aborted when the pool aborts (pass it on as the computation's `signal`). */
  signal: { readonly aborted: boolean };
  /** Sends a progress value to the pool's `onProgress` (structured-cloned). */
  progress(value: unknown): void;
}

/** A task's computation: a generator (run with turns of the event loop), or a promise. */
export type TaskHandler = (input: never, ctx: TaskContext) => Work<unknown> | Promise<unknown>;

/** The worker's end of its channel: Node's parentPort or a Web Worker's global scope. */
export interface WorkerPort {
  post(message: unknown): void;
  listen(fn: (message: unknown) => void): void;
}

/** Serves the pool's tasks on `port` with `handlers` (by task name) until terminated. */
export function serveTasks(port: WorkerPort, handlers: Readonly<Record<string, TaskHandler>>): void {
  let flag: Int32Array | null = null;
  let stopped = false;
  const signal = {
    get aborted(): boolean {
      return stopped || (flag !== null && Atomics.load(flag, 0) !== 0);
    },
  };
  // Tasks run one after another, in the order they arrive.
  let queue: Promise<void> = Promise.resolve();
  port.listen((raw) => {
    const m = raw as ToWorker;
    if (m.type === "init") flag = m.flag ? new Int32Array(m.flag) : null;
    else if (m.type === "stop") stopped = true;
    else if (m.type === "task") queue = queue.then(() => runTask(m.index, m.name, m.input));
  });

  async function runTask(index: number, name: string, input: unknown): Promise<void> {
    const post = (message: FromWorker): void => port.post(message);
    try {
      const handler = Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined;
      if (handler === undefined) throw new Error(`no task named '${name}'`);
      const ctx: TaskContext = { signal, progress: (value) => post({ type: "progress", index, value }) };
      const work = handler(input as never, ctx);
      const value = work instanceof Promise ? await work : await runYielding(work);
      post({ type: "done", index, value });
    } catch (e) {
      post({ type: "error", index, error: errorMessage(e) });
    }
  }
}
