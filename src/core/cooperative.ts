/**
 * Long computations written once, as generators that yield between units of work (an inner
 * step), and run two ways: `runToEnd` drives them synchronously (the plain API, e.g.
 * `optimize`), `runYielding` gives the event loop a turn at least every `yieldEveryMs`, so
 * timers, requests, a UI or an AbortController run meanwhile. Both execute the very same
 * statements in the same order, so their results are identical bit for bit.
 */
import { GlocalError, describe } from "./errors";

/** A computation that yields (nothing) between units of work and returns a T. */
export type Work<T> = Generator<void, T, void>;

/** Default turn length of `runYielding`: with steps of up to as much again, the event
 *  loop waits at most about 50 ms. */
export const DEFAULT_YIELD_EVERY_MS = 25;

/** `fn` as a Work that does not yield (a unit of work where a generator is expected). */
// eslint-disable-next-line require-yield -- nothing to yield: runs fn and returns its value
export function* unit<T>(fn: () => T): Work<T> {
  return fn();
}

/** Runs `work` to its end without yielding to the event loop. */
export function runToEnd<T>(work: Work<T>): T {
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
  }
}

export interface YieldingOptions {
  /** Give the event loop a turn once this many milliseconds of work have passed (default 25). */
  yieldEveryMs?: number;
  /** Told how long each pause lasted (the caller's clock excludes it). */
  onPause?: (ms: number) => void;
}

/** Validates `yieldEveryMs` (E_OPTION naming it). */
export function checkYieldEvery(value: unknown, name = "yieldEveryMs"): number {
  if (value === undefined) return DEFAULT_YIELD_EVERY_MS;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new GlocalError(
      "E_OPTION",
      `option '${name}' must be a number of milliseconds >= 0, got ${describe(value)}`,
      name,
    );
  }
  return value;
}

/** Runs `work`, letting the event loop run (one macrotask turn) every `yieldEveryMs`. */
export async function runYielding<T>(work: Work<T>, options: YieldingOptions = {}): Promise<T> {
  const every = checkYieldEvery(options.yieldEveryMs);
  let sliceStart = now();
  for (;;) {
    const r = work.next();
    if (r.done) return r.value;
    if (now() - sliceStart >= every) {
      const paused = now();
      await nextTurn();
      sliceStart = now();
      options.onPause?.(sliceStart - paused);
    }
  }
}

/**
 * Resolves on a later turn of the event loop, after pending I/O and timers: setImmediate in
 * Node; a MessageChannel message in browsers and workers (setTimeout would be clamped to
 * 4 ms once nested); setTimeout where neither exists.
 */
export function nextTurn(): Promise<void> {
  const g = globalThis as {
    setImmediate?: (fn: () => void) => unknown;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null; close(): void };
      port2: { postMessage(v: unknown): void; close(): void };
    };
  };
  return new Promise((resolve) => {
    if (typeof g.setImmediate === "function") {
      g.setImmediate(resolve);
    } else if (typeof g.MessageChannel === "function") {
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        channel.port2.close();
        resolve();
      };
      channel.port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
