/**
 * Workers for the pool (pool.ts): the `workers` option (default: the cores), and the Node
 * endpoint — a worker thread that loads one of the package's own CommonJS bundles and serves
 * tasks from it. No Node built-in is imported (the browser bundle shares this file):
 * `worker_threads` and `os` are required at run time, in Node only.
 */
import { optInteger } from "./validate";
import { nodeRequire } from "./optional";
import type { WorkerEndpoint } from "./pool";

/** More workers than this would only share the same cores. */
export const MAX_WORKERS = 256;

/** The number of cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers, else 1. */
export function defaultWorkers(): number {
  try {
    const os = nodeRequire()?.("os") as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus?.().length;
    if (typeof n === "number" && n >= 1) return Math.min(MAX_WORKERS, Math.floor(n));
  } catch {
    // not Node: fall through to the browser's count
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const h = nav?.hardwareConcurrency;
  return typeof h === "number" && h >= 1 ? Math.min(MAX_WORKERS, Math.floor(h)) : 1;
}

/** The `workers` option: an integer in [1, 256], default the number of cores (E_OPTION naming it). */
export function checkWorkers(value: unknown, name = "workers"): number {
  return optInteger(value, name, value === undefined ? defaultWorkers() : 0, 1, MAX_WORKERS);
}

let alive = 0;

/** Worker threads started by parallel runs that have not exited yet (0 between runs). */
export function workersAlive(): number {
  return alive;
}

/** What a worker thread runs: loads `module` (a CommonJS file) and calls its `entry` with the port. */
const BOOTSTRAP = `
const { parentPort, workerData } = require("worker_threads");
const port = { post: (m) => parentPort.postMessage(m), listen: (fn) => parentPort.on("message", fn) };
require(workerData.module)[workerData.entry](port);
`;

interface NodeWorker {
  postMessage(m: unknown): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
  terminate(): Promise<number>;
}

/**
 * A spawner of Node worker threads serving tasks from `entry` of the CommonJS file
 * `module`, or null where worker threads or the file are not available (a browser, or the
 * library bundled into an application, where its own bundle cannot be found).
 */
export function nodeSpawner(module: string | null, entry: string): (() => WorkerEndpoint) | null {
  const req = nodeRequire();
  if (req === null || module === null) return null;
  let threads: { Worker: new (src: string, o: object) => NodeWorker };
  try {
    threads = req("worker_threads") as typeof threads;
  } catch {
    return null;
  }
  return () => {
    const w = new threads.Worker(BOOTSTRAP, { eval: true, workerData: { module, entry } });
    alive++;
    let exited = false;
    const exitFns: Array<(code: number) => void> = [];
    w.on("exit", (code) => {
      if (exited) return;
      exited = true;
      alive--;
      for (const fn of exitFns) fn(code as number);
    });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.on("message", fn),
      onError: (fn) => w.on("error", (e) => fn(e instanceof Error ? `${e.name}: ${e.message}` : String(e))),
      onExit: (fn) => void exitFns.push(fn),
      terminate: async () => {
        await w.terminate();
      },
    };
  };
}

/**
 * The file that `specifier` (one of this package's entries, e.g. "glocal-hypergrad/demo")
 * resolves to from here, or null. Within the package this is its own "exports" entry; in an
 * application that installed it, the installed copy.
 */
export function resolveOwnBundle(specifier: string): string | null {
  try {
    const req = nodeRequire();
    const file = req?.resolve?.(specifier);
    return typeof file === "string" && /\.c?js$/.test(file) ? file : null;
  } catch {
    return null;
  }
}

interface WebWorker {
  postMessage(m: unknown): void;
  addEventListener(
    type: string,
    fn: (e: { data?: unknown; message?: string; preventDefault?: () => void }) => void,
  ): void;
  terminate(): void;
}

/** A worker script's address: a string, or a URL object (typed by its shape, so that the
 *  published declarations need no DOM or Node typings). */
export type ScriptUrl = string | { readonly href: string };

/**
 * A spawner of Web Workers (module workers) running the script at `url`, which serves the
 * tasks (e.g. calls serveDemoWorker with its global scope); null where Worker is missing.
 * Web Workers report no exit: a crash is their 'error' event, and terminate() ends them.
 */
export function webSpawner(url: ScriptUrl): (() => WorkerEndpoint) | null {
  const W = (globalThis as { Worker?: new (url: ScriptUrl, o: object) => WebWorker }).Worker;
  if (typeof W !== "function") return null;
  return () => {
    const w = new W(url, { type: "module" });
    const exitFns: Array<(code: number) => void> = [];
    let exited = false;
    const exit = (code: number): void => {
      if (exited) return;
      exited = true;
      for (const fn of exitFns) fn(code);
    };
    return {
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.addEventListener("message", (e) => fn(e.data)),
      onError: (fn) =>
        w.addEventListener("error", (e) => {
          e.preventDefault?.(); // reported as E_WORKER, not also on the console as uncaught
          fn(e.message || "an error in the worker's script");
        }),
      onExit: (fn) => void exitFns.push(fn),
      terminate: async () => {
        w.terminate();
        exit(0);
      },
    };
  };
}
