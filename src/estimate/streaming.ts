/**
 * GlocalEstimator: the streaming form of estimateGlobal. push(h) writes one hypergradient
 * into a ring buffer held in WebAssembly memory (allocated once, no reallocation per push);
 * estimate() runs on the rows held, oldest first. When the ring is full the oldest row is
 * overwritten. The buffer is freed by dispose(), or by a FinalizationRegistry if the caller
 * forgets.
 */
import { GlocalError, describe } from "../core/errors";
import { checkOptions, optInteger, ownCopy } from "../core/validate";
import { ESTIMATE_OPTION_KEYS, resolveOptions } from "./options";
import { estimateInScope } from "./pipeline";
import type { EstimateOptions, GlobalEstimate } from "./types";
import { PersistentBlock } from "../core/block";
import { withScope } from "../core/scope";

/** Options of `GlocalEstimator`: the number of hyperparameters, the ring's capacity, and the estimate's options. */
export interface GlocalEstimatorOptions extends EstimateOptions {
  /** q: the number of hyperparameters (entries per hypergradient). */
  dim: number;
  /** Capacity in rows (the largest window kept). Default 200. */
  window?: number;
}

/** The streaming estimator: push hypergradients one at a time into a ring buffer in WebAssembly memory, estimate at any time. */
export class GlocalEstimator {
  readonly dim: number;
  readonly window: number;
  private readonly options: EstimateOptions;
  private readonly block: PersistentBlock;
  private start = 0;
  private count = 0;
  /** Rows pushed since the last reset (the newest row is h_pushed). */
  private pushed = 0;

  /**
   * Checks every option now (those that depend on the rows held, such as a delay too long
   * for them, at estimate()) and keeps a copy: later changes to the caller's objects do
   * not reach the estimator.
   */
  constructor(options: GlocalEstimatorOptions) {
    const o = checkOptions(options, ["dim", "window", ...ESTIMATE_OPTION_KEYS]);
    if (o.dim === undefined)
      throw new GlocalError("E_OPTION", "option 'dim' (the number of hyperparameters q) is required", "dim");
    this.dim = optInteger(o.dim, "dim", 1, 1);
    this.window = optInteger(o.window, "window", 200, 2);
    const rest = Object.create(null) as Record<string, unknown>;
    for (const key of ESTIMATE_OPTION_KEYS) if (o[key] !== undefined) rest[key] = ownCopy(o[key]);
    // method 'horizon' may take its horizon with each estimate().
    const probe = rest.method === "horizon" && rest.horizon === undefined ? { ...rest, horizon: 2 } : rest;
    resolveOptions(probe, null, this.dim);
    this.options = Object.freeze(rest) as EstimateOptions;
    this.block = new PersistentBlock(this, this.window * this.dim, "this GlocalEstimator");
  }

  /** Rows currently held. */
  get length(): number {
    return this.count;
  }

  /** Rows pushed since the last reset (counts rows overwritten in a full ring). */
  get pushedRows(): number {
    return this.pushed;
  }

  private live(): PersistentBlock {
    this.block.check("estimator");
    return this.block;
  }

  /**
   * Appends one hypergradient (q finite numbers); it is copied, not kept. Each entry is read
   * once, before the ring is touched: an entry's getter (a Proxy, say) that pushes or
   * estimates meanwhile sees a consistent estimator, and cannot swap in a NaN after the check.
   */
  push(h: ArrayLike<number>): void {
    this.live();
    if (h === null || typeof h !== "object" || typeof (h as ArrayLike<number>).length !== "number") {
      throw new GlocalError("E_TYPE", `h must be an array of ${this.dim} numbers, got ${describe(h)}`, "h");
    }
    const length = h.length;
    if (length !== this.dim)
      throw new GlocalError("E_SHAPE", `h must have ${this.dim} entries, got ${describe(length)}`, "h");
    const row = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const v = h[i];
      if (typeof v !== "number") throw new GlocalError("E_TYPE", `h[${i}] is not a number (${describe(v)})`, "h");
      if (!Number.isFinite(v)) throw new GlocalError("E_NONFINITE", `h[${i}] is ${describe(v)}`, "h");
      row[i] = v;
    }
    const block = this.live();
    const slot = (this.start + this.count) % this.window;
    block.view().set(row, slot * this.dim);
    if (this.count < this.window) this.count++;
    else this.start = (this.start + 1) % this.window;
    this.pushed++;
  }

  /** Forgets every row (the tangent was reset: a new window starts). */
  reset(): void {
    this.live();
    this.start = 0;
    this.count = 0;
    this.pushed = 0;
  }

  /** The rows held, oldest first, as an m × q row-major copy. */
  rows(): Float64Array {
    const block = this.live();
    const out = new Float64Array(this.count * this.dim);
    this.unroll(block.view(), out);
    return out;
  }

  /** Copies the rows held from the ring into `dst`, oldest first. */
  private unroll(ring: Float64Array, dst: Float64Array): void {
    const q = this.dim;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % this.window;
      dst.set(ring.subarray(slot * q, slot * q + q), i * q);
    }
  }

  /**
   * The glocal estimate from the rows held; `overrides` replace construction options. The
   * overrides are read first, once: a getter that pushes or resets runs before the rows
   * are taken, never while they are.
   */
  estimate(overrides?: EstimateOptions): GlobalEstimate {
    const extra = checkOptions(overrides ?? undefined, ESTIMATE_OPTION_KEYS);
    const block = this.live();
    const m = this.count,
      q = this.dim;
    if (m === 0) throw new GlocalError("E_TOO_SHORT", "no hypergradient has been pushed yet", "trajectory");
    const options = Object.assign(Object.create(null), this.options, extra) as EstimateOptions;
    // horizon T counts rows from the window start; rows dropped from a full ring shift it.
    if (typeof options.horizon === "number") options.horizon -= this.pushed - m;
    return withScope((s) => {
      const traj = s.alloc(m * q);
      this.unroll(block.view(), s.f64(traj, m * q));
      return estimateInScope(s, traj, m, q, options);
    });
  }

  /** Frees the WebAssembly memory now (idempotent). */
  dispose(): void {
    this.block.dispose();
  }
}
