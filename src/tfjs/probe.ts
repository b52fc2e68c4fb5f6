/**
 * Which Hessian-vector products a tfjs model gets, decided once when the problem is made:
 * one exact product on a few training examples at θ₀. It falls back to finite differences
 * (approximate, with the reason) when tfjs has no second derivative for an op on the path
 * (e.g. Conv2DBackpropFilter, the gradient of a convolution's filter) or when an op's
 * gradient reads an output that `secondOrderScope` cannot reconnect. A loss that tfjs
 * cannot differentiate at all, or that is not a scalar, is the caller's error.
 */
import type { Tensor } from "@tensorflow/tfjs-core";
import { GlocalError } from "../core/errors";
import { mulberry32 } from "../core/random";
import type { Split } from "./data";
import { derivatives, parameterTensors } from "./derivatives";
import { Tf, tidy } from "./load";
import type { ModelAdapter } from "./model";
import { ScopeReport, discardTape } from "./secondOrder";

/** How the problem's Hessian-vector products are taken, and why not exactly when not. */
export interface ProbeResult {
  exact: boolean;
  /** Null when exact. */
  reason: string | null;
}

/** Examples the probe uses (few: it only has to run the ops once). */
const PROBE_EXAMPLES = 4;

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** Runs fn; a tfjs failure becomes `E_TYPE` about the loss, after tfjs's tape is cleaned up. */
function attempt<T>(tf: Tf, fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    discardTape(tf);
    return { ok: false, error };
  }
}

/** Exact or finite-difference products for this model (see above); E_SHAPE / E_TYPE for a bad loss. */
export function probe(tf: Tf, m: ModelAdapter, train: Split): ProbeResult {
  const n = Math.min(PROBE_EXAMPLES, train.n);
  const P = m.parameterCount;
  const u = mulberry32(0x5eed);
  const dir = Float64Array.from({ length: P }, () => u() - 0.5);
  // The loss itself, first: a scalar that tfjs can differentiate once.
  const first = attempt(tf, () =>
    tidy(tf, () => {
      const x = tf.slice(train.x, 0, n) as Tensor,
        y = tf.slice(train.y, 0, n) as Tensor;
      const value: unknown = m.withParameters(parameterTensors(tf, m, m.theta0), (xs) => m.loss(xs, x, y));
      if (!(value instanceof tf.Tensor) || value.rank !== 0)
        throw new GlocalError(
          "E_SHAPE",
          `the loss must return a scalar tensor (the mean over the batch), got ${value instanceof tf.Tensor ? `shape [${value.shape}]` : typeof value}`,
          "loss",
        );
      derivatives(tf, m, m.theta0, x, y, dir, 0, { exact: true, fdStep: 0 });
    }),
  );
  if (!first.ok) {
    if (first.error instanceof GlocalError) throw first.error;
    throw new GlocalError(
      "E_TYPE",
      `the loss failed on the training data in TensorFlow.js: ${message(first.error)}`,
      "loss",
    );
  }
  const report: ScopeReport = { unconnected: new Set() };
  const second = attempt(tf, () =>
    tidy(tf, () => {
      const x = tf.slice(train.x, 0, n) as Tensor,
        y = tf.slice(train.y, 0, n) as Tensor;
      derivatives(tf, m, m.theta0, x, y, dir, 1, { exact: true, fdStep: 0 }, report);
    }),
  );
  if (!second.ok) {
    const missing = /gradient function not found for (\w+)/.exec(message(second.error));
    return {
      exact: false,
      reason: missing
        ? `TensorFlow.js has no second derivative for ${missing[1]}`
        : `TensorFlow.js could not differentiate the gradient: ${message(second.error)}`,
    };
  }
  if (report.unconnected.size > 0) {
    return {
      exact: false,
      reason: `the gradient of ${[...report.unconnected].join(", ")} reads the op's output, which TensorFlow.js does not differentiate through`,
    };
  }
  return { exact: true, reason: null };
}
